// Who is online: `GET /api/v1/presence` read at start and after each (re)connection,
// kept current by `presence.changed` events; shown as a dot beside a person, with the
// person's status text (if any) in its label and, in a conversation's header, beside the name.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useRealtimeEvents, type PresenceStatus, type RealtimeClient } from '../../api/realtime';
import { useT } from '../../i18n/i18n';

export type Presence = PresenceStatus | 'offline';
/** A person's status and status text ('' for none). */
export interface PresenceEntry {
  status: Presence;
  text: string;
}
export type PresenceMap = Readonly<Record<string, PresenceEntry>>;
/** The longest status text the server takes (characters). */
export const MAX_STATUS_TEXT = 100;

interface PresenceChange {
  login: string;
  status: Presence;
  text?: string;
}

const presenceApi = {
  list: () => api.get<{ users: PresenceChange[] }>('/presence'),
};

/** The map after someone's status changed; offline people are left out (absent = offline). */
export function applyPresence(map: PresenceMap, change: PresenceChange): PresenceMap {
  const { [change.login]: _, ...rest } = map;
  return change.status === 'offline' ? rest : { ...rest, [change.login]: { status: change.status, text: change.text ?? '' } };
}

export function usePresence(client: RealtimeClient): PresenceMap {
  const [map, setMap] = useState<PresenceMap>({});
  const load = useCallback(() => {
    presenceApi.list().then(
      (r) => setMap(r.users.reduce<PresenceMap>(applyPresence, {})),
      () => undefined, // dots stay as they were; the next connection reads them again
    );
  }, []);
  useEffect(load, [load]);
  useRealtimeEvents(client, (e) => {
    if (e.type === 'caught-up') load();
    else if (e.type === 'presence.changed' && typeof e.data?.login === 'string') setMap((m) => applyPresence(m, e.data));
  });
  return map;
}

export function PresenceDot({ login, map }: { login: string; map: PresenceMap }) {
  const t = useT();
  const entry = map[login];
  const status = entry?.status ?? 'offline';
  const label = entry?.text ? `${t(`presence.${status}`)} — ${entry.text}` : t(`presence.${status}`);
  return <span className={`presence-dot presence-${status}`} role="img" aria-label={label} title={label} data-testid="presence" data-login={login} data-status={status} />;
}

/** A person's status text, if they set one (a conversation's header). */
export function PresenceText({ login, map }: { login: string; map: PresenceMap }) {
  const text = map[login]?.text;
  return text ? (
    <span className="muted chat-status-text" data-testid="presence-text" data-login={login}>
      {text}
    </span>
  ) : null;
}

/** The caller's own status and status text, chosen for all their tabs. */
export function StatusMenu({ client, map, me }: { client: RealtimeClient; map: PresenceMap; me: string }) {
  const t = useT();
  const status = map[me]?.status;
  const current = status && status !== 'offline' ? status : client.presence;
  const [text, setText] = useState(map[me]?.text ?? client.statusText);
  // The text as others see it, once it comes back (another tab may set it too).
  const shown = map[me]?.text;
  useEffect(() => {
    if (shown !== undefined) setText(shown);
  }, [shown]);
  const save = () => {
    if (text.trim() !== (shown ?? client.statusText)) client.setStatusText(text);
  };
  return (
    <div className="chat-status">
      <label>
        <PresenceDot login={me} map={map} />
        <select value={current} aria-label={t('presence.mine')} onChange={(e) => client.setPresence(e.target.value as PresenceStatus)} data-testid="chat-status">
          {(['online', 'away', 'dnd'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`presence.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <input
        type="text"
        className="chat-status-input"
        value={text}
        maxLength={MAX_STATUS_TEXT}
        placeholder={t('presence.textPlaceholder')}
        aria-label={t('presence.text')}
        onChange={(e) => setText(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save();
          else if (e.key === 'Escape') {
            setText('');
            client.setStatusText('');
          }
        }}
        data-testid="chat-status-text"
      />
    </div>
  );
}
