// The bell in the header: the unread count, and a panel of the latest
// notifications (mark read, mark all read, open). Polled every 30 s until the
// chat's WebSocket can push them.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { consolePath, notificationsApi, POLL_MS, type Notification, type NotificationPage } from '../api/notifications';
import { formatDateTime } from '../format';
import { useCloseOnOutsidePointer } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';
import { Icon } from './Icon';

export function NotificationBell() {
  const { t } = useI18n();
  const [page, setPage] = useState<NotificationPage | null>(null);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      setPage(await notificationsApi.list());
    } catch {
      // Offline or signed out: the next poll tries again; the session layer handles sign-out.
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const closePanel = useCallback(() => setOpen(false), []);
  useCloseOnOutsidePointer(open, rootRef, closePanel);

  const act = async (call: Promise<void>) => {
    try {
      await call;
    } finally {
      await load();
    }
  };

  const unread = page?.unread ?? 0;
  return (
    <div
      className="bell"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) setOpen(false);
      }}
    >
      <button
        type="button"
        className="btn btn-icon bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={unread > 0 ? t('notify.bellUnread', { count: unread }) : t('notify.bell')}
        onClick={() => {
          setOpen((o) => !o);
          if (!open) void load();
        }}
        data-testid="bell"
      >
        <Icon name="bell" />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true" data-testid="bell-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <div id={panelId} className="popover bell-panel" hidden={!open}>
        <NotificationPanel
          items={page?.items ?? []}
          unread={unread}
          onRead={(id) => void act(notificationsApi.markRead(id))}
          onReadAll={() => void act(notificationsApi.markAllRead())}
          onOpen={(n) => {
            setOpen(false);
            if (!n.read) void act(notificationsApi.markRead(n.id));
          }}
        />
      </div>
    </div>
  );
}

interface PanelProps {
  items: Notification[];
  unread: number;
  onRead: (id: string) => void;
  onReadAll: () => void;
  onOpen: (n: Notification) => void;
  origin?: string;
}

/** The list itself, without fetching: what the bell shows when open. */
export function NotificationPanel({ items, unread, onRead, onReadAll, onOpen, origin }: PanelProps) {
  const { t, lang } = useI18n();
  const here = origin ?? (typeof window !== 'undefined' ? window.location.origin : '');
  return (
    <section aria-label={t('notify.title')} data-testid="notifications">
      <header className="bell-panel-head">
        <h2>{t('notify.title')}</h2>
        <button type="button" className="btn btn-small" disabled={unread === 0} onClick={onReadAll} data-testid="notify-read-all">
          {t('notify.readAll')}
        </button>
      </header>
      {items.length === 0 ? (
        <p className="bell-empty">{t('notify.none')}</p>
      ) : (
        <ul className="bell-list">
          {items.map((n) => {
            const path = n.link ? consolePath(n.link, here) : null;
            const title = <span className="bell-title">{n.title}</span>;
            return (
              <li key={n.id} className={n.read ? 'bell-item' : 'bell-item bell-unread'} data-testid="notification">
                {path !== null ? (
                  <Link to={path} onClick={() => onOpen(n)}>
                    {title}
                  </Link>
                ) : n.link ? (
                  <a href={n.link} onClick={() => onOpen(n)}>
                    {title}
                  </a>
                ) : (
                  title
                )}
                <time dateTime={n.createdAt}>{formatDateTime(Date.parse(n.createdAt), lang)}</time>
                {!n.read && (
                  <button type="button" className="btn btn-small" onClick={() => onRead(n.id)} data-testid="notify-read">
                    {t('notify.markRead')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
