// The left navigation. Adding an app (Calls, Calendar, Phone) is one line here
// plus its route in App.tsx and its label in the catalogue, like Chat's.
import type { User } from './api/types';
import type { MessageKey } from './i18n/catalog';
import { isAnyAdmin } from './session';

export type IconName = 'settings' | 'shield' | 'folder' | 'chat' | 'video' | 'calendar' | 'phone';

export interface NavItem {
  id: string;
  path: string;
  label: MessageKey;
  icon: IconName;
  visible: (user: User) => boolean;
}

const always = () => true;

export const NAV_ITEMS: NavItem[] = [
  { id: 'files', path: '/files', label: 'nav.files', icon: 'folder', visible: always },
  { id: 'chat', path: '/chat', label: 'nav.chat', icon: 'chat', visible: always },
  { id: 'settings', path: '/settings', label: 'nav.settings', icon: 'settings', visible: always },
  { id: 'admin', path: '/admin', label: 'nav.admin', icon: 'shield', visible: isAnyAdmin },
];

/** The page to open after sign-in or at `/`. */
export function homePath(user: User): string {
  return NAV_ITEMS.find((item) => item.visible(user))?.path ?? '/settings';
}
