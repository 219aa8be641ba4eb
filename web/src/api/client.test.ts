import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, readCookie, request, setRequestLanguage, setUnauthorizedHandler, withQuery } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body?: unknown, headers: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const text = body === undefined ? '' : JSON.stringify(body);
    return new Response(status === 204 ? null : text, {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  });
  vi.stubGlobal('fetch', fn);
  return calls;
}

const headersOf = (c: Call) => c.init.headers as Record<string, string>;

describe('the query layer', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { cookie: 'theme=dark; atrium_csrf=abc%2B123; other=1' });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthorizedHandler(() => {});
    setRequestLanguage('en');
  });

  it('sends the UI language as Accept-Language on every call, so server messages come in it', async () => {
    const calls = fakeFetch(204);
    await api.get('/me');
    setRequestLanguage('fr');
    await api.get('/me');
    await api.post('/session', { login: 'a', password: 'b' });
    expect(calls.map((c) => headersOf(c)['Accept-Language'])).toEqual(['en', 'fr', 'fr']);
  });

  it('reads a cookie by name', () => {
    expect(readCookie('atrium_csrf', 'a=1; atrium_csrf=t0k; b=2')).toBe('t0k');
    expect(readCookie('atrium_csrf', 'a=1')).toBeUndefined();
  });

  it('sends the CSRF cookie as X-CSRF-Token on unsafe requests, with a JSON body', async () => {
    const calls = fakeFetch(200, { id: '1' });
    await api.post('/users', { login: 'camille' });
    expect(calls[0].url).toBe('/api/v1/users');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.credentials).toBe('same-origin');
    expect(headersOf(calls[0])['X-CSRF-Token']).toBe('abc+123');
    expect(headersOf(calls[0])['Content-Type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{"login":"camille"}');
    expect(headersOf(calls[0])['X-Requested-With']).toBe('XMLHttpRequest');
  });

  it('sends the token on PUT, PATCH and DELETE too, but not on GET', async () => {
    const calls = fakeFetch(204);
    await api.put('/groups/sales/members/camille');
    await api.patch('/me', { language: 'fr' });
    await api.del('/me/sessions/7');
    await api.get('/me/sessions');
    expect(calls.map((c) => headersOf(c)['X-CSRF-Token'])).toEqual(['abc+123', 'abc+123', 'abc+123', undefined]);
    expect(headersOf(calls[0])['Content-Type']).toBeUndefined();
    expect(headersOf(calls[3])['Content-Type']).toBeUndefined();
  });

  it('turns an error body into an ApiError with code, message and wait', async () => {
    fakeFetch(429, { error: 'too-many-attempts', message: 'Slow down', retryAfterSeconds: 30 });
    const err = await request('POST', '/session', { login: 'a', password: 'b' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'too-many-attempts', serverMessage: 'Slow down', retryAfterSeconds: 30 });
  });

  it('sends the user to sign-in on a 401, except from the sign-in calls', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);

    fakeFetch(401, { error: 'invalid-credentials', message: 'Wrong' });
    await api.post('/session', { login: 'a', password: 'b' }).catch(() => {});
    fakeFetch(401, { error: 'invalid-code', message: 'Wrong' });
    await api.post('/session/totp', { code: '000000' }).catch(() => {});
    expect(onUnauthorized).not.toHaveBeenCalled();

    fakeFetch(401, { error: 'unauthorized', message: 'Signed out' });
    await api.get('/me').catch(() => {});
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not sign out when a re-typed password is wrong', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    fakeFetch(401, { error: 'invalid-credentials', message: 'Wrong password' });
    await api.del('/me/totp', { password: 'nope' }).catch(() => {});
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('builds query strings without empty values', () => {
    expect(withQuery('/users', { q: 'dupont & co', limit: 50, offset: 0, group: '' })).toBe('/users?q=dupont+%26+co&limit=50&offset=0');
    expect(withQuery('/audit', { q: undefined })).toBe('/audit');
  });
});
