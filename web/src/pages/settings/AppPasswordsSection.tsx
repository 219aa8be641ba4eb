import { useState } from 'react';
import { api, encode, invalidate, useAction, useQuery } from '../../api/client';
import type { AppPassword, NewAppPassword } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { OnceSecret } from '../../components/Secret';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { Section } from '../../components/Section';

export function AppPasswordsSection() {
  const { t, lang } = useI18n();
  const list = useQuery<AppPassword[]>('/me/app-passwords');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<NewAppPassword | null>(null);
  const [revoking, setRevoking] = useState<AppPassword | null>(null);
  const create = useAction((n: string) => api.post<NewAppPassword>('/me/app-passwords', { name: n }));
  const revoke = useAction((id: string) => api.del<void>(`/me/app-passwords/${encode(id)}`));

  return (
    <Section title={t('appPasswords.title')} testId="app-passwords-section" intro={t('appPasswords.intro')}>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await create.run(name.trim());
          if (r.ok) {
            setCreated(r.value);
            setName('');
            invalidate('/me/app-passwords');
          }
        }}
      >
        <TextField
          label={t('appPasswords.name')}
          value={name}
          onChange={setName}
          placeholder={t('appPasswords.namePlaceholder')}
          required
          maxLength={100}
          testId="app-password-name"
        />
        <button type="submit" className="btn btn-primary" disabled={create.busy} data-testid="app-password-create">
          {t('appPasswords.create')}
        </button>
      </form>
      <ErrorMessage error={create.error} />

      {created && (
        <div className="created-box" data-testid="app-password-created">
          <p>
            {t('appPasswords.createdFor', { name: created.name })} {t('appPasswords.loginIs')}{' '}
            <code data-testid="app-password-login">{created.loginName}</code>
          </p>
          <OnceSecret label={t('appPasswords.password')} value={created.password} testId="app-password-value" />
          <button type="button" className="btn" onClick={() => setCreated(null)} data-testid="app-password-done">
            {t('common.done')}
          </button>
        </div>
      )}

      {list.error && <ErrorMessage error={list.error} />}
      {list.data && list.data.length === 0 && <p className="muted">{t('appPasswords.none')}</p>}
      {list.data && list.data.length > 0 && (
        <DataTable testId="app-passwords-table" columns={[t('appPasswords.name'), t('common.created'), t('appPasswords.lastUsed')]} actions>
          {list.data.map((p) => (
            <tr key={p.id} data-testid="app-password-row">
              <td>{p.name}</td>
              <td>{formatDateTime(p.createdAt, lang)}</td>
              <td>{p.lastUsedAt ? formatDateTime(p.lastUsedAt, lang) : t('common.never')}</td>
              <td className="cell-actions">
                <button
                  type="button"
                  className="btn btn-small btn-danger-quiet"
                  onClick={() => {
                    revoke.setError(null);
                    setRevoking(p);
                  }}
                  data-testid="app-password-revoke"
                >
                  {t('common.revoke')}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      {revoking && (
        <ConfirmDialog
          title={t('appPasswords.revokeTitle')}
          message={t('appPasswords.revokeConfirm', { name: revoking.name })}
          confirmLabel={t('common.revoke')}
          danger
          busy={revoke.busy}
          error={<ErrorMessage error={revoke.error} />}
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            const r = await revoke.run(revoking.id);
            if (r.ok) {
              setRevoking(null);
              invalidate('/me/app-passwords');
            }
          }}
        />
      )}
    </Section>
  );
}
