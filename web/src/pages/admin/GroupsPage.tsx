// Groups: create, delete, "require 2FA", members and group admins.
import { useState } from 'react';
import { api, encode, invalidate, useAction, useQuery, withQuery } from '../../api/client';
import type { Group, User, UserList } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { Checkbox, ErrorMessage, TextField } from '../../components/Form';
import { useDebounced } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useUser } from '../../session';

function refreshGroups() {
  invalidate('/groups');
  invalidate('/users');
}

export function GroupsPage() {
  const { t } = useI18n();
  const me = useUser();
  const list = useQuery<Group[]>('/groups');
  const [name, setName] = useState('');
  const [managing, setManaging] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const create = useAction((n: string) => api.post<Group>('/groups', { name: n }));
  const setRequire = useAction((g: Group, on: boolean) => api.patch<Group>(`/groups/${encode(g.name)}`, { requireTotp: on }));
  const del = useAction((g: Group) => api.del<void>(`/groups/${encode(g.name)}`));

  const groups = list.data ? [...list.data].sort((a, b) => a.name.localeCompare(b.name)) : [];
  const current = managing ? groups.find((g) => g.name === managing) ?? null : null;

  return (
    <section className="admin-section" aria-labelledby="groups-title" data-testid="groups-page">
      <div className="toolbar">
        <h2 id="groups-title">{t('groups.title')}</h2>
        {me.admin && (
          <form
            className="toolbar-end inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              const r = await create.run(name.trim());
              if (r.ok) {
                setName('');
                refreshGroups();
              }
            }}
          >
            <TextField
              label={t('groups.newName')}
              value={name}
              onChange={setName}
              required
              maxLength={100}
              className="field-inline"
              testId="group-create-name"
            />
            <button type="submit" className="btn btn-primary" disabled={create.busy} data-testid="group-create">
              {t('groups.create')}
            </button>
          </form>
        )}
      </div>
      <ErrorMessage error={list.error ?? create.error ?? setRequire.error} />

      {list.data && groups.length === 0 && <p className="muted">{t('groups.none')}</p>}
      {groups.length > 0 && (
        <DataTable testId="groups-table" columns={[t('groups.name'), t('groups.members'), t('groups.admins'), t('groups.requireTotp')]} actions>
          {groups.map((g) => (
            <tr key={g.id} data-testid="group-row" data-name={g.name}>
              <td className="cell-strong">{g.name}</td>
              <td>{g.memberCount}</td>
              <td>{g.admins.join(', ') || '—'}</td>
              <td>
                {me.admin ? (
                  <Checkbox
                    toggle
                    label={<span className="visually-hidden">{t('groups.requireTotpFor', { name: g.name })}</span>}
                    checked={g.requireTotp}
                    disabled={setRequire.busy}
                    onChange={async (on) => {
                      const r = await setRequire.run(g, on);
                      if (r.ok) invalidate('/groups');
                    }}
                    testId="group-require-totp"
                  />
                ) : g.requireTotp ? (
                  t('common.yes')
                ) : (
                  t('common.no')
                )}
              </td>
              <td className="cell-actions">
                <div className="row-actions">
                  <button type="button" className="btn btn-small" onClick={() => setManaging(g.name)} data-testid="group-manage">
                    {t('groups.manage')}
                  </button>
                  {me.admin && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger-quiet"
                      onClick={() => {
                        del.setError(null);
                        setDeleting(g);
                      }}
                      data-testid="group-delete"
                    >
                      {t('common.delete')}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      {current && <GroupDialog group={current} canManageAdmins={me.admin} onClose={() => setManaging(null)} />}
      {deleting && (
        <ConfirmDialog
          title={t('groups.deleteTitle')}
          message={t('groups.deleteConfirm', { name: deleting.name })}
          confirmLabel={t('common.delete')}
          danger
          busy={del.busy}
          error={<ErrorMessage error={del.error} />}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const r = await del.run(deleting);
            if (r.ok) {
              setDeleting(null);
              refreshGroups();
            }
          }}
        />
      )}
    </section>
  );
}

/** A login input that suggests matching users. */
function UserPicker({ label, value, onChange, testId }: { label: string; value: string; onChange: (v: string) => void; testId: string }) {
  const q = useDebounced(value.trim(), 250);
  const suggestions = useQuery<UserList>(q.length >= 2 ? withQuery('/users', { q, limit: 10 }) : null);
  const listId = `${testId}-suggestions`;
  return (
    <>
      <TextField
        label={label}
        value={value}
        onChange={onChange}
        list={listId}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        required
        className="field-inline"
        testId={testId}
      />
      <datalist id={listId}>
        {(suggestions.data?.items ?? []).map((u) => (
          <option key={u.id} value={u.login}>
            {u.displayName}
          </option>
        ))}
      </datalist>
    </>
  );
}

function GroupDialog({ group, canManageAdmins, onClose }: { group: Group; canManageAdmins: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const path = `/groups/${encode(group.name)}`;
  const members = useQuery<User[]>(`${path}/members`);
  const [memberLogin, setMemberLogin] = useState('');
  const [adminLogin, setAdminLogin] = useState('');
  const change = useAction((method: 'PUT' | 'DELETE', sub: 'members' | 'admins', login: string) =>
    method === 'PUT' ? api.put<void>(`${path}/${sub}/${encode(login)}`) : api.del<void>(`${path}/${sub}/${encode(login)}`),
  );

  const run = async (method: 'PUT' | 'DELETE', sub: 'members' | 'admins', login: string) => {
    const r = await change.run(method, sub, login);
    if (r.ok) {
      refreshGroups();
      invalidate(`${path}/members`);
    }
    return r.ok;
  };

  const sorted = members.data ? [...members.data].sort((a, b) => a.login.localeCompare(b.login)) : [];

  return (
    <Dialog title={t('groups.manageTitle', { name: group.name })} onClose={onClose} testId="group-dialog" wide>
      <ErrorMessage error={change.error} />
      <section className="subsection" aria-label={t('groups.members')}>
        <h3>{t('groups.membersCount', { n: group.memberCount })}</h3>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run('PUT', 'members', memberLogin.trim())) setMemberLogin('');
          }}
        >
          <UserPicker label={t('groups.addMember')} value={memberLogin} onChange={setMemberLogin} testId="group-member-login" />
          <button type="submit" className="btn btn-primary" disabled={change.busy} data-testid="group-member-add">
            {t('common.add')}
          </button>
        </form>
        {members.error && <ErrorMessage error={members.error} />}
        {members.data && sorted.length === 0 && <p className="muted">{t('groups.noMembers')}</p>}
        {sorted.length > 0 && (
          <ul className="member-list" data-testid="group-members">
            {sorted.map((u) => (
              <li key={u.id} data-testid="group-member" data-login={u.login}>
                <span>
                  <span className="cell-strong">{u.login}</span> <span className="muted">{u.displayName}</span>
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-danger-quiet"
                  disabled={change.busy}
                  onClick={() => void run('DELETE', 'members', u.login)}
                  aria-label={t('groups.removeMemberLabel', { login: u.login })}
                  data-testid="group-member-remove"
                >
                  {t('common.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="subsection" aria-label={t('groups.admins')}>
        <h3>{t('groups.admins')}</h3>
        <p className="muted">{t('groups.adminsExplain')}</p>
        {canManageAdmins && (
          <form
            className="inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await run('PUT', 'admins', adminLogin.trim())) setAdminLogin('');
            }}
          >
            <UserPicker label={t('groups.addAdmin')} value={adminLogin} onChange={setAdminLogin} testId="group-admin-login" />
            <button type="submit" className="btn btn-primary" disabled={change.busy} data-testid="group-admin-add">
              {t('common.add')}
            </button>
          </form>
        )}
        {group.admins.length === 0 ? (
          <p className="muted">{t('groups.noAdmins')}</p>
        ) : (
          <ul className="member-list" data-testid="group-admins">
            {[...group.admins].sort().map((login) => (
              <li key={login} data-testid="group-admin" data-login={login}>
                <span className="cell-strong">{login}</span>
                {canManageAdmins && (
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    disabled={change.busy}
                    onClick={() => void run('DELETE', 'admins', login)}
                    aria-label={t('groups.removeAdminLabel', { login })}
                    data-testid="group-admin-remove"
                  >
                    {t('common.remove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-testid="group-dialog-close">
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}
