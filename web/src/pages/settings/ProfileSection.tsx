import { useEffect, useState } from 'react';
import { api, useAction } from '../../api/client';
import type { Lang, User } from '../../api/types';
import { ErrorMessage, Notice, SelectField, TextField } from '../../components/Form';
import { useI18n } from '../../i18n/i18n';
import { useSession, useUser } from '../../session';
import { Section } from '../../components/Section';

export function ProfileSection() {
  const { t, setLang } = useI18n();
  const user = useUser();
  const { setUser } = useSession();
  const [displayName, setDisplayName] = useState(user.displayName);
  const [email, setEmail] = useState(user.email ?? '');
  const [language, setLanguage] = useState<Lang>(user.language);
  const [saved, setSaved] = useState(false);
  const save = useAction((body: Partial<User>) => api.patch<User>('/me', body));

  // Follow changes made elsewhere (e.g. the language switch in the user menu).
  useEffect(() => setLanguage(user.language), [user.language]);

  const field = (name: string) => (save.error?.field === name ? save.error.serverMessage ?? null : null);

  return (
    <Section title={t('profile.title')} testId="profile-section">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(false);
          const r = await save.run({ displayName: displayName.trim(), email: email.trim(), language });
          if (r.ok) {
            setUser(r.value);
            setLang(r.value.language);
            setSaved(true);
          }
        }}
      >
        <div className="form-grid">
          <TextField
            label={t('profile.displayName')}
            value={displayName}
            onChange={(v) => {
              setDisplayName(v);
              setSaved(false);
            }}
            autoComplete="name"
            required
            error={field('displayName')}
            testId="profile-display-name"
          />
          <TextField
            label={t('profile.email')}
            type="email"
            value={email}
            onChange={(v) => {
              setEmail(v);
              setSaved(false);
            }}
            autoComplete="email"
            error={field('email')}
            testId="profile-email"
          />
          <SelectField
            label={t('profile.language')}
            value={language}
            onChange={(v) => {
              setLanguage(v as Lang);
              setSaved(false);
            }}
            options={[
              { value: 'fr', label: 'Français' },
              { value: 'en', label: 'English' },
            ]}
            testId="profile-language"
          />
        </div>
        {save.error && !save.error.field && <ErrorMessage error={save.error} />}
        {saved && <Notice testId="profile-saved">{t('common.saved')}</Notice>}
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="profile-save">
            {t('common.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}
