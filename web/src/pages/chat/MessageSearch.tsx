// Search in messages: a field above the conversation list; results (newest first, paged)
// show where each message is, who wrote it and the part that matched. A click opens the
// conversation at that message (/chat/<id>?m=<message>), highlighted.
import { useEffect, useRef, useState } from 'react';
import { authorName, chatApi, snippetParts, titleOf, type SearchHit } from '../../api/chat';
import { toApiError, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/Form';
import { useI18n } from '../../i18n/i18n';
import { navigate } from '../../router';
import './MessageSearch.css';

/** Typing pauses this long (ms) before the search goes out. */
const DEBOUNCE_MS = 300;

export function MessageSearch() {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Only the answer to the latest query counts.
  const seq = useRef(0);

  const run = (q: string, before?: string) => {
    const n = ++seq.current;
    setLoading(true);
    chatApi.search(q, before).then(
      (page) => {
        if (n !== seq.current) return;
        setHits((h) => (before && h ? [...h, ...page.items] : page.items));
        setMore(page.more);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        setError(toApiError(e));
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      seq.current++;
      setHits(null);
      setError(null);
      setLoading(false);
      return;
    }
    const timer = setTimeout(() => run(q), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const when = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

  return (
    <div className="chat-search" role="search">
      <input
        type="search"
        className="chat-search-input"
        value={query}
        placeholder={t('chat.search.placeholder')}
        aria-label={t('chat.search.label')}
        maxLength={200}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setQuery('');
        }}
        data-testid="chat-search"
      />
      <ErrorMessage error={error} testId="chat-search-error" />
      {hits && (
        <div className="chat-search-results" aria-busy={loading} data-testid="chat-search-results">
          {hits.length === 0 && !loading && <p className="muted">{t('chat.search.none')}</p>}
          <ul>
            {hits.map((h) => {
              const [before, match, after] = snippetParts(h.snippet);
              return (
                <li key={h.message.id}>
                  <button
                    type="button"
                    className="chat-search-hit"
                    onClick={() => {
                      setQuery('');
                      navigate(`/chat/${h.conversation.id}?m=${h.message.id}`);
                    }}
                    data-testid="chat-search-hit"
                    data-conversation={h.conversation.id}
                    data-id={h.message.id}
                  >
                    <span className="chat-search-where">
                      <strong>{titleOf(h.conversation)}</strong> · {authorName(h.message, t('guest.mark'))} ·{' '}
                      <time dateTime={h.message.createdAt}>{when.format(new Date(h.message.createdAt))}</time>
                    </span>
                    <span className="chat-search-snippet">
                      {before}
                      <mark>{match}</mark>
                      {after}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {more && (
            <button type="button" className="btn btn-small btn-link" disabled={loading} onClick={() => run(query.trim(), hits.at(-1)?.message.id)} data-testid="chat-search-more">
              {t('chat.search.more')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
