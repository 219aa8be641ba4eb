// The query layer: every call to the server goes through here. It adds the
// CSRF header to unsafe requests and the UI language to all, turns error bodies
// into ApiError, sends the user back to sign-in when the session is gone, and
// offers two hooks (useQuery for reads, useAction for writes).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Lang } from './types';

export const API_BASE = '/api/v1';
export const CSRF_COOKIE = 'atrium_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ErrorBody {
  error?: string;
  message?: string;
  field?: string;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly status: number;
  /** The server's `error` code, or `network` / `http-NNN` when there was none. */
  readonly code: string;
  readonly serverMessage?: string;
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(status: number, body: ErrorBody | null, retryAfterHeader?: string | null) {
    super(body?.message ?? (status === 0 ? 'Network error' : `HTTP ${status}`));
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.error ?? (status === 0 ? 'network' : `http-${status}`);
    this.serverMessage = body?.message || undefined;
    this.field = body?.field;
    const wait = body?.retryAfterSeconds ?? (retryAfterHeader ? Number(retryAfterHeader) : undefined);
    this.retryAfterSeconds = wait !== undefined && Number.isFinite(wait) ? wait : undefined;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, { error: 'network', message: e instanceof Error ? e.message : String(e) });
}

/** Reads one cookie from a `document.cookie` style string. */
export function readCookie(name: string, cookies?: string): string | undefined {
  const all = cookies ?? (typeof document !== 'undefined' ? document.cookie : '');
  for (const part of all.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

// The token from GET /session, used only when the cookie cannot be read.
let csrfFallback: string | undefined;
export function setCsrfToken(token: string | undefined): void {
  csrfFallback = token;
}

// The UI language, sent as Accept-Language so that the server writes its
// messages (errors, import reasons) in it. Set by the I18nProvider.
let requestLanguage: Lang = 'en';
export function setRequestLanguage(lang: Lang): void {
  requestLanguage = lang;
}

let unauthorizedHandler: () => void = () => {};
/** Called when a request answers 401 because the session is gone. */
export function setUnauthorizedHandler(handler: () => void): void {
  unauthorizedHandler = handler;
}

/** For other transports (WebDAV): the session is gone, go back to sign-in. */
export function reportUnauthorized(): void {
  unauthorizedHandler();
}

// The sign-in calls answer 401 as part of their normal flow.
function isSignInPath(path: string): boolean {
  return path === '/session' || path.startsWith('/session/') || path.startsWith('/session?');
}

// A 401 with these codes means "the password or code you just typed is wrong",
// not "your session is gone" (e.g. DELETE /me/totp with a wrong password).
const REAUTH_CODES = new Set(['invalid-credentials', 'invalid-code']);

export function requestHeaders(method: string, contentType?: string): Record<string, string> {
  // X-Requested-With tells the server this is the web console, not a Basic-auth client,
  // so it can leave WWW-Authenticate off its 401s (which would open the browser's own
  // password dialog).
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': requestLanguage,
    'X-Requested-With': 'XMLHttpRequest',
  };
  if (method !== 'GET' && method !== 'HEAD') {
    const token = readCookie(CSRF_COOKIE) ?? csrfFallback;
    if (token) headers[CSRF_HEADER] = token;
  }
  if (contentType) headers['Content-Type'] = contentType;
  return headers;
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function failure(status: number, path: string, data: unknown, retryAfter: string | null): ApiError {
  const body = data && typeof data === 'object' ? (data as ErrorBody) : null;
  const err = new ApiError(status, body, retryAfter);
  if (status === 401 && !isSignInPath(path) && !REAUTH_CODES.has(err.code)) unauthorizedHandler();
  return err;
}

export async function request<T>(method: Method, path: string, json?: unknown): Promise<T> {
  const hasBody = json !== undefined;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      credentials: 'same-origin',
      headers: requestHeaders(method, hasBody ? 'application/json' : undefined),
      body: hasBody ? JSON.stringify(json) : undefined,
    });
  } catch (e) {
    throw toApiError(e);
  }
  const data = res.status === 204 ? undefined : parseBody(await res.text());
  if (!res.ok) throw failure(res.status, path, data, res.headers.get('Retry-After'));
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};

/** POSTs (or PUTs) a raw body with upload progress (fetch cannot report it). */
export function upload<T>(
  path: string,
  body: Blob,
  contentType: string,
  onProgress?: (loaded: number, total: number) => void,
  method: 'POST' | 'PUT' = 'POST',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, API_BASE + path);
    for (const [k, v] of Object.entries(requestHeaders(method, contentType))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total);
    };
    xhr.onload = () => {
      const data = parseBody(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(failure(xhr.status, path, data, xhr.getResponseHeader('Retry-After')));
    };
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.send(body);
  });
}

/** Builds `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function encode(segment: string): string {
  return encodeURIComponent(segment);
}

// ---------------------------------------------------------------------------
// Reads: a tiny cache keyed by path, shared by all components, refreshed by
// invalidate(prefix) after a write.

const cache = new Map<string, unknown>();
const subscribers = new Map<string, Set<() => void>>();

export function invalidate(prefix: string): void {
  for (const key of [...cache.keys()]) {
    if (key.startsWith(prefix) && !subscribers.has(key)) cache.delete(key);
  }
  for (const [key, reloaders] of subscribers) {
    if (key.startsWith(prefix)) reloaders.forEach((reload) => reload());
  }
}

/** Forgets everything (on sign-out, so the next person sees nothing stale). */
export function clearCache(): void {
  cache.clear();
}

export interface QueryResult<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the cached value locally, e.g. with the answer of a PATCH. */
  setData: (data: T) => void;
}

interface QueryState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
}

/**
 * GETs `path` (skipped when null) and keeps the answer fresh. With `loader`,
 * `path` is only the cache key (e.g. `dav:…` for WebDAV listings) and `loader`
 * fetches the value; invalidate(prefix) refreshes both kinds alike.
 */
export function useQuery<T>(path: string | null, loader?: (key: string) => Promise<T>): QueryResult<T> {
  const [state, setState] = useState<QueryState<T>>(() => ({
    data: path === null ? undefined : (cache.get(path) as T | undefined),
    error: undefined,
    loading: path !== null,
  }));
  const seq = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;

  const load = useCallback(() => {
    if (path === null) return;
    const n = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    const fetchIt = loaderRef.current ?? ((p: string) => request<T>('GET', p));
    fetchIt(path).then(
      (data) => {
        if (n !== seq.current) return;
        cache.set(path, data);
        setState({ data, error: undefined, loading: false });
      },
      (e: unknown) => {
        if (n !== seq.current) return;
        setState((s) => ({ data: s.data, error: toApiError(e), loading: false }));
      },
    );
  }, [path]);

  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    setState({ data: cache.get(path) as T | undefined, error: undefined, loading: true });
    load();
    let reloaders = subscribers.get(path);
    if (!reloaders) subscribers.set(path, (reloaders = new Set()));
    reloaders.add(load);
    return () => {
      seq.current++;
      reloaders.delete(load);
      if (reloaders.size === 0) subscribers.delete(path);
    };
  }, [path, load]);

  const setData = useCallback(
    (data: T) => {
      if (path !== null) cache.set(path, data);
      setState({ data, error: undefined, loading: false });
    },
    [path],
  );

  return { ...state, reload: load, setData };
}

export type ActionResult<R> = { ok: true; value: R } | { ok: false; error: ApiError };

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<ActionResult<R>>;
  busy: boolean;
  error: ApiError | null;
  setError: (e: ApiError | null) => void;
}

/** Wraps a write: tracks `busy` and keeps the last error for display. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<ActionResult<R>> => {
    setBusy(true);
    setError(null);
    try {
      const value = await fnRef.current(...args);
      return { ok: true, value };
    } catch (e) {
      const err = toApiError(e);
      if (mounted.current) setError(err);
      return { ok: false, error: err };
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);

  return { run, busy, error, setError };
}
