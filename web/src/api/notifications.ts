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
}

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
};

/** Where a link leads inside the console: a path when it is ours, else null (opened as a plain link). */
export function consolePath(link: string, origin: string): string | null {
  if (link.startsWith('/')) return link;
  if (origin && link.startsWith(origin + '/')) return link.slice(origin.length);
  return null;
}
