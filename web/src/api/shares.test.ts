import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setUnauthorizedHandler } from './client';
import {
  createLink,
  createShare,
  expiryProblem,
  linkChanges,
  linkFormOf,
  linkFormProblem,
  linkModeOf,
  linkPermissions,
  defaultExpiry,
  maxExpiry,
  parseRules,
  parseShare,
  parseLimit,
  parseSharees,
  newLinkForm,
  permissionsOf,
  saveLink,
  togglesOf,
  unwrap,
} from './shares';

// A link share as ShareRoutes.format writes it (docs/api/sharing.md), in OCS JSON.
const LINK = {
  id: '42',
  share_type: 3,
  uid_owner: 'alice',
  displayname_owner: 'Alice Martin',
  permissions: 15,
  can_edit: true,
  can_delete: true,
  stime: 1767225600,
  parent: null,
  expiration: '2026-02-01 00:00:00',
  token: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  uid_file_owner: 'alice',
  note: '',
  label: 'Clients',
  displayname_file_owner: 'Alice Martin',
  path: '/Projets été',
  item_type: 'folder',
  mimetype: 'httpd/unix-directory',
  item_source: 7,
  file_source: 7,
  file_parent: 1,
  file_target: '/Projets été',
  item_size: 0,
  item_mtime: 1767225600,
  share_with: '(set)',
  share_with_displayname: '',
  password: '(set)',
  url: 'https://atrium.example.com/s/AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  mail_send: 0,
  hide_download: 1,
  download_limit: 5,
  download_count: 2,
  attributes: null,
};

describe('OCS share objects', () => {
  it('reads a link: dates, password as a yes/no, URL, hidden download', () => {
    const s = parseShare(LINK);
    expect(s).toMatchObject({
      id: '42',
      shareType: 3,
      initiatorName: 'Alice Martin',
      permissions: 15,
      canEdit: true,
      createdAt: 1767225600000,
      expiration: '2026-02-01',
      path: '/Projets été',
      isFolder: true,
      label: 'Clients',
      hideDownload: true,
      hasPassword: true,
      url: 'https://atrium.example.com/s/AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      downloadLimit: 5,
      downloadCount: 2,
    });
  });

  it('reads a share received from someone, without password, expiry or path', () => {
    const s = parseShare({ ...LINK, share_type: 0, can_edit: false, expiration: null, password: undefined, url: undefined, token: null, path: null, hide_download: 0, share_with: 'bob', share_with_displayname: 'Bob' });
    expect(s).toMatchObject({ shareType: 0, canEdit: false, expiration: null, hasPassword: false, url: null, token: null, path: null, hideDownload: false, shareWithName: 'Bob' });
    expect(parseShare({ ...LINK, download_limit: null, download_count: null })).toMatchObject({ downloadLimit: null, downloadCount: null });
  });

  it('lists sharees once each, exact matches first', () => {
    const list = parseSharees({
      exact: { users: [{ label: 'Bob', shareWithDisplayNameUnique: 'bob@x.fr', value: { shareType: 0, shareWith: 'bob' } }], groups: [] },
      users: [
        { label: 'Bob', value: { shareType: 0, shareWith: 'bob' } },
        { label: 'Bobette', shareWithDisplayNameUnique: 'bobette', value: { shareType: 0, shareWith: 'bobette' } },
      ],
      groups: [{ label: 'bobsleigh', value: { shareType: 1, shareWith: 'bobsleigh' } }],
    });
    expect(list.map((s) => `${s.shareType}:${s.shareWith}`)).toEqual(['0:bob', '0:bobette', '1:bobsleigh']);
    expect(list[0].detail).toBe('bob@x.fr');
  });

  it('reads the link rules of the capability: enforced maximum and password', () => {
    expect(parseRules({ files_sharing: { public: { password: { enforced: true }, expire_date: { enabled: true, days: 7, enforced: true } } } })).toEqual({
      passwordEnforced: true,
      maxExpiryDays: 7,
      defaultExpiryDays: 0,
    });
    expect(parseRules({ files_sharing: { public: { password: { enforced: false }, expire_date: { enabled: false } } } })).toEqual({ passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 });
    expect(parseRules({})).toEqual({ passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 });
  });

  it('reads a default expiry: Atrium\'s default_days under a maximum, or Nextcloud\'s days when not enforced', () => {
    const both = { files_sharing: { public: { expire_date: { enabled: true, days: 30, enforced: true, default_days: 7 } } } };
    expect(parseRules(both)).toEqual({ passwordEnforced: false, maxExpiryDays: 30, defaultExpiryDays: 7 });
    const onlyDefault = { files_sharing: { public: { expire_date: { enabled: true, days: 14, enforced: false, default_days: 14 } } } };
    expect(parseRules(onlyDefault)).toEqual({ passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 14 });
    const nextcloud = { files_sharing: { public: { expire_date: { enabled: true, days: 5 } } } };
    expect(parseRules(nextcloud).defaultExpiryDays).toBe(5);
  });
});

describe('OCS envelopes', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthorizedHandler(() => {});
  });

  it('gives the data of a success and the server message of a failure, with its status', () => {
    expect(unwrap(200, JSON.stringify({ ocs: { meta: { status: 'ok', statuscode: 200 }, data: [1] } }))).toEqual([1]);
    let err: unknown;
    try {
      unwrap(403, JSON.stringify({ ocs: { meta: { status: 'failure', statuscode: 403, message: 'Vous ne pouvez pas donner plus de droits…' }, data: [] } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).serverMessage).toBe('Vous ne pouvez pas donner plus de droits…');
  });

  it('treats a v1-style failure in a 200 as a failure, and a 401 as the end of the session', () => {
    const gone = vi.fn();
    setUnauthorizedHandler(gone);
    expect(() => unwrap(200, JSON.stringify({ ocs: { meta: { statuscode: 404, message: 'no' } } }))).toThrow(ApiError);
    expect(() => unwrap(401, '')).toThrow(ApiError);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('creates a share with JSON, the CSRF header and OCS-APIREQUEST, leaving out empty options', async () => {
    vi.stubGlobal('document', { cookie: 'atrium_csrf=tok' });
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return new Response(JSON.stringify({ ocs: { meta: { statuscode: 200 }, data: LINK } }), { status: 200 });
      }),
    );
    const s = await createShare({ path: '/Projets été', shareType: 3, permissions: 1, password: 'p4ss', expireDate: '', label: '' });
    expect(s.id).toBe('42');
    expect(calls[0].url).toBe('/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json');
    expect(calls[0].init.method).toBe('POST');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['OCS-APIREQUEST']).toBe('true');
    expect(headers['X-CSRF-Token']).toBe('tok');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ path: '/Projets été', shareType: 3, permissions: 1, password: 'p4ss' });
  });
});

describe('permissions', () => {
  it('turns toggles into bits and back; files never carry create or delete', () => {
    for (let p = 1; p < 32; p += 2) {
      expect(permissionsOf(togglesOf(p), true)).toBe(p);
    }
    expect(permissionsOf({ edit: true, create: true, delete: true, reshare: false }, false)).toBe(3);
    expect(permissionsOf({ edit: false, create: false, delete: false, reshare: false }, true)).toBe(1);
  });

  it('maps link modes to bits as Nextcloud does: upload 15, file drop 4, files read only', () => {
    expect(linkPermissions('view', true)).toBe(1);
    expect(linkPermissions('upload', true)).toBe(15);
    expect(linkPermissions('drop', true)).toBe(4);
    expect(linkPermissions('upload', false)).toBe(1);
    expect(['view', 'upload', 'drop'].map((m) => linkModeOf(linkPermissions(m as 'view', true)))).toEqual(['view', 'upload', 'drop']);
  });
});

describe('link expiry', () => {
  const now = new Date(Date.UTC(2026, 0, 30, 23, 30));
  it('allows up to the enforced number of days ahead, in UTC, and nothing in the past', () => {
    const rules = { passwordEnforced: false, maxExpiryDays: 3, defaultExpiryDays: 0 };
    expect(maxExpiry(rules, now)).toBe('2026-02-02');
    expect(expiryProblem('2026-02-02', rules, now)).toBeNull();
    expect(expiryProblem('2026-02-03', rules, now)).toBe('files.share.expiryTooLate');
    expect(expiryProblem('2026-01-29', rules, now)).toBe('files.share.expiryPast');
    expect(expiryProblem('2026-01-30', rules, now)).toBeNull();
    expect(expiryProblem('', rules, now)).toBeNull();
  });
  it('has no maximum when none is enforced', () => {
    const rules = { passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 };
    expect(maxExpiry(rules, now)).toBeNull();
    expect(expiryProblem('2099-12-31', rules, now)).toBeNull();
  });
  it('starts a new link at the default, else at the maximum, never past the maximum', () => {
    expect(defaultExpiry({ passwordEnforced: false, maxExpiryDays: 30, defaultExpiryDays: 7 }, now)).toBe('2026-02-06');
    expect(defaultExpiry({ passwordEnforced: false, maxExpiryDays: 3, defaultExpiryDays: 0 }, now)).toBe('2026-02-02');
    expect(defaultExpiry({ passwordEnforced: false, maxExpiryDays: 3, defaultExpiryDays: 9 }, now)).toBe('2026-02-02');
    expect(defaultExpiry({ passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 }, now)).toBeNull();
  });
});

/** Answers every call with a share in an OCS envelope and records the calls. */
function recordFetch(data: unknown = LINK) {
  vi.stubGlobal('document', { cookie: 'atrium_csrf=tok' });
  const calls: { url: string; method: string; body: unknown }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, method: init.method ?? 'GET', body: init.body ? JSON.parse(init.body as string) : undefined });
      return new Response(JSON.stringify({ ocs: { meta: { statuscode: 200 }, data } }), { status: 200 });
    }),
  );
  return calls;
}

describe('changing a link', () => {
  const link = parseShare(LINK);
  const noRules = { passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 };
  const now = new Date(Date.UTC(2026, 0, 20, 12));
  afterEach(() => vi.unstubAllGlobals());

  it('fills the form with the link as it is, and sends nothing when nothing changed', () => {
    const form = linkFormOf(link);
    expect(form).toEqual({ label: 'Clients', mode: 'upload', hideDownload: true, hadPassword: true, password: '', removePassword: false, expiry: '2026-02-01', limit: '5' });
    expect(linkChanges(link, form, true)).toEqual({ params: {}, limit: undefined });
  });

  it('sends only what differs: a new password, the label, the mode as bits, no expiry, visible downloads', () => {
    const form = { ...linkFormOf(link), password: 'n0uveau', label: ' Cabinet Durand ', mode: 'drop' as const, expiry: '', hideDownload: false };
    expect(linkChanges(link, form, true).params).toEqual({ password: 'n0uveau', label: 'Cabinet Durand', permissions: 4, expireDate: '', hideDownload: false });
  });

  it('removes the password with an empty one, and only when the link has one', () => {
    expect(linkChanges(link, { ...linkFormOf(link), removePassword: true }, true).params).toEqual({ password: '' });
    const open = parseShare({ ...LINK, password: null });
    expect(linkChanges(open, { ...linkFormOf(open), removePassword: true }, true).params).toEqual({});
  });

  it('keeps the bits of a link made elsewhere while its mode is unchanged', () => {
    const odd = parseShare({ ...LINK, permissions: 5 });
    expect(linkChanges(odd, linkFormOf(odd), true).params).toEqual({});
  });

  it('sets, removes or leaves the download limit (setting it again would reset its count)', () => {
    expect(linkChanges(link, { ...linkFormOf(link), limit: '3' }, true).limit).toBe(3);
    expect(linkChanges(link, { ...linkFormOf(link), limit: ' ' }, true).limit).toBeNull();
    expect(linkChanges(link, { ...linkFormOf(link), limit: '05' }, true).limit).toBeUndefined();
    const unlimited = parseShare({ ...LINK, download_limit: null, download_count: null });
    expect(linkChanges(unlimited, linkFormOf(unlimited), true).limit).toBeUndefined();
  });

  it('reads a download limit as a whole number from 1 up', () => {
    expect(['1', ' 12 ', '0', '-1', '2.5', 'abc', '', '1e3', '12345678901'].map(parseLimit)).toEqual([1, 12, null, null, null, null, null, null, null]);
  });

  it('refuses, before asking the server, what the server would refuse', () => {
    const before = linkFormOf(link);
    const enforced = { passwordEnforced: true, maxExpiryDays: 7, defaultExpiryDays: 0 };
    expect(linkFormProblem({ ...before, limit: '0' }, noRules, before, now)).toBe('files.share.link.limitInvalid');
    expect(linkFormProblem({ ...before, removePassword: true }, enforced, before, now)).toBe('files.share.link.passwordRequired');
    expect(linkFormProblem({ ...before, removePassword: true, password: 'autre' }, enforced, before, now)).toBeNull();
    expect(linkFormProblem({ ...before, expiry: '2026-02-28' }, enforced, before, now)).toBe('files.share.expiryTooLate');
    expect(linkFormProblem({ ...before, expiry: '' }, enforced, before, now)).toBe('files.share.link.expiryRequired');
    expect(linkFormProblem({ ...before, expiry: '2026-01-19' }, noRules, before, now)).toBe('files.share.expiryPast');
    // An unchanged date is not checked again: an expired link can still get a new label.
    const expired = { ...before, expiry: '2026-01-01' };
    expect(linkFormProblem({ ...expired, label: 'x' }, enforced, expired, now)).toBeNull();
  });

  it('checks a new link like the old form did: password and expiry required when enforced', () => {
    const enforced = { passwordEnforced: true, maxExpiryDays: 7, defaultExpiryDays: 0 };
    const fresh = newLinkForm(enforced, now);
    expect(fresh.expiry).toBe('2026-01-27');
    expect(newLinkForm({ ...enforced, defaultExpiryDays: 3 }, now).expiry).toBe('2026-01-23');
    expect(linkFormProblem(fresh, enforced, null, now)).toBe('files.share.link.passwordRequired');
    expect(linkFormProblem({ ...fresh, password: 'p' }, enforced, null, now)).toBeNull();
    expect(linkFormProblem({ ...newLinkForm(noRules, now), password: 'p' }, enforced, null, now)).toBe('files.share.link.expiryRequired');
  });

  it('saves through the OCS update, then the download limit API by token', async () => {
    const calls = recordFetch();
    await saveLink(link, { params: { password: '' }, limit: 3 });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'PUT /ocs/v2.php/apps/files_sharing/api/v1/shares/42?format=json',
      'PUT /ocs/v2.php/apps/files_downloadlimit/api/v1/AbCdEfGhIjKlMnOpQrStUvWxYz012345/limit?format=json',
    ]);
    expect(calls.map((c) => c.body)).toEqual([{ password: '' }, { limit: 3 }]);
  });

  it('removes a limit with DELETE and skips the update when only the limit changed', async () => {
    const calls = recordFetch();
    await saveLink(link, { params: {}, limit: null });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['DELETE /ocs/v2.php/apps/files_downloadlimit/api/v1/AbCdEfGhIjKlMnOpQrStUvWxYz012345/limit?format=json']);
  });

  it('makes a link, then gives it the limit typed', async () => {
    const calls = recordFetch();
    await createLink('/Projets été', true, { ...newLinkForm(noRules, now), mode: 'drop', password: 'p', limit: '2' });
    expect(calls.map((c) => c.method)).toEqual(['POST', 'PUT']);
    expect(calls[0].body).toEqual({ path: '/Projets été', shareType: 3, permissions: 4, password: 'p' });
    expect(calls[1].body).toEqual({ limit: 2 });
  });
});
