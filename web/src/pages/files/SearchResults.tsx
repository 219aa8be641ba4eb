// Search by name in all the person's files (GET /api/v1/files/search), a page of
// PAGE_SIZE at a time: each result with the folder it is in, a link to open it
// (folders) or download it (files), and its thumbnail when it has one.
import { useState } from 'react';
import { withQuery, useQuery } from '../../api/client';
import { downloadUrl } from '../../api/dav';
import { ErrorMessage } from '../../components/Form';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { filesUrl } from './model';
import { Thumb } from './Thumb';

export const SEARCH_PAGE_SIZE = 50;

export interface SearchHit {
  id: string;
  name: string;
  /** The folder it is in: "/" or "/Docs/2024". */
  folder: string;
  path: string;
  isFolder: boolean;
  size: number;
  mtime: number;
  etag: string;
  contentType: string | null;
  hasPreview: boolean;
}

export interface SearchPage {
  items: SearchHit[];
  offset: number;
  limit: number;
  more: boolean;
}

export function searchPath(q: string, offset: number): string {
  return withQuery('/files/search', { q: q.trim(), offset: offset || undefined, limit: SEARCH_PAGE_SIZE });
}

export function SearchResults({ query }: { query: string }) {
  const { t } = useI18n();
  const [pages, setPages] = useState(1);
  return (
    <section className="files-search-results" aria-label={t('files.search.results', { q: query.trim() })} data-testid="search-results">
      <h2 className="files-search-title">{t('files.search.results', { q: query.trim() })}</h2>
      <ul className="files-search-list">
        {Array.from({ length: pages }, (_, i) => (
          <ResultPage key={i} query={query} offset={i * SEARCH_PAGE_SIZE} last={i === pages - 1} onMore={() => setPages(pages + 1)} />
        ))}
      </ul>
    </section>
  );
}

function ResultPage({ query, offset, last, onMore }: { query: string; offset: number; last: boolean; onMore: () => void }) {
  const { t, lang } = useI18n();
  const { login } = useUser();
  const page = useQuery<SearchPage>(searchPath(query, offset));
  if (page.error) {
    return (
      <li>
        <ErrorMessage error={page.error.serverMessage ?? t('error.unexpected', { status: page.error.status })} testId="search-error" />
      </li>
    );
  }
  if (!page.data) {
    return (
      <li className="muted" aria-live="polite" data-testid="search-loading">
        {t('files.search.searching')}
      </li>
    );
  }
  const { items, more } = page.data;
  return (
    <>
      {offset === 0 && items.length === 0 && (
        <li className="muted" data-testid="search-none">
          {t('files.search.none', { q: query.trim() })}
        </li>
      )}
      {items.map((hit) => (
        <li key={hit.id} className="files-search-hit" data-testid="search-hit" data-path={hit.path}>
          <Thumb fileId={hit.id} etag={hit.etag} isFolder={hit.isFolder} hasPreview={hit.hasPreview} />
          <span className="files-search-text">
            {hit.isFolder ? (
              <Link to={filesUrl(hit.path)} className="files-link" data-testid="search-open">
                {hit.name}
              </Link>
            ) : (
              <a href={downloadUrl(login, hit.path)} download={hit.name} className="files-link" data-testid="search-open">
                {hit.name}
              </a>
            )}
            <span className="muted files-search-where">
              {t('files.search.in')}{' '}
              <Link to={filesUrl(hit.folder)} data-testid="search-folder">
                {hit.folder === '/' ? t('files.home') : hit.folder}
              </Link>
              {!hit.isFolder && <> · {formatBytes(hit.size, lang)}</>}
            </span>
          </span>
        </li>
      ))}
      {last && more && (
        <li>
          <button type="button" className="btn btn-small" onClick={onMore} data-testid="search-more">
            {t('files.search.more')}
          </button>
        </li>
      )}
    </>
  );
}
