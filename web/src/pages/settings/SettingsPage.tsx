// Personal settings: profile, notifications, password, two-factor, app passwords, sessions.
import { useT } from '../../i18n/i18n';
import { AppPasswordsSection } from './AppPasswordsSection';
import { NotificationsSection } from './NotificationsSection';
import { PasswordSection } from './PasswordSection';
import { ProfileSection } from './ProfileSection';
import { SessionsSection } from './SessionsSection';
import { TwoFactorSection } from './TwoFactorSection';
import './Settings.css';

export function SettingsPage() {
  const t = useT();
  return (
    <div className="page settings-page" data-testid="settings-page">
      <h1>{t('settings.title')}</h1>
      <ProfileSection />
      <NotificationsSection />
      <PasswordSection />
      <TwoFactorSection />
      <AppPasswordsSection />
      <SessionsSection />
    </div>
  );
}
