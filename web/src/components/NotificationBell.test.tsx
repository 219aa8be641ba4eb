import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { consolePath, type Notification } from '../api/notifications';
import { I18nProvider } from '../i18n/i18n';
import type { Lang } from '../api/types';
import { NotificationPanel } from './NotificationBell';

function render(node: ReactNode, lang: Lang = 'en'): string {
  return renderToStaticMarkup(<I18nProvider initial={lang}>{node}</I18nProvider>);
}

const none = () => undefined;

const items: Notification[] = [
  {
    id: '2',
    kind: 'file-drop-upload',
    title: "Renée Co uploaded 'scan.pdf' to 'Inbox'",
    params: ['Renée Co', 'scan.pdf', 'Inbox'],
    link: '/files/Inbox',
    createdAt: '2026-11-30T09:12:03.120Z',
    read: false,
    count: 1,
  },
  {
    id: '1',
    kind: 'share-received',
    title: "Alice Martin shared 'Plans' with you",
    params: ['Alice Martin', 'Plans'],
    link: 'https://atrium.example.com/files-shared',
    createdAt: '2026-11-29T08:00:00.000Z',
    read: true,
    count: 1,
  },
  {
    id: '0',
    kind: 'infected-upload',
    title: "Infected file stopped: 'x.doc'",
    params: ['x.doc', 'Eicar', 'bob'],
    link: '',
    createdAt: '2026-11-28T08:00:00.000Z',
    read: true,
    count: 1,
  },
];

describe('the notification panel', () => {
  it('lists the notifications newest first, unread ones marked, each with its link', () => {
    const html = render(
      <NotificationPanel items={items} unread={1} onRead={none} onReadAll={none} onOpen={none} origin="https://atrium.example.com" />,
    );
    expect(html.match(/data-testid="notification"/g)).toHaveLength(3);
    expect(html.indexOf('scan.pdf')).toBeLessThan(html.indexOf('Plans'));
    expect(html).toContain('<li class="bell-item bell-unread" data-testid="notification"><a href="/files/Inbox">');
    // A link to this server opens inside the console; one without link is plain text.
    expect(html).toContain('<a href="/files-shared"><span class="bell-title">Alice Martin shared &#x27;Plans&#x27; with you');
    expect(html).toContain('<li class="bell-item" data-testid="notification"><span class="bell-title">Infected file');
    // Only the unread one has a "mark read" button; "mark all read" is enabled.
    expect(html.match(/data-testid="notify-read"/g)).toHaveLength(1);
    expect(html).toMatch(/<button type="button" class="btn btn-small" data-testid="notify-read-all">Mark all read<\/button>/);
    expect(html).toContain('<time dateTime="2026-11-30T09:12:03.120Z">');
  });

  it('says so when there is nothing, in French too, with "mark all read" disabled', () => {
    const html = render(<NotificationPanel items={[]} unread={0} onRead={none} onReadAll={none} onOpen={none} />, 'fr');
    expect(html).toContain('Rien de nouveau.');
    expect(html).toContain('disabled="" data-testid="notify-read-all">Tout marquer comme lu</button>');
  });

  it('keeps links to another site as they are', () => {
    expect(consolePath('/files/x', 'https://a.example')).toBe('/files/x');
    expect(consolePath('https://a.example/files-shared', 'https://a.example')).toBe('/files-shared');
    expect(consolePath('https://other.example/x', 'https://a.example')).toBeNull();
    expect(consolePath('https://a.example.evil/x', 'https://a.example')).toBeNull();
  });
});
