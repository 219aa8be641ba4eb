// The caller's notifications (docs/api/notifications.md).
import { api } from './client';

export interface Notification {
  id: string;
  kind: string;
  /** Already in the account's language. */
  title: string;
  params: string[];
  /** A console path ("/files/x"), an absolute URL, or empty. */
  link: string;
  createdAt: string;
  read: boolean;
  /** How many events it stands for: a burst of uploads through one file drop; 1 for most. */
  count: number;
}

/** One kind's e-mail setting: in the app always, by e-mail as chosen (else the server's default). */
export interface MailSetting {
  kind: string;
  mail: boolean;
  /** True while the person has not chosen: the server's default applies. */
  default: boolean;
}

export interface NotificationSettings {
  kinds: MailSetting[];
  /** False when the server sends no e-mail at all (no SMTP server configured). */
  mailEnabled: boolean;
  /** The account's address; empty = no e-mail can reach it. */
  email: string;
}

export const SETTINGS_PATH = '/me/notification-settings';

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
}

export const POLL_MS = 30_000;

export const notificationsApi = {
  list: (limit = 20) => api.get<NotificationPage>(`/notifications?limit=${limit}`),
  markRead: (id: string) => api.post<void>(`/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<void>('/notifications/read-all'),
  chooseMail: (choices: Record<string, boolean>) => api.put<NotificationSettings>(SETTINGS_PATH, choices),
};

/** Where a link leads inside the console: a path when it is ours, else null (opened as a plain link). */
export function consolePath(link: string, origin: string): string | null {
  if (link.startsWith('/')) return link;
  if (origin && link.startsWith(origin + '/')) return link.slice(origin.length);
  return null;
}
