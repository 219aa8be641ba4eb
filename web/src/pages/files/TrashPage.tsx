// The trash of the Files app at /files-trash: deleted items with their original
// location and deletion time; restore (the server picks another name when the
// original one is taken; the place it went to is shown), delete for good, empty.
import { useState } from 'react';
import { invalidate, useAction, useQuery } from '../../api/client';
import { listFolder } from '../../api/dav';
import { deleteTrashItem, emptyTrash, listTrash, locationFolder, restoreTrashItem, type TrashItem } from '../../api/trash';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { Moment } from '../../components/Moment';
import { formatBytes, formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { davErrorText, filesUrl } from './model';
import { refreshFiles } from './queries';
import './Files.css';

export const TRASH_URL = '/files-trash';
const trashKey = (login: string) => `dav:trash:${login}`;

/** Where a restored item is now: looked up by its file id in the original folder, then in the root. */
async function findRestored(login: string, item: TrashItem, fileId: string | null): Promise<string> {
  const folder = locationFolder(item.originalLocation);
  for (const f of folder === '/' ? ['/'] : [folder, '/']) {
    try {
      const listing = await listFolder(login, f);
      const hit = listing.children.find((c) => (fileId !== null && c.fileId === fileId) || (fileId === null && c.name === item.name));
      if (hit) return hit.path;
    } catch {
      // The folder is gone: try the root.
    }
  }
  return item.originalLocation;
}

type Open = { kind: 'delete'; item: TrashItem } | { kind: 'empty' } | null;

export function TrashPage() {
  const { t, lang } = useI18n();
  const { login } = useUser();
  const trash = useQuery<TrashItem[]>(trashKey(login), () => listTrash(login));
  const [open, setOpen] = useState<Open>(null);
  const [restored, setRestored] = useState<{ name: string; path: string } | null>(null);
  const restore = useAction(async (item: TrashItem) => {
    const fileId = await restoreTrashItem(login, item);
    return findRestored(login, item, fileId);
  });
  const del = useAction((item: TrashItem) => deleteTrashItem(login, item));
  const empty = useAction(() => emptyTrash(login));
  const items = trash.data ?? [];
  const after = () => {
    invalidate('dav:');
    refreshFiles();
  };

  return (
    <div className="page files-page trash-page" data-testid="trash-page">
      <div className="files-head">
        <h1 className="files-title" tabIndex={-1}>
          {t('files.trash.title')}
        </h1>
      </div>
      <p className="muted">{t('files.trash.intro')}</p>
      <div className="files-toolbar">
        <Link to={filesUrl('/')} className="btn" data-testid="trash-back">
          <Icon name="folder" size={18} />
          {t('files.trash.back')}
        </Link>
        <div className="files-actions">
          <button type="button" className="btn btn-danger-quiet" disabled={items.length === 0} onClick={() => setOpen({ kind: 'empty' })} data-testid="trash-empty-all">
            {t('files.trash.emptyAll')}
          </button>
        </div>
      </div>

      <div aria-live="polite">
        {restored && (
          <p className="alert alert-ok" data-testid="trash-restored" data-path={restored.path}>
            {t('files.trash.restored', { name: restored.name, path: restored.path })}{' '}
            <Link to={filesUrl(locationFolder(restored.path))} data-testid="trash-restored-open">
              {t('files.trash.open')}
            </Link>
          </p>
        )}
      </div>
      <ErrorMessage error={restore.error && davErrorText(t, restore.error)} testId="trash-action-error" />

      {trash.error && (
        <div className="files-error">
          <ErrorMessage error={davErrorText(t, trash.error)} testId="trash-error" />
          <button type="button" className="btn" onClick={trash.reload} data-testid="trash-retry">
            {t('common.retry')}
          </button>
        </div>
      )}
      {!trash.data && !trash.error && (
        <p className="muted" data-testid="trash-loading" aria-live="polite">
          {t('common.loading')}
        </p>
      )}
      {trash.data && items.length === 0 && (
        <div className="files-empty" data-testid="trash-empty">
          <Icon name="folder" size={40} />
          <p>{t('files.trash.empty')}</p>
        </div>
      )}
      {items.length > 0 && (
        <DataTable
          testId="trash-table"
          className="files-table"
          wrapClassName="files-table-wrap"
          busy={trash.loading}
          caption={t('files.trash.caption')}
          columns={[t('files.name'), t('files.trash.location'), t('files.trash.deletedAt'), { label: t('files.size'), className: 'files-col-size' }]}
          actions
        >
          {items.map((item) => (
            <tr key={item.itemName} data-testid="trash-row" data-name={item.name} data-item={item.itemName} data-location={item.originalLocation}>
              <td className="files-name-cell">
                <span className="files-name">
                  <span className={`files-icon ${item.isFolder ? 'files-icon-folder' : ''}`}>
                    <Icon name={item.isFolder ? 'folder' : 'file'} size={20} />
                  </span>
                  {item.name}
                </span>
              </td>
              <td data-testid="trash-location">{item.originalLocation}</td>
              <td className="cell-nowrap" data-testid="trash-deleted">
                <Moment at={item.deletedAt} format={(at) => formatDateTime(at, lang)} />
              </td>
              <td className="cell-nowrap files-col-size" data-testid="trash-size">
                {formatBytes(item.size, lang)}
              </td>
              <td className="cell-actions">
                <div className="button-row">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={restore.busy}
                    aria-label={t('files.trash.restoreName', { name: item.name })}
                    onClick={async () => {
                      setRestored(null);
                      const r = await restore.run(item);
                      if (r.ok) {
                        setRestored({ name: item.name, path: r.value });
                        after();
                      }
                    }}
                    data-testid="trash-restore"
                  >
                    {t('files.trash.restore')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    aria-label={t('files.trash.deleteForeverName', { name: item.name })}
                    onClick={() => setOpen({ kind: 'delete', item })}
                    data-testid="trash-delete"
                  >
                    {t('files.trash.deleteForever')}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {items.length > 0 && (
        <p className="files-count muted" data-testid="trash-count">
          {t('files.trash.count', { count: items.length })}
        </p>
      )}

      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('files.trash.deleteTitle')}
          message={t('files.trash.deleteConfirm', { name: open.item.name })}
          confirmLabel={t('files.trash.deleteForever')}
          danger
          busy={del.busy}
          error={<ErrorMessage error={del.error && davErrorText(t, del.error)} />}
          onCancel={() => setOpen(null)}
          onConfirm={async () => {
            const r = await del.run(open.item);
            if (r.ok || r.error.code === 'not-found') {
              setOpen(null);
              after();
            }
          }}
        />
      )}
      {open?.kind === 'empty' && (
        <ConfirmDialog
          title={t('files.trash.emptyTitle')}
          message={t('files.trash.emptyConfirm', { count: items.length })}
          confirmLabel={t('files.trash.emptyAll')}
          danger
          busy={empty.busy}
          error={<ErrorMessage error={empty.error && davErrorText(t, empty.error)} />}
          onCancel={() => setOpen(null)}
          onConfirm={async () => {
            const r = await empty.run();
            if (r.ok) {
              setOpen(null);
              setRestored(null);
              after();
            }
          }}
        />
      )}
    </div>
  );
}

