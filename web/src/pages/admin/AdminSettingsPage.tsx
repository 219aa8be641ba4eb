// Settings: two-factor for everyone, the rules for links, and the firm's name and logo
// (shown on the pages of links and at sign-in). Each change applies at once, without a restart.
import { useEffect, useState } from 'react';
import { api, upload, useAction, useQuery } from '../../api/client';
import type { AdminSettings, Branding, LinkPolicy } from '../../api/types';
import { Checkbox, ErrorMessage, Notice, TextField } from '../../components/Form';
import { Section } from '../../components/Section';
import { useT } from '../../i18n/i18n';

export function AdminSettingsPage() {
  const t = useT();
  const settings = useQuery<AdminSettings>('/admin/settings');
  const [saved, setSaved] = useState(false);
  const save = useAction((s: AdminSettings) => api.patch<AdminSettings>('/admin/settings', s));

  return (
    <section className="admin-section" aria-labelledby="admin-settings-title" data-testid="admin-settings-page">
      <h2 id="admin-settings-title">{t('adminSettings.title')}</h2>
      <ErrorMessage error={settings.error ?? save.error} />
      {settings.data && (
        <div className="card">
          <Checkbox
            toggle
            label={t('adminSettings.requireTotp')}
            hint={t('adminSettings.requireTotpHint')}
            checked={settings.data.requireTotpForAll}
            disabled={save.busy}
            onChange={async (on) => {
              setSaved(false);
              const r = await save.run({ requireTotpForAll: on });
              if (r.ok) {
                settings.setData(r.value ?? { requireTotpForAll: on });
                setSaved(true);
              }
            }}
            testId="admin-require-totp"
          />
          {saved && <Notice testId="admin-settings-saved">{t('common.saved')}</Notice>}
        </div>
      )}
      <LinkPolicySection />
      <BrandingSection />
    </section>
  );
}

/** A whole number of days from 0, or null when the field does not hold one. */
function days(text: string): number | null {
  return /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : null;
}

function LinkPolicySection() {
  const t = useT();
  const policy = useQuery<LinkPolicy>('/admin/sharing');
  const [max, setMax] = useState('');
  const [dflt, setDflt] = useState('');
  const [password, setPassword] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useAction((body: Record<string, unknown>) => api.patch<LinkPolicy>('/admin/sharing', body));

  const data = policy.data;
  useEffect(() => {
    if (!data) return;
    setMax(String(data.maxExpiryDays));
    setDflt(String(data.defaultExpiryDays));
    setPassword(data.passwordEnforced);
  }, [data]);

  const send = async (body: Record<string, unknown>) => {
    setSaved(false);
    const r = await save.run(body);
    if (r.ok) {
      policy.setData(r.value);
      setSaved(true);
    }
  };
  const submit = () => {
    const m = days(max);
    const d = days(dflt);
    if (m === null || d === null) return setProblem(t('adminSettings.links.daysInvalid'));
    setProblem(null);
    void send({ maxExpiryDays: m, defaultExpiryDays: d, passwordEnforced: password });
  };

  return (
    <Section title={t('adminSettings.links.title')} intro={t('adminSettings.links.intro')} testId="admin-link-policy">
      <ErrorMessage error={policy.error ?? save.error ?? problem} testId="admin-link-policy-error" />
      {data && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <TextField
            label={t('adminSettings.links.maxDays')}
            hint={t('adminSettings.links.maxDaysHint', { configured: data.configured.maxExpiryDays })}
            value={max}
            onChange={setMax}
            inputMode="numeric"
            testId="admin-link-max-days"
          />
          <TextField
            label={t('adminSettings.links.defaultDays')}
            hint={t('adminSettings.links.defaultDaysHint', { configured: data.configured.defaultExpiryDays })}
            value={dflt}
            onChange={setDflt}
            inputMode="numeric"
            testId="admin-link-default-days"
          />
          <Checkbox
            label={t('adminSettings.links.password')}
            hint={t('adminSettings.links.passwordHint', {
              configured: t(data.configured.passwordEnforced ? 'common.yes' : 'common.no'),
            })}
            checked={password}
            onChange={setPassword}
            testId="admin-link-password"
          />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={save.busy} data-testid="admin-link-policy-save">
              {t('common.save')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={save.busy}
              onClick={() => send({ maxExpiryDays: null, defaultExpiryDays: null, passwordEnforced: null })}
              data-testid="admin-link-policy-reset"
            >
              {t('adminSettings.resetToConfig')}
            </button>
          </div>
          {saved && <Notice testId="admin-link-policy-saved">{t('common.saved')}</Notice>}
        </form>
      )}
    </Section>
  );
}

function BrandingSection() {
  const t = useT();
  const branding = useQuery<Branding>('/admin/branding');
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const saveName = useAction((value: string | null) => api.patch<Branding>('/admin/branding', { name: value }));
  const putLogo = useAction((file: File) => upload<Branding>('/admin/branding/logo', file, file.type || 'application/octet-stream', undefined, 'PUT'));
  const removeLogo = useAction(() => api.del<void>('/admin/branding/logo'));
  const busy = saveName.busy || putLogo.busy || removeLogo.busy;

  const data = branding.data;
  useEffect(() => {
    if (data) setName(data.name);
  }, [data]);

  const done = (value: Branding, what: string) => {
    branding.setData(value);
    setSaved(what);
  };

  return (
    <Section title={t('adminSettings.branding.title')} intro={t('adminSettings.branding.intro')} testId="admin-branding">
      <ErrorMessage error={branding.error ?? saveName.error ?? putLogo.error ?? removeLogo.error} testId="admin-branding-error" />
      {data && (
        <>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setSaved(null);
              const r = await saveName.run(name.trim() || null);
              if (r.ok) done(r.value, t('adminSettings.branding.nameSaved'));
            }}
          >
            <TextField
              label={t('adminSettings.branding.name')}
              hint={t('adminSettings.branding.nameHint', { configured: data.configuredName ?? '' })}
              value={name}
              onChange={setName}
              maxLength={100}
              testId="admin-branding-name"
            />
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy} data-testid="admin-branding-name-save">
                {t('common.save')}
              </button>
            </div>
          </form>
          <div className="branding-logo">
            <h3>{t('adminSettings.branding.logo')}</h3>
            {data.logoUrl ? (
              <img className="branding-logo-preview" src={data.logoUrl} alt={t('adminSettings.branding.logoAlt')} data-testid="admin-branding-logo" />
            ) : (
              <p className="muted" data-testid="admin-branding-no-logo">{t('adminSettings.branding.noLogo')}</p>
            )}
            <p className="field-hint">{t('adminSettings.branding.logoHint')}</p>
            <div className="form-actions">
              <label className="btn">
                {t(data.logoUrl ? 'adminSettings.branding.replaceLogo' : 'adminSettings.branding.uploadLogo')}
                <input
                  type="file"
                  accept="image/png,image/jpeg,image/gif,image/webp"
                  className="visually-hidden"
                  disabled={busy}
                  data-testid="admin-branding-logo-file"
                  onChange={async (e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (!file) return;
                    setSaved(null);
                    const r = await putLogo.run(file);
                    if (r.ok) done(r.value, t('adminSettings.branding.logoSaved'));
                  }}
                />
              </label>
              {data.logoUrl && (
                <button
                  type="button"
                  className="btn btn-danger"
                  disabled={busy}
                  data-testid="admin-branding-logo-remove"
                  onClick={async () => {
                    setSaved(null);
                    const r = await removeLogo.run();
                    if (r.ok) done({ ...data, logoUrl: null }, t('adminSettings.branding.logoRemoved'));
                  }}
                >
                  {t('adminSettings.branding.removeLogo')}
                </button>
              )}
            </div>
          </div>
          {saved && <Notice testId="admin-branding-saved">{saved}</Notice>}
        </>
      )}
    </Section>
  );
}
