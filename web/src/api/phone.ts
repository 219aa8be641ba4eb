// The phone system's API (docs/api/voip.md): a person's phone and call history, the
// administrators' extensions, devices, live view and call log; and the pure logic the
// pages share (call-back links, the softphone QR text, durations, live-view updates).
import { dateInputToMs } from '../format';
import { api, encode, withQuery } from './client';

export interface SipSettings {
  server: string;
  realm: string;
  username: string;
  authUsername: string;
  ports: Partial<Record<'udp' | 'tcp' | 'tls', number>>;
}

export interface PhoneDevice {
  username: string;
  label: string;
  createdAt: number;
  settings?: SipSettings;
}

/** A device just made or given a new password: the only answer that ever shows it. */
export interface DeviceWithPassword extends PhoneDevice {
  password: string;
  settings: SipSettings;
}

export interface MyPhone {
  extension: string | null;
  enabled: boolean;
  devices: (PhoneDevice & { settings: SipSettings })[];
}

export type Outcome = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'declined' | 'failed';
export const OUTCOMES: readonly Outcome[] = ['answered', 'busy', 'no-answer', 'cancelled', 'declined', 'failed'];

export interface Transfer {
  at: number;
  target: string;
  kind: 'blind' | 'attended';
}

interface CallTimes {
  id: string;
  startedAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  durationSeconds: number;
  /** null while the call is in progress. */
  outcome: Outcome | null;
  sipCode: number | null;
  transfers: Transfer[];
}

export interface CallParty {
  login: string | null;
  number: string;
  name: string;
}

/** A call in a person's own history. */
export interface MyCall extends CallTimes {
  direction: 'in' | 'out';
  other: CallParty;
  missed: boolean;
}

export interface MyCallPage {
  items: MyCall[];
  missed: number;
  next: string | null;
}

/** A call as administrators see it. */
export interface LoggedCall extends CallTimes {
  from: CallParty & { device: string | null };
  to: CallParty;
  answeredBy: string | null;
  sipCallId: string;
}

export interface LoggedCallPage {
  items: LoggedCall[];
  next: string | null;
}

export interface AdminExtension {
  login: string;
  number: string;
  devices: PhoneDevice[];
}

export interface Registration {
  id: string;
  device: string;
  login: string;
  extension: string | null;
  contact: string;
  reachAt: string;
  source: string;
  transport: string;
  connected: boolean;
  userAgent: string;
  expiresAt: number;
}

export const phoneApi = {
  mine: () => api.get<MyPhone>('/me/phone'),
  calls: (before?: string) => api.get<MyCallPage>(withQuery('/me/phone/calls', { before, limit: CALL_PAGE })),
  seen: () => api.post<void>('/me/phone/calls/seen', {}),
  extensions: () => api.get<{ items: AdminExtension[] }>('/admin/voip/extensions'),
  setExtension: (login: string, number: string) =>
    api.put<{ login: string; number: string }>(`/admin/voip/extensions/${encode(login)}`, { number }),
  removeExtension: (login: string) => api.del<void>(`/admin/voip/extensions/${encode(login)}`),
  addDevice: (login: string, label: string) =>
    api.post<DeviceWithPassword>(`/admin/voip/extensions/${encode(login)}/devices`, label ? { label } : {}),
  resetPassword: (username: string) => api.post<DeviceWithPassword>(`/admin/voip/devices/${encode(username)}/password`, {}),
  removeDevice: (username: string) => api.del<void>(`/admin/voip/devices/${encode(username)}`),
  registrations: () => api.get<{ items: Registration[] }>('/admin/voip/registrations'),
  active: () => api.get<{ items: LoggedCall[] }>('/admin/voip/calls/active'),
  log: (f: CallFilters, before?: string) => api.get<LoggedCallPage>(callLogPath('/admin/voip/calls', f, before)),
};

export const CALL_PAGE = 50;

/** The administrators' call log filters as typed in the form (dates as yyyy-mm-dd). */
export interface CallFilters {
  login: string;
  extension: string;
  direction: '' | 'in' | 'out';
  outcome: '' | Outcome;
  from: string;
  to: string;
}

export const NO_FILTERS: CallFilters = { login: '', extension: '', direction: '', outcome: '', from: '', to: '' };

/** The list or CSV path for these filters: the end date is included (up to its midnight). */
export function callLogPath(base: string, f: CallFilters, before?: string): string {
  const end = dateInputToMs(f.to, true);
  return withQuery(base, {
    login: f.login.trim(),
    extension: f.extension.trim(),
    direction: f.direction,
    outcome: f.outcome,
    from: dateInputToMs(f.from),
    to: end === undefined ? undefined : end + 1,
    before,
    limit: base.endsWith('.csv') ? undefined : CALL_PAGE,
  });
}

/** Where a call-back goes: the other party's number at the phone system's SIP server. */
export function callbackUri(number: string, server: string): string | null {
  const n = number.trim();
  if (!n || !server) return null;
  return `sip:${encodeURIComponent(n).replace(/%2B/g, '+')}@${server}`;
}

/**
 * What the QR code of a device holds: its SIP address with the server, port and transport
 * (TLS when the server listens for it, else UDP), which softphones that scan an account
 * (Linphone, Zoiper…) read. The password is not in it: it is shown once, apart.
 */
export function softphoneUri(s: SipSettings): string {
  const transport = s.ports.tls ? 'tls' : s.ports.udp ? 'udp' : s.ports.tcp ? 'tcp' : null;
  const port = transport ? s.ports[transport] : undefined;
  const host = s.server.includes(':') && !s.server.startsWith('[') ? `[${s.server}]` : s.server;
  return `sip:${s.username}@${host}${port ? `:${port}` : ''}${transport ? `;transport=${transport}` : ''}`;
}

/** A call's length as m:ss (h:mm:ss past an hour). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The administrators' live view of bindings, kept in step by the `voip.registration.*` events. */
export function applyRegistrationEvent(list: readonly Registration[], type: string, data: unknown): Registration[] {
  if (type === 'voip.registration.removed') {
    const id = (data as { id: string }).id;
    return list.filter((r) => r.id !== id);
  }
  if (type === 'voip.registration.added' || type === 'voip.registration.updated') {
    const r = data as Registration;
    const i = list.findIndex((x) => x.id === r.id);
    return i < 0 ? [...list, r] : list.map((x, j) => (j === i ? r : x));
  }
  return [...list];
}

/** Calls in progress, kept in step by the `voip.call.*` events: an ended call leaves the list. */
export function applyCallEvent(list: readonly LoggedCall[], type: string, data: unknown): LoggedCall[] {
  if (!type.startsWith('voip.call.')) return [...list];
  const c = data as LoggedCall;
  const rest = list.filter((x) => x.id !== c.id);
  if (c.outcome !== null || type === 'voip.call.ended') return rest;
  const i = list.findIndex((x) => x.id === c.id);
  return i < 0 ? [...list, c] : list.map((x) => (x.id === c.id ? c : x));
}

/** Bindings past their expiry (a phone that stopped re-registering) drop out of the live view. */
export function liveRegistrations(list: readonly Registration[], now: number): Registration[] {
  return list.filter((r) => r.expiresAt > now);
}
