// File locks: every WebDAV lock the clients hold, and a "Break" button for the ones left behind.
import { useState } from 'react';
import { api, useAction, useQuery } from '../../api/client';
import type { FileLock, FileLockPage } from '../../api/types';
import { ErrorMessage, Notice } from '../../components/Form';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';

export function LockTable({ locks, busy, onBreak }: { locks: FileLock[]; busy: boolean; onBreak: (lock: FileLock) => void }) {
  const { t, lang } = useI18n();
  if (locks.length === 0) return <p className="muted" data-testid="locks-empty">{t('locks.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="locks-table">
        <thead>
          <tr>
            <th scope="col">{t('locks.path')}</th>
            <th scope="col">{t('locks.account')}</th>
            <th scope="col">{t('locks.lockedBy')}</th>
            <th scope="col">{t('locks.owner')}</th>
            <th scope="col">{t('locks.scope')}</th>
            <th scope="col">{t('locks.depth')}</th>
            <th scope="col">{t('locks.expires')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {locks.map((l) => (
            <tr key={l.token} data-testid="lock-row">
              <td className="cell-detail">{l.path}</td>
              <td>{l.account}</td>
              <td>{l.lockedBy}</td>
              <td className="cell-detail">{l.owner ?? '—'}</td>
              <td>{t(l.scope === 'shared' ? 'locks.scope.shared' : 'locks.scope.exclusive')}</td>
              <td>{t(l.depth === 'infinity' ? 'locks.depth.infinity' : 'locks.depth.0')}</td>
              <td className="cell-nowrap">{formatDateTime(l.expires, lang)}</td>
              <td>
                <button type="button" className="btn btn-danger" disabled={busy} onClick={() => onBreak(l)} data-testid="lock-break">
                  {t('locks.break')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LocksPage() {
  const { t } = useI18n();
  const locks = useQuery<FileLockPage>('/admin/files/locks');
  const [broken, setBroken] = useState<string | null>(null);
  const breakLock = useAction((l: FileLock) => api.del<void>(`/admin/files/locks/${encodeURIComponent(l.token)}`));

  return (
    <section className="admin-section" aria-labelledby="locks-title" data-testid="locks-page">
      <h2 id="locks-title">{t('locks.title')}</h2>
      <p className="muted">{t('locks.hint')}</p>
      <ErrorMessage error={locks.error ?? breakLock.error} />
      {broken && <Notice testId="lock-broken">{t('locks.broken', { path: broken })}</Notice>}
      {locks.data && (
        <LockTable
          locks={locks.data.items}
          busy={breakLock.busy}
          onBreak={async (l) => {
            setBroken(null);
            const r = await breakLock.run(l);
            if (r.ok) setBroken(l.path);
            locks.reload();
          }}
        />
      )}
      {locks.loading && !locks.data && <p className="muted">{t('common.loading')}</p>}
    </section>
  );
}
