// Users: search, page through, create, edit, enable/disable, delete, reset
// password or second factor.
import { useEffect, useState } from 'react';
import { api, encode, invalidate, useAction, useQuery, withQuery } from '../../api/client';
import type { Group, User, UserList } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { RowMenu } from '../../components/RowMenu';
import { OnceSecret } from '../../components/Secret';
import { formatBytes } from '../../format';
import { useDebounced } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useUser } from '../../session';
import { UserFormDialog } from './UserFormDialog';

const PAGE = 50;

type Open =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'delete'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'totp'; user: User }
  | null;

function refreshLists() {
  invalidate('/users');
  invalidate('/groups');
}

export function UsersPage() {
  const { t, lang } = useI18n();
  const me = useUser();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [query]);
  const list = useQuery<UserList>(withQuery('/users', { q: query, limit: PAGE, offset }));
  const groups = useQuery<Group[]>('/groups');
  const [open, setOpen] = useState<Open>(null);
  const toggle = useAction((u: User) => api.patch<User>(`/users/${encode(u.login)}`, { enabled: !u.enabled }));

  const data = list.data;
  const total = data?.total ?? 0;

  return (
    <section className="admin-section" aria-labelledby="users-title" data-testid="users-page">
      <div className="toolbar">
        <h2 id="users-title">{t('users.title')}</h2>
        <div className="toolbar-end">
          <TextField
            label={t('users.search')}
            type="search"
            value={q}
            onChange={setQ}
            placeholder={t('users.searchPlaceholder')}
            className="field-inline"
            testId="users-search"
          />
          <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'create' })} data-testid="users-create">
            {t('users.create')}
          </button>
        </div>
      </div>

      <ErrorMessage error={list.error ?? toggle.error} />

      {data && data.items.length === 0 && <p className="muted" data-testid="users-empty">{query ? t('users.noMatch') : t('users.none')}</p>}

      {data && data.items.length > 0 && (
        <DataTable
          testId="users-table"
          busy={list.loading}
          columns={[
            t('users.login'),
            t('users.displayName'),
            t('users.email'),
            t('users.groups'),
            t('users.quota'),
            t('users.enabled'),
            t('users.admin'),
            t('users.totp'),
          ]}
          actions
        >
          {data.items.map((u) => {
            const self = u.login === me.login;
            return (
              <tr key={u.id} data-testid="user-row" data-login={u.login} className={u.enabled ? undefined : 'row-muted'}>
                <td className="cell-strong">{u.login}</td>
                <td>{u.displayName}</td>
                <td>{u.email ?? ''}</td>
                <td>{u.groups.join(', ')}</td>
                <td className="cell-nowrap">{u.quota === null ? t('quota.none') : formatBytes(u.quota, lang)}</td>
                <td>
                  <YesNo value={u.enabled} />
                </td>
                <td>
                  <YesNo value={u.admin} />
                </td>
                <td>
                  <YesNo value={u.totpEnabled} />
                </td>
                <td className="cell-actions">
                  <div className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => setOpen({ kind: 'edit', user: u })} data-testid="user-edit">
                      {t('common.edit')}
                    </button>
                    <RowMenu label={t('users.more')} ariaLabel={t('users.actionsFor', { login: u.login })} testId="user-actions">
                      {!self && (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={toggle.busy}
                          onClick={async () => {
                            const r = await toggle.run(u);
                            if (r.ok) refreshLists();
                          }}
                          data-testid="user-toggle-enabled"
                        >
                          {u.enabled ? t('users.disable') : t('users.enable')}
                        </button>
                      )}
                      <button type="button" className="btn btn-small" onClick={() => setOpen({ kind: 'password', user: u })} data-testid="user-reset-password">
                        {t('users.resetPassword')}
                      </button>
                      {u.totpEnabled && (
                        <button type="button" className="btn btn-small" onClick={() => setOpen({ kind: 'totp', user: u })} data-testid="user-reset-totp">
                          {t('users.resetTotp')}
                        </button>
                      )}
                      {!self && (
                        <button
                          type="button"
                          className="btn btn-small btn-danger-quiet"
                          onClick={() => setOpen({ kind: 'delete', user: u })}
                          data-testid="user-delete"
                        >
                          {t('common.delete')}
                        </button>
                      )}
                    </RowMenu>
                  </div>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}

      {data && total > PAGE && (
        <div className="pager">
          <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="users-prev">
            {t('common.previous')}
          </button>
          <span aria-live="polite">{t('users.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total })}</span>
          <button
            type="button"
            className="btn btn-small"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
            data-testid="users-next"
          >
            {t('common.next')}
          </button>
        </div>
      )}

      {(open?.kind === 'create' || open?.kind === 'edit') && (
        <UserFormDialog
          user={open.kind === 'edit' ? open.user : null}
          groups={groups.data ?? []}
          onSaved={refreshLists}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.kind === 'delete' && <DeleteUserDialog user={open.user} onClose={() => setOpen(null)} />}
      {open?.kind === 'password' && <ResetPasswordDialog user={open.user} onClose={() => setOpen(null)} />}
      {open?.kind === 'totp' && <ResetTotpDialog user={open.user} onClose={() => setOpen(null)} />}
    </section>
  );
}

function YesNo({ value }: { value: boolean }) {
  const { t } = useI18n();
  return <span className={`badge ${value ? 'badge-ok' : 'badge-muted'}`}>{value ? t('common.yes') : t('common.no')}</span>;
}

function DeleteUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const del = useAction(() => api.del<void>(`/users/${encode(user.login)}`));
  return (
    <ConfirmDialog
      title={t('users.deleteTitle')}
      message={t('users.deleteConfirm', { login: user.login, name: user.displayName })}
      confirmLabel={t('common.delete')}
      danger
      busy={del.busy}
      error={<ErrorMessage error={del.error} />}
      onCancel={onClose}
      onConfirm={async () => {
        const r = await del.run();
        if (r.ok) {
          refreshLists();
          onClose();
        }
      }}
    />
  );
}

function ResetTotpDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const reset = useAction(() => api.del<void>(`/users/${encode(user.login)}/totp`));
  return (
    <ConfirmDialog
      title={t('users.resetTotpTitle')}
      message={t('users.resetTotpConfirm', { login: user.login })}
      confirmLabel={t('users.resetTotp')}
      danger
      busy={reset.busy}
      error={<ErrorMessage error={reset.error} />}
      onCancel={onClose}
      onConfirm={async () => {
        const r = await reset.run();
        if (r.ok) {
          refreshLists();
          onClose();
        }
      }}
    />
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<{ generated?: string } | null>(null);
  const reset = useAction((p: string) =>
    api.post<{ password?: string } | undefined>(`/users/${encode(user.login)}/password`, p ? { password: p } : {}),
  );

  if (done) {
    return (
      <Dialog title={t('users.resetPasswordTitle')} onClose={onClose} testId="reset-password-dialog">
        {done.generated ? (
          <OnceSecret label={t('users.newPasswordFor', { login: user.login })} value={done.generated} testId="user-generated-password" />
        ) : (
          <p className="alert alert-ok" role="status">
            {t('users.passwordSet', { login: user.login })}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="reset-password-close">
            {t('common.close')}
          </button>
        </div>
      </Dialog>
    );
  }

  const weak = reset.error && (reset.error.code === 'weak-password' || reset.error.field === 'password');
  return (
    <ConfirmDialog
      title={t('users.resetPasswordTitle')}
      message={t('users.resetPasswordExplain', { login: user.login })}
      confirmLabel={t('users.resetPassword')}
      busy={reset.busy}
      error={weak ? null : <ErrorMessage error={reset.error} />}
      onCancel={onClose}
      onConfirm={async () => {
        const r = await reset.run(password);
        if (r.ok) setDone({ generated: r.value?.password });
      }}
    >
      <TextField
        label={t('users.newPassword')}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
        hint={t('users.passwordEmptyGenerates')}
        error={weak ? reset.error!.serverMessage ?? t('error.weak-password') : null}
        testId="reset-password-input"
      />
    </ConfirmDialog>
  );
}
