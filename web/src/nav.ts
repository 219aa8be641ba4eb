// The left navigation. Adding an app (Calls, Calendar, Phone) is one line here
// plus its route in App.tsx and its label in the catalogue, like Chat's.
import type { User } from './api/types';
import type { MessageKey } from './i18n/catalog';
import { isAnyAdmin } from './session';

export type IconName = 'settings' | 'shield' | 'folder' | 'chat' | 'video' | 'calendar' | 'phone';

/** What the shell learnt about the person beyond their account: whether they have an extension. */
export interface NavContext {
  hasPhone: boolean;
}

export interface NavItem {
  id: string;
  path: string;
  label: MessageKey;
  icon: IconName;
  visible: (user: User, ctx: NavContext) => boolean;
}

const always = () => true;

export const NAV_ITEMS: NavItem[] = [
  { id: 'files', path: '/files', label: 'nav.files', icon: 'folder', visible: always },
  { id: 'chat', path: '/chat', label: 'nav.chat', icon: 'chat', visible: always },
  { id: 'phone', path: '/phone', label: 'nav.phone', icon: 'phone', visible: (_user, ctx) => ctx.hasPhone },
  { id: 'settings', path: '/settings', label: 'nav.settings', icon: 'settings', visible: always },
  { id: 'admin', path: '/admin', label: 'nav.admin', icon: 'shield', visible: isAnyAdmin },
];

/** The page to open after sign-in or at `/`. */
export function homePath(user: User): string {
  return NAV_ITEMS.find((item) => item.visible(user, { hasPhone: false }))?.path ?? '/settings';
}
