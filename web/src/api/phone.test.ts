import { describe, expect, it } from 'vitest';
import {
  applyCallEvent,
  applyRegistrationEvent,
  callbackUri,
  callLogPath,
  formatDuration,
  liveRegistrations,
  NO_FILTERS,
  softphoneUri,
  type LoggedCall,
  type Registration,
} from './phone';

const reg = (id: string, expiresAt = 2_000): Registration => ({
  id,
  device: '201-1',
  login: 'bob',
  extension: '201',
  contact: '<sip:201-1@10.0.0.2>',
  reachAt: 'sip:201-1@203.0.113.9:5062;transport=udp',
  source: '203.0.113.9:5062',
  transport: 'udp',
  connected: true,
  userAgent: 'Linphone',
  expiresAt,
});

const call = (id: string, outcome: LoggedCall['outcome']): LoggedCall => ({
  id,
  startedAt: 1,
  ringingAt: null,
  answeredAt: null,
  endedAt: outcome ? 2 : null,
  durationSeconds: 0,
  outcome,
  sipCode: null,
  transfers: [],
  from: { login: 'alice', number: '202', name: 'Alice', device: '202-1' },
  to: { login: 'bob', number: '201', name: 'Bob' },
  answeredBy: null,
  sipCallId: 'x',
});

describe('phone', () => {
  it('makes call-back links to the number at the SIP server, keeping a leading +', () => {
    expect(callbackUri('201', 'pbx.example.com')).toBe('sip:201@pbx.example.com');
    expect(callbackUri('+33 6 12', 'pbx.example.com')).toBe('sip:+33%206%2012@pbx.example.com');
    expect(callbackUri('', 'pbx.example.com')).toBeNull();
    expect(callbackUri('201', '')).toBeNull();
  });

  it('puts TLS in the softphone QR when the server listens for it, else UDP, and never a password', () => {
    const s = { server: 'pbx.example.com', realm: 'atrium', username: '201-1', authUsername: '201-1', ports: { udp: 5060, tcp: 5060, tls: 5061 } };
    expect(softphoneUri(s)).toBe('sip:201-1@pbx.example.com:5061;transport=tls');
    expect(softphoneUri({ ...s, ports: { udp: 5070 } })).toBe('sip:201-1@pbx.example.com:5070;transport=udp');
    expect(softphoneUri({ ...s, server: '2001:db8::1', ports: {} })).toBe('sip:201-1@[2001:db8::1]');
  });

  it('shows durations as m:ss, and h:mm:ss past an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('builds the call log path with the end date included and no limit for the CSV', () => {
    const f = { ...NO_FILTERS, login: ' bob ', direction: 'in' as const, outcome: 'no-answer' as const, from: '2026-11-01', to: '2026-11-30' };
    const list = new URL(callLogPath('/admin/voip/calls', f, '42'), 'http://x');
    expect(list.searchParams.get('login')).toBe('bob');
    expect(list.searchParams.get('direction')).toBe('in');
    expect(list.searchParams.get('outcome')).toBe('no-answer');
    expect(list.searchParams.get('before')).toBe('42');
    expect(Number(list.searchParams.get('to')) - Number(list.searchParams.get('from'))).toBe(
      new Date(2026, 11, 1).getTime() - new Date(2026, 10, 1).getTime(),
    );
    expect(list.searchParams.get('limit')).toBe('50');
    const csv = callLogPath('/admin/voip/calls.csv', NO_FILTERS);
    expect(csv).toBe('/admin/voip/calls.csv');
  });

  it('keeps the live bindings in step with the events and drops expired ones', () => {
    let list = applyRegistrationEvent([], 'voip.registration.added', reg('1'));
    list = applyRegistrationEvent(list, 'voip.registration.added', reg('2'));
    list = applyRegistrationEvent(list, 'voip.registration.updated', reg('1', 5_000));
    expect(list.map((r) => [r.id, r.expiresAt])).toEqual([
      ['1', 5_000],
      ['2', 2_000],
    ]);
    list = applyRegistrationEvent(list, 'voip.registration.removed', { id: '2', device: '201-1' });
    expect(list.map((r) => r.id)).toEqual(['1']);
    expect(liveRegistrations([reg('1', 5_000), reg('3', 1_000)], 2_000).map((r) => r.id)).toEqual(['1']);
  });

  it('lists calls while they go and drops them when they end', () => {
    let list = applyCallEvent([], 'voip.call.started', call('a', null));
    list = applyCallEvent(list, 'voip.call.started', call('b', null));
    list = applyCallEvent(list, 'voip.call.answered', { ...call('a', null), answeredAt: 5 });
    expect(list.map((c) => [c.id, c.answeredAt])).toEqual([
      ['a', 5],
      ['b', null],
    ]);
    list = applyCallEvent(list, 'voip.call.ended', call('a', 'answered'));
    expect(list.map((c) => c.id)).toEqual(['b']);
    expect(applyCallEvent(list, 'chat.message.created', {})).toEqual(list);
  });
});
