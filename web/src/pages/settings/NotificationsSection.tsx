// Which notifications also come by e-mail (docs/api/notifications.md): all are
// in the app; e-mail per kind, the server's default until the person chooses.
import { useAction, useQuery } from '../../api/client';
import { notificationsApi, SETTINGS_PATH, type NotificationSettings } from '../../api/notifications';
import { DataTable } from '../../components/DataTable';
import { Checkbox, ErrorMessage, Notice } from '../../components/Form';
import { Section } from '../../components/Section';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/catalog';

export function NotificationsSection() {
  const { t } = useI18n();
  const settings = useQuery<NotificationSettings>(SETTINGS_PATH);
  const choose = useAction(notificationsApi.chooseMail);
  const data = settings.data;
  const reachable = !!data && data.mailEnabled && data.email !== '';

  return (
    <Section title={t('notifySettings.title')} testId="notify-settings" intro={t('notifySettings.intro')}>
      {settings.error && <ErrorMessage error={settings.error} />}
      <ErrorMessage error={choose.error} />
      {data && !data.mailEnabled && <Notice testId="notify-mail-off">{t('notifySettings.mailOff')}</Notice>}
      {data && data.mailEnabled && data.email === '' && <Notice testId="notify-no-email">{t('notifySettings.noEmail')}</Notice>}
      {data && (
        <DataTable testId="notify-settings-table" columns={[t('notifySettings.kind'), t('notifySettings.app'), t('notifySettings.mail')]}>
          {data.kinds.map((k) => {
            const label = t(`notifySettings.kind.${k.kind}` as MessageKey);
            return (
              <tr key={k.kind} data-testid="notify-kind" data-kind={k.kind}>
                <td>{label}</td>
                <td>{t('notifySettings.always')}</td>
                <td>
                  <Checkbox
                    toggle
                    label={<span className="visually-hidden">{t('notifySettings.mailFor', { kind: label })}</span>}
                    checked={k.mail}
                    disabled={!reachable || choose.busy}
                    onChange={async (mail) => {
                      const r = await choose.run({ [k.kind]: mail });
                      if (r.ok) settings.setData(r.value);
                    }}
                    testId="notify-mail"
                  />
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </Section>
  );
}
