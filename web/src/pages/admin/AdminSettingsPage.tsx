import { useState } from 'react';
import { api, useAction, useQuery } from '../../api/client';
import type { AdminSettings } from '../../api/types';
import { Checkbox, ErrorMessage, Notice } from '../../components/Form';
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
    </section>
  );
}
