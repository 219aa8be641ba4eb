// The versions of one file: earlier contents (date, size), each downloadable and
// restorable (after a confirmation; the current content becomes a version).
import { useState } from 'react';
import { useAction, useQuery } from '../../api/client';
import type { DavEntry } from '../../api/dav';
import { listVersions, restoreVersion, versionUrl, type Version } from '../../api/trash';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { Moment } from '../../components/Moment';
import { formatBytes, formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { davErrorText } from './model';

interface Props {
  login: string;
  entry: DavEntry;
  onClose: () => void;
  onDone: () => void;
}

export function VersionsDialog({ login, entry, onClose, onDone }: Props) {
  const { t, lang } = useI18n();
  const fileId = entry.fileId;
  const versions = useQuery<Version[]>(fileId ? `dav:versions:${login}:${fileId}` : null, () => listVersions(login, fileId!));
  const [confirm, setConfirm] = useState<Version | null>(null);
  const [restored, setRestored] = useState<string | null>(null);
  const restore = useAction((v: Version) => restoreVersion(login, fileId!, v.id));
  const dateOf = (v: Version) => (v.lastModified === null ? '—' : formatDateTime(v.lastModified, lang));

  if (confirm) {
    return (
      <ConfirmDialog
        title={t('files.versions.restoreTitle')}
        message={t('files.versions.restoreConfirm', { date: dateOf(confirm), name: entry.name })}
        confirmLabel={t('files.versions.restore')}
        busy={restore.busy}
        error={<ErrorMessage error={restore.error && davErrorText(t, restore.error)} />}
        onCancel={() => setConfirm(null)}
        onConfirm={async () => {
          const r = await restore.run(confirm);
          if (r.ok) {
            setRestored(dateOf(confirm));
            setConfirm(null);
            onDone();
            versions.reload();
          }
        }}
      />
    );
  }

  return (
    <Dialog title={t('files.versions.title', { name: entry.name })} onClose={onClose} testId="versions-dialog" wide>
      <p className="muted">{t('files.versions.intro')}</p>
      <div aria-live="polite">
        {restored && (
          <p className="alert alert-ok" data-testid="versions-restored">
            {t('files.versions.restored', { date: restored })}
          </p>
        )}
      </div>
      {!fileId && <ErrorMessage error={t('files.versions.noId')} testId="versions-error" />}
      {versions.error && <ErrorMessage error={davErrorText(t, versions.error)} testId="versions-error" />}
      {fileId && !versions.data && !versions.error && (
        <p className="muted" data-testid="versions-loading">
          {t('common.loading')}
        </p>
      )}
      {versions.data && versions.data.length === 0 && (
        <p data-testid="versions-empty">{t('files.versions.none')}</p>
      )}
      {versions.data && versions.data.length > 0 && (
        <DataTable testId="versions-table" caption={t('files.versions.caption')} columns={[t('files.versions.date'), t('files.size')]} actions>
          {versions.data.map((v) => (
            <tr key={v.id} data-testid="version-row" data-id={v.id} data-size={v.size}>
              <td className="cell-nowrap" data-testid="version-date">
                <Moment at={v.lastModified} format={(at) => formatDateTime(at, lang)} />
              </td>
              <td className="cell-nowrap" data-testid="version-size">
                {formatBytes(v.size, lang)}
              </td>
              <td className="cell-actions">
                <div className="button-row">
                  <a
                    className="btn btn-small"
                    href={versionUrl(login, fileId!, v.id)}
                    download={entry.name}
                    aria-label={t('files.versions.downloadOf', { date: dateOf(v) })}
                    data-testid="version-download"
                  >
                    {t('files.versions.download')}
                  </a>
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={t('files.versions.restoreOf', { date: dateOf(v) })}
                    onClick={() => {
                      restore.setError(null);
                      setRestored(null);
                      setConfirm(v);
                    }}
                    data-testid="version-restore"
                  >
                    {t('files.versions.restore')}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-testid="versions-close">
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}
