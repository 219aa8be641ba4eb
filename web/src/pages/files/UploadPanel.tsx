// The uploads under way and finished: a bar for the total and one per file,
// cancel one or all, the reason of each failure, retry or replace.
import { useId, useSyncExternalStore } from 'react';
import { CHUNK_SIZE } from '../../api/chunked';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { davErrorText } from './model';
import { summarize, uploads, type UploadItem, type UploadQueue } from './uploads';

export function useUploads(queue: UploadQueue = uploads): readonly UploadItem[] {
  return useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
}

/**
 * `queue`: the Files app's by default; the public link page has its own. `keepTotal` leaves
 * the total bar up (full) once everything is sent, for a visitor who only came to upload.
 */
export function UploadPanel({ queue = uploads, keepTotal = false }: { queue?: UploadQueue; keepTotal?: boolean }) {
  const { t, lang } = useI18n();
  const items = useUploads(queue);
  const titleId = useId();
  if (items.length === 0) return null;
  const s = summarize(items);
  const finished = s.count - s.active;
  const totalText = t('files.uploads.total', {
    done: s.done,
    count: s.count - s.cancelled,
    loaded: formatBytes(s.loaded, lang),
    total: formatBytes(s.total, lang),
  });

  return (
    <section className="uploads" aria-labelledby={titleId} data-testid="uploads">
      <div className="uploads-head">
        <h2 id={titleId} className="uploads-title">
          {s.active > 0 ? t('files.uploads.title') : t('files.uploads.finished')}
        </h2>
        <div className="uploads-buttons">
          {s.active > 0 && (
            <button type="button" className="btn btn-small" onClick={() => queue.cancelAll()} data-testid="uploads-cancel-all">
              {t('files.uploads.cancelAll')}
            </button>
          )}
          {finished > 0 && (
            <button type="button" className="btn btn-small" onClick={() => queue.clearFinished()} data-testid="uploads-clear">
              {t('files.uploads.clear')}
            </button>
          )}
        </div>
      </div>
      {(s.active > 0 || (keepTotal && s.total > 0)) && <ProgressBar value={s.loaded} max={s.total} label={t('files.uploads.totalLabel')} valueText={totalText} testId="uploads-total" />}
      <p className="uploads-summary" aria-live="polite" data-testid="uploads-summary">
        {totalText}
        {s.failed > 0 && <> · {t('files.uploads.failedCount', { n: s.failed })}</>}
      </p>
      <ul className="upload-list">
        {items.map((item) => (
          <UploadRow key={item.id} item={item} queue={queue} />
        ))}
      </ul>
    </section>
  );
}

function UploadRow({ item, queue }: { item: UploadItem; queue: UploadQueue }) {
  const { t, lang } = useI18n();
  const active = item.status === 'queued' || item.status === 'uploading';
  const sizeText =
    item.status === 'uploading'
      ? t('files.uploads.progress', { loaded: formatBytes(item.loaded, lang), total: formatBytes(item.size, lang) })
      : formatBytes(item.size, lang);
  return (
    <li className={`upload-row upload-${item.status}`} data-testid="upload-row" data-name={item.relPath} data-status={item.status} data-chunked={item.size > CHUNK_SIZE ? 'true' : 'false'}>
      <div className="upload-line">
        <span className="upload-name" title={item.dest}>
          {item.relPath}
        </span>
        <span className="upload-size muted">{sizeText}</span>
        {item.resumed > 0 && item.status === 'uploading' && (
          <span className="upload-resumed muted" data-testid="upload-resumed">
            {t('files.uploads.resumed', { done: formatBytes(item.resumed, lang) })}
          </span>
        )}
        <span className="upload-state" data-testid="upload-state">
          {t(`files.uploads.status.${item.status}`)}
        </span>
        {active && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => queue.cancel(item.id)}
            aria-label={t('files.uploads.cancelOne', { name: item.relPath })}
            data-testid="upload-cancel"
          >
            {t('common.cancel')}
          </button>
        )}
        {item.status === 'failed' && item.error?.code === 'exists' && (
          <button type="button" className="btn btn-small" onClick={() => queue.retry(item.id, true)} data-testid="upload-replace">
            {t('files.uploads.replace')}
          </button>
        )}
        {(item.status === 'cancelled' || (item.status === 'failed' && item.error?.code !== 'exists')) && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => queue.retry(item.id)}
            aria-label={t('files.uploads.retryOne', { name: item.relPath })}
            data-testid="upload-retry"
          >
            {t('common.retry')}
          </button>
        )}
      </div>
      {item.status === 'uploading' && (
        <ProgressBar value={item.loaded} max={item.size} label={t('files.uploads.fileLabel', { name: item.relPath })} valueText={sizeText} testId="upload-progress" />
      )}
      {item.status === 'failed' && item.error && (
        <p className="upload-error" data-testid="upload-error">
          {davErrorText(t, item.error)}
        </p>
      )}
    </li>
  );
}
