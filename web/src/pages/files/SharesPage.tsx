// The shares of the signed-in person at /files-shared: "Shared with me" (owner, date,
// permissions, open, leave) and, at /files-shared/by-me, "Shared by me" (with whom or
// which link, date, permissions, manage in the share dialog, end).
import { useState } from 'react';
import { useAction, useQuery } from '../../api/client';
import { bareEntry, baseName, parentPath } from '../../api/dav';
import {
  deleteShare,
  isReadOnly,
  linkModeOf,
  PERM_CREATE,
  PERM_DELETE,
  PERM_SHARE,
  PERM_UPDATE,
  SHARE_GROUP,
  SHARE_LINK,
  sharedByMe,
  sharedWithMe,
  type Share,
} from '../../api/shares';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import type { Translate } from '../../i18n/i18n';
import { Link } from '../../router';
import { filesUrl } from './model';
import { refreshFiles } from './queries';
import { ShareDialog } from './ShareDialog';
import './Files.css';

export const SHARED_WITH_ME_URL = '/files-shared';
export const SHARED_BY_ME_URL = '/files-shared/by-me';
const withMeKey = 'dav:shared-with-me';
const byMeKey = 'dav:shared-by-me';

/** The rights of a share in words: "read only", or "read, edit, create…". */
export function permissionsText(t: Translate, s: Pick<Share, 'permissions' | 'shareType'>): string {
  if (s.shareType === SHARE_LINK) return t(`files.share.link.mode.${linkModeOf(s.permissions)}`);
  if (isReadOnly(s.permissions)) return t('files.share.readOnly');
  const parts = [t('files.share.perm.read')];
  if (s.permissions & PERM_UPDATE) parts.push(t('files.share.perm.edit'));
  if (s.permissions & PERM_CREATE) parts.push(t('files.share.perm.create'));
  if (s.permissions & PERM_DELETE) parts.push(t('files.share.perm.delete'));
  if (s.permissions & PERM_SHARE) parts.push(t('files.share.perm.reshare'));
  return parts.join(', ');
}

export function SharesPage({ path }: { path: string }) {
  const { t } = useI18n();
  const byMe = path === SHARED_BY_ME_URL;
  return (
    <div className="page files-page shares-page" data-testid="shares-page" data-view={byMe ? 'by-me' : 'with-me'}>
      <div className="files-head">
        <h1 className="files-title" tabIndex={-1}>
          {byMe ? t('files.shares.byMe') : t('files.shares.withMe')}
        </h1>
      </div>
      <div className="files-toolbar">
        <Link to={filesUrl('/')} className="btn" data-testid="shares-back">
          <Icon name="folder" size={18} />
          {t('files.trash.back')}
        </Link>
        <nav className="button-row" aria-label={t('files.shares.views')}>
          <Link to={SHARED_WITH_ME_URL} className="btn" aria-current={byMe ? undefined : 'page'} data-testid="shares-tab-with-me">
            {t('files.shares.withMe')}
          </Link>
          <Link to={SHARED_BY_ME_URL} className="btn" aria-current={byMe ? 'page' : undefined} data-testid="shares-tab-by-me">
            {t('files.shares.byMe')}
          </Link>
        </nav>
      </div>
      {byMe ? <SharedByMe /> : <SharedWithMe />}
    </div>
  );
}

function SharedWithMe() {
  const { t, lang } = useI18n();
  const shares = useQuery<Share[]>(withMeKey, sharedWithMe);
  const [leaving, setLeaving] = useState<Share | null>(null);
  const leave = useAction(deleteShare);
  const items = shares.data ?? [];
  return (
    <>
      <ErrorMessage error={shares.error} testId="shares-error" />
      {shares.data && items.length === 0 && (
        <p className="muted" data-testid="shares-empty">
          {t('files.shares.noneWithMe')}
        </p>
      )}
      {items.length > 0 && (
        <DataTable testId="shares-table" className="files-table" busy={shares.loading} caption={t('files.shares.withMe')} columns={[t('files.name'), t('files.shares.owner'), t('files.shares.date'), t('files.shares.permissions')]} actions>
          {items.map((s) => {
            const mount = s.path ?? s.fileTarget;
            return (
              <tr key={s.id} data-testid="share-row" data-name={baseName(mount)} data-permissions={s.permissions}>
                <td className="files-name-cell">
                  <span className="files-name">
                    <Icon name={s.isFolder ? 'folder' : 'file'} size={20} />
                    <Link to={filesUrl(s.isFolder ? mount : parentPath(mount))} className="files-link" data-testid="share-open">
                      {baseName(mount)}
                    </Link>
                  </span>
                </td>
                <td data-testid="share-owner">{s.fileOwnerName}</td>
                <td className="cell-nowrap">{formatDateTime(s.createdAt, lang)}</td>
                <td data-testid="share-permissions">{permissionsText(t, s)}</td>
                <td className="cell-actions">
                  <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setLeaving(s)} data-testid="share-leave">
                    {t('files.share.leave')}
                  </button>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {leaving && (
        <ConfirmDialog
          title={t('files.share.leaveTitle')}
          message={t('files.share.leaveConfirm', { name: baseName(leaving.path ?? leaving.fileTarget), owner: leaving.fileOwnerName })}
          confirmLabel={t('files.share.leave')}
          danger
          busy={leave.busy}
          error={<ErrorMessage error={leave.error} />}
          onCancel={() => setLeaving(null)}
          onConfirm={async () => {
            if ((await leave.run(leaving.id)).ok) {
              setLeaving(null);
              shares.reload();
              refreshFiles();
            }
          }}
        />
      )}
    </>
  );
}

function SharedByMe() {
  const { t, lang } = useI18n();
  const shares = useQuery<Share[]>(byMeKey, sharedByMe);
  const [managing, setManaging] = useState<Share | null>(null);
  const items = shares.data ?? [];
  const recipient = (s: Share) =>
    s.shareType === SHARE_LINK ? s.label || t('files.share.link.untitled') : s.shareType === SHARE_GROUP ? `${s.shareWithName} (${t('files.share.group')})` : s.shareWithName;
  return (
    <>
      <ErrorMessage error={shares.error} testId="shares-error" />
      {shares.data && items.length === 0 && (
        <p className="muted" data-testid="shares-empty">
          {t('files.shares.noneByMe')}
        </p>
      )}
      {items.length > 0 && (
        <DataTable testId="shares-table" className="files-table" busy={shares.loading} caption={t('files.shares.byMe')} columns={[t('files.name'), t('files.shares.with'), t('files.shares.date'), t('files.shares.permissions')]} actions>
          {items.map((s) => (
            <tr key={s.id} data-testid="share-row" data-name={baseName(s.path ?? '')} data-share-with={s.shareWith} data-share-type={s.shareType}>
              <td className="files-name-cell">
                <span className="files-name">
                  <Icon name={s.isFolder ? 'folder' : 'file'} size={20} />
                  {s.path ?? '—'}
                </span>
              </td>
              <td data-testid="share-with">{recipient(s)}</td>
              <td className="cell-nowrap">{formatDateTime(s.createdAt, lang)}</td>
              <td data-testid="share-permissions">{permissionsText(t, s)}</td>
              <td className="cell-actions">
                {s.path && (
                  <button type="button" className="btn btn-small" onClick={() => setManaging(s)} data-testid="share-manage">
                    {t('files.share.manage')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {managing && (
        <ShareDialog
          entry={bareEntry(managing.path ?? '/', { isFolder: managing.isFolder })}
          onClose={() => {
            setManaging(null);
            shares.reload();
          }}
        />
      )}
    </>
  );
}
