// Quarantine: the uploads the virus scanner found infected, kept when antivirus.infected =
// quarantine. An administrator releases one (the scanner was wrong: the file goes where it
// was uploaded) or deletes it for good; both ask first and are in the audit log.
import { useState } from 'react';
import { api, encode, useAction, useQuery } from '../../api/client';
import type { QuarantineItem } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage, Notice } from '../../components/Form';
import { formatBytes, formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';

type Pending = { kind: 'release' | 'delete'; item: QuarantineItem };

export function QuarantineTable({ items, onAsk }: { items: QuarantineItem[]; onAsk: (p: Pending) => void }) {
  const { t, lang } = useI18n();
  if (items.length === 0) return <p className="muted" data-testid="quarantine-empty">{t('quarantine.none')}</p>;
  return (
    <DataTable
      testId="quarantine-table"
      className="table-compact"
      columns={[t('quarantine.file'), t('quarantine.owner'), t('quarantine.signature'), t('quarantine.size'), t('quarantine.sender'), t('quarantine.at')]}
      actions
    >
      {items.map((q) => (
        <tr key={q.id} data-testid="quarantine-row" data-id={q.id}>
          <td className="cell-detail">/{q.path}</td>
          <td>{q.owner}</td>
          <td className="cell-detail">{q.signature}</td>
          <td className="cell-nowrap">{formatBytes(q.size, lang)}</td>
          <td>{[q.sender || q.owner, q.address].filter(Boolean).join(' · ')}</td>
          <td className="cell-nowrap">{formatDateTime(q.at, lang)}</td>
          <td>
            <span className="row-actions">
              <button type="button" className="btn" onClick={() => onAsk({ kind: 'release', item: q })} data-testid="quarantine-release">
                {t('quarantine.release')}
              </button>
              <button type="button" className="btn btn-danger" onClick={() => onAsk({ kind: 'delete', item: q })} data-testid="quarantine-delete">
                {t('common.delete')}
              </button>
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function QuarantinePage() {
  const { t } = useI18n();
  const list = useQuery<{ items: QuarantineItem[] }>('/admin/quarantine');
  const [pending, setPending] = useState<Pending | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = useAction((p: Pending) =>
    p.kind === 'release'
      ? api.post<{ owner: string; path: string }>(`/admin/quarantine/${encode(p.item.id)}/release`)
      : api.del<undefined>(`/admin/quarantine/${encode(p.item.id)}`),
  );

  return (
    <section className="admin-section" aria-labelledby="quarantine-title" data-testid="quarantine-page">
      <h2 id="quarantine-title">{t('quarantine.title')}</h2>
      <p className="muted">{t('quarantine.hint')}</p>
      <ErrorMessage error={list.error} />
      {done && <Notice testId="quarantine-done">{done}</Notice>}
      {list.data && (
        <QuarantineTable
          items={list.data.items}
          onAsk={(p) => {
            setDone(null);
            act.setError(null);
            setPending(p);
          }}
        />
      )}
      {list.loading && !list.data && <p className="muted">{t('common.loading')}</p>}
      {pending && (
        <ConfirmDialog
          title={t(pending.kind === 'release' ? 'quarantine.releaseTitle' : 'quarantine.deleteTitle')}
          message={t(pending.kind === 'release' ? 'quarantine.releaseConfirm' : 'quarantine.deleteConfirm', {
            path: '/' + pending.item.path,
            owner: pending.item.owner,
            signature: pending.item.signature,
          })}
          confirmLabel={t(pending.kind === 'release' ? 'quarantine.release' : 'common.delete')}
          danger
          busy={act.busy}
          error={<ErrorMessage error={act.error} />}
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            const r = await act.run(pending);
            if (!r.ok) return;
            const released = r.value;
            setDone(
              pending.kind === 'release' && released
                ? t('quarantine.released', { path: '/' + released.path, owner: released.owner })
                : t('quarantine.deleted', { path: '/' + pending.item.path }),
            );
            setPending(null);
            list.reload();
          }}
        />
      )}
    </section>
  );
}
