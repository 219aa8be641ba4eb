// Administration: tabs for users, groups, bulk import, phones, call log, audit log, file locks, quarantine and
// settings.
// Group admins get only users and groups (the API limits what they see).
import type { ReactNode } from 'react';
import type { User } from '../../api/types';
import type { MessageKey } from '../../i18n/catalog';
import { useT } from '../../i18n/i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { NotFoundPage } from '../NotFoundPage';
import { AdminSettingsPage } from './AdminSettingsPage';
import { AuditPage } from './AuditPage';
import { CallLogPage } from './CallLogPage';
import { GroupsPage } from './GroupsPage';
import { ImportPage } from './ImportPage';
import { LocksPage } from './LocksPage';
import { PhoneAdminPage } from './PhoneAdminPage';
import { QuarantinePage } from './QuarantinePage';
import { UsersPage } from './UsersPage';
import './Admin.css';

interface Tab {
  id: string;
  label: MessageKey;
  adminOnly: boolean;
  render: () => ReactNode;
}

const TABS: Tab[] = [
  { id: 'users', label: 'admin.tab.users', adminOnly: false, render: () => <UsersPage /> },
  { id: 'groups', label: 'admin.tab.groups', adminOnly: false, render: () => <GroupsPage /> },
  { id: 'import', label: 'admin.tab.import', adminOnly: true, render: () => <ImportPage /> },
  { id: 'phone', label: 'admin.tab.phone', adminOnly: true, render: () => <PhoneAdminPage /> },
  { id: 'calls', label: 'admin.tab.calls', adminOnly: true, render: () => <CallLogPage /> },
  { id: 'audit', label: 'admin.tab.audit', adminOnly: true, render: () => <AuditPage /> },
  { id: 'locks', label: 'admin.tab.locks', adminOnly: true, render: () => <LocksPage /> },
  { id: 'quarantine', label: 'admin.tab.quarantine', adminOnly: true, render: () => <QuarantinePage /> },
  { id: 'settings', label: 'admin.tab.settings', adminOnly: true, render: () => <AdminSettingsPage /> },
];

function tabsFor(user: User): Tab[] {
  return TABS.filter((tab) => user.admin || !tab.adminOnly);
}

export function AdminPage({ path }: { path: string }) {
  const t = useT();
  const user = useUser();
  const tabs = tabsFor(user);
  const id = path.split('/')[2] ?? 'users';
  const tab = tabs.find((x) => x.id === id);

  return (
    <div className="page admin-page" data-testid="admin-page">
      <h1>{t('admin.title')}</h1>
      <nav className="tabs" aria-label={t('admin.title')}>
        <ul>
          {tabs.map((x) => (
            <li key={x.id}>
              <Link to={`/admin/${x.id}`} className="tab" data-testid={`admin-tab-${x.id}`}>
                {t(x.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab && path.split('/').length === 3 ? tab.render() : <NotFoundPage />}
    </div>
  );
}
