// One WebSocket per tab to /ws (docs/api/realtime.md). It subscribes with the id of
// the newest chat message seen, so that after a reconnect the server sends what was
// missed — nothing lost, nothing twice — and reconnects with a growing, jittered delay
// so a restarting node is not hammered by every tab at once. Components listen through
// useRealtime(); the socket and the timers are injected so the state machine is tested
// without a browser.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { maxId } from './chat';
import { reportUnauthorized } from './client';

/** What the client needs of a WebSocket (the browser's, or a test's own object). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: ((e: { code: number }) => void) | null;
  onerror: (() => void) | null;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/**
 * idle: not started; connecting: socket opening or catching up; live: caught up, events
 * flow; waiting: between a broken connection and the next try; stopped: signed out.
 */
/** What a person can say about themselves; `offline` is only ever reported about others. */
export type PresenceStatus = 'online' | 'away' | 'dnd';

export type RealtimeState = 'idle' | 'connecting' | 'live' | 'waiting' | 'stopped';

/** A server event (`chat.message.created`…), or `caught-up` which the client passes on with `reconnect`. */
export interface RealtimeEvent {
  type: string;
  data?: any;
  complete?: boolean;
  /** On `caught-up`: true when this connection replaced a broken one (lists may be stale). */
  reconnect?: boolean;
}

export const PING_MS = 30_000;
export const MAX_DELAY_MS = 30_000;
/** No event is sent for this, the server closes when the session is gone. */
export const CLOSE_UNAUTHORIZED = 4401;

/** The wait before try number `attempt` (0-based): 1 s, 2 s, 4 s … 30 s, each ±20 % so tabs spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(attempt, 15));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const CHAT_MESSAGE_EVENTS = new Set([
  'chat.message.created',
  'chat.message.edited',
  'chat.message.deleted',
  'chat.message.reactions',
  'chat.message.updated',
]);

interface Options {
  url: string;
  socket: (url: string) => SocketLike;
  timers?: Timers;
  random?: () => number;
  onUnauthorized?: () => void;
}

export class RealtimeClient {
  private readonly options: Options;
  private readonly timers: Timers;
  private readonly listeners = new Set<(e: RealtimeEvent) => void>();
  private readonly stateListeners = new Set<() => void>();
  private socket: SocketLike | null = null;
  private retry: unknown = null;
  private ping: unknown = null;
  private attempt = 0;
  private connectedBefore = false;
  private current: RealtimeState = 'idle';
  /** The status chosen in this tab; a new connection starts online, so it is said again. */
  private status: PresenceStatus = 'online';
  private text = '';
  /** The newest chat message received: the `since` of the next subscribe. */
  lastChatId: string | null = null;

  constructor(options: Options) {
    this.options = options;
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
    };
  }

  get state(): RealtimeState {
    return this.current;
  }

  start(): void {
    if (this.current === 'idle') this.connect();
  }

  /** Closes for good (sign-out): no more reconnects. */
  stop(): void {
    this.setState('stopped');
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'bye');
    }
  }

  on(listener: (e: RealtimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Tells the members someone is typing; dropped while not live (it is only a hint). */
  typing(conversation: string): void {
    this.send({ type: 'typing', conversation });
  }

  get presence(): PresenceStatus {
    return this.status;
  }

  /** Sets the caller's status (all their tabs on this node follow), kept across reconnects. */
  setPresence(status: PresenceStatus): void {
    this.status = status;
    this.send({ type: 'presence', status });
  }

  get statusText(): string {
    return this.text;
  }

  /** Sets the caller's status text ('' clears it), shown to others; kept across reconnects. */
  setStatusText(text: string): void {
    this.text = text.trim();
    this.send({ type: 'presence', text: this.text });
  }

  private send(frame: object): void {
    if (this.current === 'live' && this.socket) this.socket.send(JSON.stringify(frame));
  }

  private connect(): void {
    this.setState('connecting');
    const s = this.options.socket(this.options.url);
    this.socket = s;
    s.onopen = () => {
      const since = this.lastChatId ? { since: { chat: this.lastChatId } } : {};
      s.send(JSON.stringify({ type: 'subscribe', ...since }));
    };
    s.onmessage = (e) => this.receive(e.data);
    s.onerror = () => {
      // onclose follows and decides.
    };
    s.onclose = (e) => this.closed(s, e.code);
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: RealtimeEvent;
    try {
      frame = JSON.parse(raw) as RealtimeEvent;
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    if (frame.type === 'caught-up') {
      this.attempt = 0;
      const reconnect = this.connectedBefore;
      this.connectedBefore = true;
      this.setState('live');
      // The server forgets a person's status and text when their last tab goes: said again.
      if (this.status !== 'online' || this.text) this.send({ type: 'presence', status: this.status, ...(this.text ? { text: this.text } : {}) });
      this.ping = this.timers.setInterval(() => this.send({ type: 'ping' }), PING_MS);
      this.emit({ type: 'caught-up', complete: frame.complete !== false, reconnect });
      return;
    }
    if (CHAT_MESSAGE_EVENTS.has(frame.type) && typeof frame.data?.id === 'string') {
      this.lastChatId = maxId(this.lastChatId, frame.data.id);
    }
    if (frame.data !== undefined) this.emit(frame);
  }

  private closed(s: SocketLike, code: number): void {
    if (s !== this.socket) return;
    this.socket = null;
    this.clearTimers();
    if (code === CLOSE_UNAUTHORIZED) {
      this.setState('stopped');
      (this.options.onUnauthorized ?? reportUnauthorized)();
      return;
    }
    this.setState('waiting');
    const delay = backoffDelay(this.attempt++, this.options.random);
    this.retry = this.timers.setTimeout(() => {
      this.retry = null;
      if (this.current === 'waiting') this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retry !== null) this.timers.clearTimeout(this.retry);
    if (this.ping !== null) this.timers.clearInterval(this.ping);
    this.retry = null;
    this.ping = null;
  }

  private emit(e: RealtimeEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  private setState(s: RealtimeState): void {
    if (s === this.current) return;
    this.current = s;
    for (const l of [...this.stateListeners]) l();
  }
}

/** The /ws address of the page's own host (wss behind https). */
export function socketUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

/** The browser's WebSocket behind SocketLike (its handlers take DOM events). */
function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const s: SocketLike = {
    send: (d) => ws.send(d),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.onopen = () => s.onopen?.();
  ws.onmessage = (e) => s.onmessage?.(e);
  ws.onclose = (e) => s.onclose?.(e);
  ws.onerror = () => s.onerror?.();
  return s;
}

// The tab's one connection, opened by the first component that listens.
let shared: RealtimeClient | null = null;

function client(): RealtimeClient {
  if (!shared) {
    shared = new RealtimeClient({ url: socketUrl(window.location), socket: browserSocket });
  }
  return shared;
}

/** Closes the tab's connection (sign-out); the next listener opens a new one for the next person. */
export function stopRealtime(): void {
  shared?.stop();
  shared = null;
}

/** Calls `listener` (its latest version) for every event of `c` while the component is mounted. */
export function useRealtimeEvents(c: RealtimeClient, listener: (e: RealtimeEvent) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => c.on((e) => ref.current(e)), [c]);
}

/** The tab's connection, opened if needed, with `listener` called for every event while mounted. */
export function useRealtime(listener: (e: RealtimeEvent) => void): RealtimeClient {
  const c = client();
  useRealtimeEvents(c, listener);
  useEffect(() => c.start(), [c]);
  return c;
}

/** The connection's state, for an "offline, reconnecting…" hint. */
export function useRealtimeState(c: RealtimeClient): RealtimeState {
  return useSyncExternalStore(
    (l) => c.onState(l),
    () => c.state,
    () => 'idle',
  );
}
