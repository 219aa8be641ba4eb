// Create or edit a user. A created user without a password gets a generated
// one, shown here once.
import { useId, useState } from 'react';
import { api, encode, useAction } from '../../api/client';
import type { CreatedUser, Group, Lang, User } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Checkbox, ErrorMessage, SelectField, TextField } from '../../components/Form';
import { OnceSecret } from '../../components/Secret';
import { parseQuota, quotaToInput } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { useUser } from '../../session';

interface Props {
  /** null to create a user. */
  user: User | null;
  groups: Group[];
  onSaved: () => void;
  onClose: () => void;
}

export function UserFormDialog({ user, groups, onSaved, onClose }: Props) {
  const { t, lang } = useI18n();
  const me = useUser();
  const editing = user !== null;
  const groupsId = useId();

  const [login, setLogin] = useState('');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [language, setLanguage] = useState<Lang>(user?.language ?? lang);
  const [quotaText, setQuotaText] = useState(user ? quotaToInput(user.quota) : '');
  const [quotaError, setQuotaError] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  // A group admin must put a new user into one of their groups.
  const [selected, setSelected] = useState<string[]>(user?.groups ?? (me.admin ? [] : me.groupAdminOf.slice(0, 1)));
  const [enabled, setEnabled] = useState(user?.enabled ?? true);
  const [admin, setAdmin] = useState(user?.admin ?? false);
  const [created, setCreated] = useState<CreatedUser | null>(null);

  const save = useAction((body: Record<string, unknown>) =>
    editing ? api.patch<User>(`/users/${encode(user.login)}`, body) : api.post<CreatedUser>('/users', body),
  );

  // Group names this person may change; others the user belongs to are kept as they are.
  const visible = new Set(groups.map((g) => g.name));
  const groupNames = [...new Set([...groups.map((g) => g.name), ...(me.admin ? selected : [])])].sort((a, b) => a.localeCompare(b));

  const fieldError = (name: string) => (save.error?.field === name ? save.error.serverMessage ?? t('error.invalid') : null);
  const shownFields = editing
    ? ['displayName', 'email', 'quota', 'groups']
    : ['login', 'displayName', 'email', 'quota', 'password', 'groups'];
  const generalError = save.error && !(save.error.field && shownFields.includes(save.error.field)) ? save.error : null;

  if (created) {
    return (
      <Dialog title={t('users.createdTitle')} onClose={onClose} testId="user-created-dialog">
        <p role="status">{t('users.createdText', { login: created.login })}</p>
        {created.generatedPassword && (
          <OnceSecret label={t('users.generatedPassword')} value={created.generatedPassword} testId="user-generated-password" />
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="user-created-close">
            {t('common.close')}
          </button>
        </div>
      </Dialog>
    );
  }

  const submit = async () => {
    const quota = parseQuota(quotaText);
    if (quota === undefined) {
      setQuotaError(t('users.quotaInvalid'));
      return;
    }
    setQuotaError(null);
    const groupsToSend = me.admin ? selected : [...(user?.groups ?? []).filter((g) => !visible.has(g)), ...selected];
    const body: Record<string, unknown> = {
      displayName: displayName.trim(),
      language,
      quota,
      groups: groupsToSend,
      enabled,
    };
    const mail = email.trim();
    if (mail) body.email = mail;
    else if (editing && user.email) body.email = null;
    if (me.admin) body.admin = admin;
    if (!editing) {
      body.login = login.trim();
      if (password) body.password = password;
    }
    const r = await save.run(body);
    if (!r.ok) return;
    onSaved();
    if (!editing) setCreated(r.value as CreatedUser);
    else onClose();
  };

  return (
    <Dialog
      title={editing ? t('users.editTitle', { login: user.login }) : t('users.createTitle')}
      onClose={onClose}
      testId="user-dialog"
      wide
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          {!editing && (
            <TextField
              label={t('users.login')}
              value={login}
              onChange={setLogin}
              required
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              hint={t('users.loginHint')}
              error={fieldError('login')}
              testId="user-form-login"
            />
          )}
          <TextField
            label={t('users.displayName')}
            value={displayName}
            onChange={setDisplayName}
            autoComplete="off"
            error={fieldError('displayName')}
            testId="user-form-display-name"
          />
          <TextField
            label={t('users.email')}
            type="email"
            value={email}
            onChange={setEmail}
            autoComplete="off"
            error={fieldError('email')}
            testId="user-form-email"
          />
          <SelectField
            label={t('users.language')}
            value={language}
            onChange={(v) => setLanguage(v as Lang)}
            options={[
              { value: 'fr', label: 'Français' },
              { value: 'en', label: 'English' },
            ]}
            testId="user-form-language"
          />
          <TextField
            label={t('users.quota')}
            value={quotaText}
            onChange={(v) => {
              setQuotaText(v);
              setQuotaError(null);
            }}
            placeholder={t('users.quotaPlaceholder')}
            hint={t('users.quotaHint')}
            error={quotaError ?? fieldError('quota')}
            testId="user-form-quota"
          />
          {!editing && (
            <TextField
              label={t('users.password')}
              type="password"
              value={password}
              onChange={setPassword}
              autoComplete="new-password"
              hint={t('users.passwordEmptyGenerates')}
              error={save.error?.code === 'weak-password' ? save.error.serverMessage ?? t('error.weak-password') : fieldError('password')}
              testId="user-form-password"
            />
          )}
        </div>

        <fieldset className="fieldset" aria-describedby={`${groupsId}-hint`}>
          <legend>{t('users.groups')}</legend>
          {groupNames.length === 0 ? (
            <p className="muted" id={`${groupsId}-hint`}>
              {t('users.noGroups')}
            </p>
          ) : (
            <div className="check-list" data-testid="user-form-groups">
              <p className="visually-hidden" id={`${groupsId}-hint`}>
                {t('users.groupsHint')}
              </p>
              {groupNames.map((g) => (
                <Checkbox
                  key={g}
                  label={g}
                  checked={selected.includes(g)}
                  onChange={(on) => setSelected((s) => (on ? [...s, g] : s.filter((x) => x !== g)))}
                  testId={`user-form-group-${g}`}
                />
              ))}
            </div>
          )}
          {fieldError('groups') && <p className="field-error">{fieldError('groups')}</p>}
        </fieldset>

        <div className="check-row">
          <Checkbox label={t('users.enabledLabel')} checked={enabled} onChange={setEnabled} testId="user-form-enabled" />
          {me.admin && (
            <Checkbox
              label={t('users.adminLabel')}
              checked={admin}
              onChange={setAdmin}
              disabled={editing && user.login === me.login}
              testId="user-form-admin"
            />
          )}
        </div>

        <ErrorMessage error={generalError} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="user-form-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="user-form-submit">
            {editing ? t('common.save') : t('users.createSubmit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
