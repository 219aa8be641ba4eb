// Who is online: `GET /api/v1/presence` read at start and after each (re)connection,
// kept current by `presence.changed` events; shown as a dot beside a person.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useRealtimeEvents, type PresenceStatus, type RealtimeClient } from '../../api/realtime';
import { useT } from '../../i18n/i18n';

export type Presence = PresenceStatus | 'offline';
export type PresenceMap = Readonly<Record<string, Presence>>;

const presenceApi = {
  list: () => api.get<{ users: { login: string; status: Presence }[] }>('/presence'),
};

/** The map after someone's status changed; offline people are left out (absent = offline). */
export function applyPresence(map: PresenceMap, change: { login: string; status: Presence }): PresenceMap {
  const { [change.login]: _, ...rest } = map;
  return change.status === 'offline' ? rest : { ...rest, [change.login]: change.status };
}

export function usePresence(client: RealtimeClient): PresenceMap {
  const [map, setMap] = useState<PresenceMap>({});
  const load = useCallback(() => {
    presenceApi.list().then(
      (r) => setMap(Object.fromEntries(r.users.map((u) => [u.login, u.status]))),
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
  const status = map[login] ?? 'offline';
  const label = t(`presence.${status}`);
  return <span className={`presence-dot presence-${status}`} role="img" aria-label={label} title={label} data-testid="presence" data-login={login} data-status={status} />;
}

/** The caller's own status, chosen for all their tabs. */
export function StatusMenu({ client, map, me }: { client: RealtimeClient; map: PresenceMap; me: string }) {
  const t = useT();
  const current = (map[me] as PresenceStatus | undefined) ?? client.presence;
  return (
    <label className="chat-status">
      <PresenceDot login={me} map={map} />
      <select
        value={current === ('offline' as string) ? 'online' : current}
        aria-label={t('presence.mine')}
        onChange={(e) => client.setPresence(e.target.value as PresenceStatus)}
        data-testid="chat-status"
      >
        {(['online', 'away', 'dnd'] as const).map((s) => (
          <option key={s} value={s}>
            {t(`presence.${s}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
