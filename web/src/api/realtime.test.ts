import { describe, expect, it } from 'vitest';
import { backoffDelay, PING_MS, RealtimeClient, type RealtimeEvent, type SocketLike, type Timers } from './realtime';

/** Our own stand-in for the browser's WebSocket: records what is sent, lets the test play the server. */
class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
  open() {
    this.onopen?.();
  }
  server(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.onerror?.();
    this.onclose?.({ code });
  }
}

/** Timers run by hand: `fire()` runs the pending timeouts, `tick()` the intervals. */
class FakeTimers implements Timers {
  timeouts = new Map<number, { fn: () => void; ms: number }>();
  intervals = new Map<number, () => void>();
  private next = 1;
  setTimeout(fn: () => void, ms: number) {
    this.timeouts.set(this.next, { fn, ms });
    return this.next++;
  }
  clearTimeout(h: unknown) {
    this.timeouts.delete(h as number);
  }
  setInterval(fn: () => void) {
    this.intervals.set(this.next, fn);
    return this.next++;
  }
  clearInterval(h: unknown) {
    this.intervals.delete(h as number);
  }
  delays() {
    return [...this.timeouts.values()].map((t) => t.ms);
  }
  fire() {
    const all = [...this.timeouts.entries()];
    this.timeouts.clear();
    for (const [, t] of all) t.fn();
  }
  tick() {
    for (const fn of this.intervals.values()) fn();
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  let unauthorized = 0;
  const client = new RealtimeClient({
    url: 'wss://atrium.test/ws',
    socket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    timers,
    random: () => 0.5,
    onUnauthorized: () => unauthorized++,
  });
  const events: RealtimeEvent[] = [];
  client.on((e) => events.push(e));
  return { client, sockets, timers, events, unauthorized: () => unauthorized };
}

/** Started, opened and caught up. */
function live() {
  const s = setup();
  s.client.start();
  s.sockets[0].open();
  s.sockets[0].server({ type: 'caught-up', complete: true });
  return s;
}

const created = (id: string) => ({ type: 'chat.message.created', data: { id, conversation: '1', author: 'bob', text: 'x' } });

describe('backoffDelay', () => {
  it('doubles from 1 s up to 30 s, with jitter of ±20 %', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(5, () => 1)).toBe(36000);
  });
});

describe('RealtimeClient', () => {
  it('subscribes without since at first, and goes live on caught-up', () => {
    const { client, sockets, events } = setup();
    client.start();
    expect(client.state).toBe('connecting');
    sockets[0].open();
    expect(sockets[0].sent).toEqual([{ type: 'subscribe' }]);
    sockets[0].server({ type: 'hello', login: 'ana', node: 'n1' });
    sockets[0].server({ type: 'caught-up', complete: true });
    expect(client.state).toBe('live');
    expect(events).toEqual([{ type: 'caught-up', complete: true, reconnect: false }]);
  });

  it('reconnects after a break with since = the newest message seen, backing off and then resetting', () => {
    const { client, sockets, timers, events } = live();
    sockets[0].server(created('7391052234188900'));
    sockets[0].server(created('7391052234188800')); // older, e.g. out of order: the cursor keeps the newest
    sockets[0].server({ type: 'chat.read', data: { conversation: '1', login: 'bob', messageId: '9999999999999999' } });
    sockets[0].drop(1006);
    expect(client.state).toBe('waiting');
    expect(timers.delays()).toEqual([1000]);
    expect(timers.intervals.size).toBe(0); // no ping while down

    timers.fire();
    expect(sockets).toHaveLength(2);
    sockets[1].drop(1006); // the node is still down: wait longer
    expect(timers.delays()).toEqual([2000]);
    timers.fire();
    sockets[2].open();
    expect(sockets[2].sent).toEqual([{ type: 'subscribe', since: { chat: '7391052234188900' } }]);
    sockets[2].server({ type: 'caught-up', complete: false });
    expect(events.at(-1)).toEqual({ type: 'caught-up', complete: false, reconnect: true });
    sockets[2].drop(4429); // dropped as too slow: back to the first delay, since it had caught up
    expect(timers.delays()).toEqual([1000]);
  });

  it('passes events on and pings while live', () => {
    const { client, sockets, timers, events } = live();
    sockets[0].server(created('5'));
    expect(events.at(-1)).toMatchObject({ type: 'chat.message.created', data: { id: '5' } });
    sockets[0].server({ type: 'pong' });
    sockets[0].server({ type: 'error', code: 'invalid-json' });
    expect(events).toHaveLength(2);
    timers.tick();
    client.typing('1');
    expect(sockets[0].sent.slice(1)).toEqual([{ type: 'ping' }, { type: 'typing', conversation: '1' }]);
  });

  it('stops and reports sign-out on 4401', () => {
    const s = setup();
    s.client.start();
    s.sockets[0].open();
    s.sockets[0].drop(4401);
    expect(s.client.state).toBe('stopped');
    expect(s.unauthorized()).toBe(1);
    expect(s.timers.timeouts.size).toBe(0);
  });

  it('stop() closes for good: no reconnect', () => {
    const { client, sockets, timers } = setup();
    client.start();
    sockets[0].open();
    client.stop();
    expect(sockets[0].closedWith).toBe(1000);
    sockets[0].drop(1006);
    expect(timers.timeouts.size).toBe(0);
    client.start();
    expect(sockets).toHaveLength(1);
  });

  it('drops typing while not live', () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0].open();
    client.typing('1');
    expect(sockets[0].sent).toEqual([{ type: 'subscribe' }]);
    expect(PING_MS).toBe(30_000);
  });

  it('sends a chosen presence at once and again after a reconnect, but not a plain online', () => {
    const { client, sockets, timers } = setup();
    client.start();
    sockets[0].open();
    sockets[0].server({ type: 'caught-up', complete: true });
    client.setPresence('dnd');
    expect(sockets[0].sent).toEqual([{ type: 'subscribe' }, { type: 'presence', status: 'dnd' }]);
    sockets[0].drop();
    timers.fire();
    sockets[1].open();
    expect(sockets[1].sent).toEqual([{ type: 'subscribe' }]);
    sockets[1].server({ type: 'caught-up', complete: true });
    expect(sockets[1].sent).toEqual([{ type: 'subscribe' }, { type: 'presence', status: 'dnd' }]);
    expect(client.presence).toBe('dnd');
    client.setPresence('online');
    sockets[1].drop();
    timers.fire();
    sockets[2].open();
    sockets[2].server({ type: 'caught-up', complete: true });
    expect(sockets[2].sent).toEqual([{ type: 'subscribe' }]);
  });

  it('sends a status text at once and again after a reconnect, and forgets it once cleared', () => {
    const { client, sockets, timers } = setup();
    client.start();
    sockets[0].open();
    sockets[0].server({ type: 'caught-up', complete: true });
    client.setStatusText('  En réunion 📅 ');
    expect(sockets[0].sent).toEqual([{ type: 'subscribe' }, { type: 'presence', text: 'En réunion 📅' }]);
    sockets[0].drop();
    timers.fire();
    sockets[1].open();
    sockets[1].server({ type: 'caught-up', complete: true });
    expect(sockets[1].sent).toEqual([{ type: 'subscribe' }, { type: 'presence', status: 'online', text: 'En réunion 📅' }]);
    expect(client.statusText).toBe('En réunion 📅');
    client.setStatusText('');
    expect(sockets[1].sent.at(-1)).toEqual({ type: 'presence', text: '' });
    sockets[1].drop();
    timers.fire();
    sockets[2].open();
    sockets[2].server({ type: 'caught-up', complete: true });
    expect(sockets[2].sent).toEqual([{ type: 'subscribe' }]);
  });
});
