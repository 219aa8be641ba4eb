import { describe, expect, it } from 'vitest';
import type { User } from './api/types';
import { homePath, NAV_ITEMS } from './nav';

const user: User = {
  id: '1',
  login: 'bob',
  displayName: 'Bob',
  email: null,
  language: 'en',
  quota: null,
  enabled: true,
  admin: false,
  groups: [],
  groupAdminOf: [],
  totpEnabled: false,
  createdAt: 0,
  lastLoginAt: null,
};

const shown = (hasPhone: boolean) => NAV_ITEMS.filter((i) => i.visible(user, { hasPhone })).map((i) => i.id);

describe('navigation', () => {
  it('shows the Phone app only to a person with an extension', () => {
    expect(shown(false)).not.toContain('phone');
    expect(shown(true)).toContain('phone');
    expect(shown(true).indexOf('phone')).toBe(shown(true).indexOf('chat') + 1);
  });

  it('never opens on the Phone app after sign-in (the extension is not known yet)', () => {
    expect(homePath(user)).toBe('/files');
  });
});
