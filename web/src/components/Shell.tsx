// The frame around every signed-in page: header (product, user menu) and the
// left navigation, which collapses behind a menu button on narrow screens.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Lang, User } from '../api/types';
import { useCloseOnOutsidePointer } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { NAV_ITEMS } from '../nav';
import { useChatWatch } from '../pages/chat/chatWatch';
import { usePhoneWatch } from '../pages/phone/phoneWatch';
import { Link, usePath } from '../router';
import { useSession, useUser } from '../session';
import { Icon } from './Icon';
import { NotificationBell } from './NotificationBell';
import './Shell.css';

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const user = useUser();
  const path = usePath();
  const [navOpen, setNavOpen] = useState(false);
  const navId = useId();
  const chatUnread = useChatWatch(user.login);
  const phone = usePhoneWatch();

  // A new page closes the collapsed navigation.
  useEffect(() => setNavOpen(false), [path]);

  return (
    <div className={`shell ${navOpen ? 'nav-open' : ''}`}>
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className="shell-header">
        <button
          type="button"
          className="btn btn-icon nav-toggle"
          aria-expanded={navOpen}
          aria-controls={navId}
          aria-label={navOpen ? t('shell.closeMenu') : t('shell.openMenu')}
          onClick={() => setNavOpen((o) => !o)}
          data-testid="nav-toggle"
        >
          <Icon name="menu" />
        </button>
        <Link to="/" className="brand" data-testid="brand">
          {t('app.name')}
        </Link>
        <div className="shell-header-end">
          <NotificationBell />
          <UserMenu user={user} />
        </div>
      </header>
      <div className="shell-body">
        <nav
          id={navId}
          className="shell-nav"
          aria-label={t('shell.nav')}
          data-testid="nav"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && navOpen) setNavOpen(false);
          }}
        >
          <ul>
            {NAV_ITEMS.filter((item) => item.visible(user, phone)).map((item) => (
              <li key={item.id}>
                <Link to={item.path} matchPrefix data-testid={`nav-${item.id}`}>
                  <Icon name={item.icon} />
                  <span>{t(item.label)}</span>
                  {item.id === 'chat' && chatUnread > 0 && (
                    <span className="badge nav-badge" data-testid="nav-chat-unread" aria-label={t('chat.unreadLabel', { n: chatUnread })}>
                      {chatUnread}
                    </span>
                  )}
                  {item.id === 'phone' && phone.missed > 0 && (
                    <span className="badge nav-badge" data-testid="nav-phone-missed" aria-label={t('phone.missedLabel', { n: phone.missed })}>
                      {phone.missed}
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {navOpen && <div className="nav-backdrop" aria-hidden="true" onClick={() => setNavOpen(false)} />}
        <main id="main" className="shell-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

function UserMenu({ user }: { user: User }) {
  const { t, lang, setLang } = useI18n();
  const { setUser, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const closePanel = useCallback(() => setOpen(false), []);
  useCloseOnOutsidePointer(open, rootRef, closePanel);

  const chooseLanguage = async (l: Lang) => {
    setLang(l);
    if (l === user.language) return;
    try {
      setUser(await api.patch<User>('/me', { language: l }));
    } catch {
      // The UI language changed anyway; the profile keeps the old one.
    }
  };

  return (
    <div
      className="user-menu"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="btn user-menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        data-testid="user-menu-button"
      >
        <Icon name="user" size={18} />
        <span className="user-menu-name" data-testid="user-display-name">
          {user.displayName || user.login}
        </span>
      </button>
      <div id={panelId} className="popover user-menu-panel" hidden={!open} data-testid="user-menu">
        <p className="user-menu-who">
          <span className="user-menu-login">{user.login}</span>
          {user.email && <span className="user-menu-email">{user.email}</span>}
        </p>
        <div role="group" aria-label={t('shell.language')} className="user-menu-langs">
          <span className="user-menu-caption" aria-hidden="true">
            {t('shell.language')}
          </span>
          {(['fr', 'en'] as const).map((l) => (
            <button
              key={l}
              type="button"
              className="btn btn-small"
              aria-pressed={lang === l}
              lang={l}
              onClick={() => void chooseLanguage(l)}
              data-testid={`lang-${l}`}
            >
              {l === 'fr' ? 'Français' : 'English'}
            </button>
          ))}
        </div>
        <Link to="/settings" className="user-menu-link" onClick={() => setOpen(false)}>
          {t('nav.settings')}
        </Link>
        <button type="button" className="btn user-menu-signout" onClick={() => void signOut()} data-testid="sign-out">
          {t('shell.signOut')}
        </button>
      </div>
    </div>
  );
}
