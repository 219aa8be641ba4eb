#!/usr/bin/env node
// A small in-memory stand-in for the Atrium identity API (docs/api/identity.md)
// and the WebDAV files endpoint (dav-stub.mjs), for working on the web console
// and trying e2e/admin-flow.mjs and e2e/files-flow.mjs without the Java server.
// Not a reference implementation: the Java server is the truth.
//
//   npm run build && node e2e/stub-server.mjs        # serves dist/ and /api/v1 on :18090
//   STUB_PORT=18091 ATRIUM_ADMIN_PASSWORD=... node e2e/stub-server.mjs
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleDav } from './dav-stub.mjs';

const PORT = Number(process.env.STUB_PORT ?? 18090);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ADMIN_PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? 'Correct-Horse-Battery-9';

// ---------------------------------------------------------------- state
let nextId = 1000;
const id = () => String(nextId++);
const now = () => Date.now();

const users = new Map(); // login → record
const groups = new Map(); // name → {id, name, admins:Set, members:Set, requireTotp}
const sessions = new Map(); // token → session
const imports = new Map();
const audit = [];
const settings = { requireTotpForAll: false };
const failures = new Map(); // login → {count, until}

function addUser(u) {
  const rec = {
    id: id(), login: u.login, displayName: u.displayName ?? u.login, email: u.email ?? null,
    language: u.language ?? 'en', quota: u.quota ?? null, enabled: u.enabled ?? true, admin: !!u.admin,
    password: u.password, totp: null, pendingSecret: null, lastStep: -1, backupCodes: [],
    appPasswords: [], createdAt: now(), lastLoginAt: null,
  };
  users.set(rec.login, rec);
  return rec;
}
addUser({ login: 'admin', displayName: 'Administrator', email: 'admin@example.com', admin: true, password: ADMIN_PASSWORD });

function view(u) {
  const gs = [...groups.values()];
  return {
    id: u.id, login: u.login, displayName: u.displayName, email: u.email, language: u.language, quota: u.quota,
    enabled: u.enabled, admin: u.admin,
    groups: gs.filter((g) => g.members.has(u.login)).map((g) => g.name).sort(),
    groupAdminOf: gs.filter((g) => g.admins.has(u.login)).map((g) => g.name).sort(),
    totpEnabled: !!u.totp, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt,
  };
}
const groupView = (g) => ({ id: g.id, name: g.name, memberCount: g.members.size, admins: [...g.admins].sort(), requireTotp: g.requireTotp });

function log(req, actor, action, target = null, detail = null) {
  audit.unshift({ id: nextId++, at: now(), actor, action, target, address: req.socket.remoteAddress, detail });
}

// ---------------------------------------------------------------- TOTP (RFC 6238)
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0, value = 0, out = '';
  for (const b of buf) {
    value = (value << 8) | b; bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
function unbase32(s) {
  let bits = 0, value = 0; const out = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | B32.indexOf(c); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
function hotp(secret, counter) {
  const msg = Buffer.alloc(8); msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', unbase32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}
/** The matching time step, or -1. Codes of a step already used are refused. */
function checkTotp(u, secret, code) {
  const step = Math.floor(now() / 30000);
  for (const s of [step, step - 1, step + 1]) {
    if (hotp(secret, s) === code && s > u.lastStep) return s;
  }
  return -1;
}

// ---------------------------------------------------------------- HTTP helpers
class Fail extends Error {
  constructor(status, error, message, extra = {}) { super(message); Object.assign(this, { status, error, extra }); }
}
const fail = (status, error, message, extra) => { throw new Fail(status, error, message, extra); };

function cookies(req) {
  const out = {};
  for (const p of (req.headers.cookie ?? '').split(';')) {
    const i = p.indexOf('=');
    if (i > 0) out[p.slice(0, i).trim()] = decodeURIComponent(p.slice(i + 1).trim());
  }
  return out;
}
function send(res, status, body, headers = {}) {
  if (body === undefined) { res.writeHead(status, headers); res.end(); return; }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}
async function readBody(req, limit = 5 * 1024 * 1024) {
  const chunks = []; let size = 0;
  for await (const c of req) { size += c.length; if (size > limit) fail(413, 'too-large', 'The body is too large.'); chunks.push(c); }
  return Buffer.concat(chunks);
}
async function json(req) {
  const b = await readBody(req, 1024 * 1024);
  if (!b.length) return {};
  try { return JSON.parse(b.toString('utf8')); } catch { fail(400, 'invalid', 'The body is not JSON.'); }
}

function newSession(res, req, u, state) {
  const token = randomBytes(24).toString('base64url');
  const csrf = randomBytes(16).toString('base64url');
  const s = { id: id(), token, csrf, login: u.login, state, userAgent: req.headers['user-agent'] ?? null, address: req.socket.remoteAddress, createdAt: now(), lastSeenAt: now() };
  sessions.set(token, s);
  res.setHeader('Set-Cookie', [
    `atrium_session=${token}; Path=/; HttpOnly; SameSite=Strict`,
    `atrium_csrf=${csrf}; Path=/; SameSite=Strict`,
  ]);
  return s;
}
function sessionAnswer(s) {
  const u = s ? users.get(s.login) : null;
  if (!s || !u) return { state: 'signed-out' };
  return { state: s.state, ...(s.state === 'signed-in' ? { user: view(u) } : {}), csrf: s.csrf };
}
function totpRequiredFor(u) {
  return settings.requireTotpForAll || [...groups.values()].some((g) => g.requireTotp && g.members.has(u.login));
}
function checkPassword(p, field = 'password') {
  if (typeof p !== 'string' || p.length < 10) fail(400, 'weak-password', 'Use at least 10 characters; a phrase of a few words is best.', { field });
}
function genPassword() { return randomBytes(12).toString('base64url'); }
function parseQuota(q) {
  if (q === null || q === undefined || q === '' || /^none$/i.test(q)) return null;
  if (typeof q === 'number') return q;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(String(q).trim());
  if (!m) fail(400, 'invalid', `The quota "${q}" is not a size like "10 GB".`, { field: 'quota' });
  return Math.round(Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf((m[2] ?? 'B').toUpperCase()));
}
function setGroupsOf(login, names, create = false, newGroups = []) {
  for (const n of names) {
    if (!groups.has(n)) {
      if (!create) fail(400, 'invalid', `There is no group "${n}".`, { field: 'groups' });
      groups.set(n, { id: id(), name: n, admins: new Set(), members: new Set(), requireTotp: false });
      newGroups.push(n);
    }
  }
  for (const g of groups.values()) {
    if (names.includes(g.name)) g.members.add(login); else g.members.delete(login);
  }
}

// ---------------------------------------------------------------- routes
async function api(req, res, path, query) {
  const method = req.method;
  const c = cookies(req);
  const s = sessions.get(c.atrium_session);
  if (s) s.lastSeenAt = now();
  if (method !== 'GET' && method !== 'HEAD' && s && req.headers['x-csrf-token'] !== s.csrf) {
    // Sign-in creates a new session, so the old token is not needed for it.
    if (!(method === 'POST' && path === '/session')) fail(403, 'csrf', 'Missing or wrong CSRF token.');
  }

  // --- session
  if (path === '/session' && method === 'GET') return send(res, 200, sessionAnswer(s));
  if (path === '/session' && method === 'POST') {
    const b = await json(req);
    const f = failures.get(b.login);
    if (f && f.until > now()) {
      log(req, b.login, 'sign-in-blocked');
      const wait = Math.ceil((f.until - now()) / 1000);
      fail(429, 'too-many-attempts', 'Too many attempts.', { retryAfterSeconds: wait });
    }
    const u = users.get(b.login);
    if (!u || !u.enabled || u.password !== b.password) {
      const g = f && f.until <= now() && f.count >= 5 ? { count: 0, until: 0 } : (f ?? { count: 0, until: 0 });
      g.count++;
      if (g.count >= 5) g.until = now() + 30_000;
      failures.set(b.login, g);
      log(req, b.login ?? null, 'sign-in-failed');
      fail(401, 'invalid-credentials', 'Wrong login or password.');
    }
    failures.delete(b.login);
    if (s) sessions.delete(s.token);
    const state = u.totp ? 'totp-required' : totpRequiredFor(u) ? 'totp-enrolment-required' : 'signed-in';
    const ns = newSession(res, req, u, state);
    if (state === 'signed-in') { u.lastLoginAt = now(); log(req, u.login, 'sign-in'); }
    return send(res, 200, sessionAnswer(ns));
  }
  if (path === '/session/totp' && method === 'POST') {
    if (!s || s.state !== 'totp-required') fail(401, 'unauthorized', 'Sign in first.');
    const u = users.get(s.login);
    const { code = '' } = await json(req);
    const clean = String(code).replace(/\s+/g, '');
    const step = /^\d{6}$/.test(clean) ? checkTotp(u, u.totp, clean) : -1;
    const backup = u.backupCodes.indexOf(clean);
    if (step >= 0) u.lastStep = step;
    else if (backup >= 0) { u.backupCodes.splice(backup, 1); log(req, u.login, 'backup-code-used'); }
    else { log(req, u.login, 'totp-failed'); fail(401, 'invalid-code', 'Wrong code.'); }
    s.state = 'signed-in'; u.lastLoginAt = now(); log(req, u.login, 'sign-in');
    return send(res, 200, sessionAnswer(s));
  }
  if (path === '/session' && method === 'DELETE') {
    if (s) { sessions.delete(s.token); log(req, s.login, 'sign-out'); }
    return send(res, 204, undefined, { 'Set-Cookie': ['atrium_session=; Path=/; Max-Age=0', 'atrium_csrf=; Path=/; Max-Age=0'] });
  }

  // --- everything else needs a session
  if (!s) fail(401, 'unauthorized', 'Sign in first.');
  const me = users.get(s.login);
  if (!me) fail(401, 'unauthorized', 'Sign in first.');
  const enrolCall = path === '/me/totp' || path === '/me/totp/setup' || path === '/me/totp/confirm';
  if (s.state !== 'signed-in' && !(s.state === 'totp-enrolment-required' && enrolCall)) fail(401, 'unauthorized', 'Finish signing in first.');

  if (path === '/me' && method === 'GET') return send(res, 200, view(me));
  if (path === '/me' && method === 'PATCH') {
    const b = await json(req);
    if (b.displayName !== undefined) { if (!String(b.displayName).trim()) fail(400, 'invalid', 'The name cannot be empty.', { field: 'displayName' }); me.displayName = b.displayName; }
    if (b.email !== undefined) { if (b.email && !/^[^@\s]+@[^@\s]+$/.test(b.email)) fail(400, 'invalid', 'This email address is not valid.', { field: 'email' }); me.email = b.email || null; }
    if (b.language !== undefined) me.language = b.language === 'fr' ? 'fr' : 'en';
    return send(res, 200, view(me));
  }
  if (path === '/me/password' && method === 'POST') {
    const b = await json(req);
    if (b.currentPassword !== me.password) fail(401, 'invalid-credentials', 'The current password is wrong.');
    checkPassword(b.newPassword, 'newPassword');
    me.password = b.newPassword;
    for (const [k, o] of sessions) if (o.login === me.login && o !== s) sessions.delete(k);
    log(req, me.login, 'password-changed', me.login);
    return send(res, 204);
  }
  if (path === '/me/sessions' && method === 'GET') {
    return send(res, 200, [...sessions.values()].filter((o) => o.login === me.login).map((o) => ({ id: o.id, userAgent: o.userAgent, address: o.address, createdAt: o.createdAt, lastSeenAt: o.lastSeenAt, current: o === s })));
  }
  let m;
  if ((m = /^\/me\/sessions\/([^/]+)$/.exec(path)) && method === 'DELETE') {
    for (const [k, o] of sessions) if (o.login === me.login && o.id === m[1]) { sessions.delete(k); return send(res, 204); }
    fail(404, 'not-found', 'No such session.');
  }
  if (path === '/me/totp' && method === 'GET') return send(res, 200, { enabled: !!me.totp, required: totpRequiredFor(me), backupCodesLeft: me.backupCodes.length });
  if (path === '/me/totp/setup' && method === 'POST') {
    me.pendingSecret = base32(randomBytes(20));
    const uri = `otpauth://totp/Atrium:${encodeURIComponent(me.login)}?secret=${me.pendingSecret}&issuer=Atrium&algorithm=SHA1&digits=6&period=30`;
    return send(res, 200, { secret: me.pendingSecret, otpauthUri: uri });
  }
  if (path === '/me/totp/confirm' && method === 'POST') {
    if (!me.pendingSecret) fail(400, 'invalid', 'Start the set-up first.');
    const { code = '' } = await json(req);
    const step = checkTotp(me, me.pendingSecret, String(code));
    if (step < 0) fail(401, 'invalid-code', 'Wrong code.');
    me.lastStep = step; me.totp = me.pendingSecret; me.pendingSecret = null;
    me.backupCodes = Array.from({ length: 10 }, () => `${randomInt(1e4).toString().padStart(4, '0')}-${randomInt(1e4).toString().padStart(4, '0')}`);
    if (s.state === 'totp-enrolment-required') { s.state = 'signed-in'; me.lastLoginAt = now(); }
    log(req, me.login, 'totp-enabled', me.login);
    return send(res, 200, { backupCodes: me.backupCodes });
  }
  if (path === '/me/totp/backup-codes' && method === 'POST') {
    if (!me.totp) fail(400, 'invalid', 'Two-factor authentication is off.');
    me.backupCodes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex'));
    return send(res, 200, { backupCodes: me.backupCodes });
  }
  if (path === '/me/totp' && method === 'DELETE') {
    const b = await json(req);
    if (totpRequiredFor(me)) fail(403, 'forbidden', 'Two-factor authentication is required for you.');
    if (b.password !== me.password) fail(401, 'invalid-credentials', 'Wrong password.');
    me.totp = null; me.backupCodes = [];
    log(req, me.login, 'totp-disabled', me.login);
    return send(res, 204);
  }
  if (path === '/me/app-passwords' && method === 'GET') return send(res, 200, me.appPasswords.map(({ secret, ...p }) => p));
  if (path === '/me/app-passwords' && method === 'POST') {
    const { name = '' } = await json(req);
    if (!String(name).trim()) fail(400, 'invalid', 'Give it a name.', { field: 'name' });
    const p = { id: id(), name, createdAt: now(), lastUsedAt: null, secret: randomBytes(18).toString('base64url') };
    me.appPasswords.push(p);
    log(req, me.login, 'app-password-created', me.login, name);
    return send(res, 201, { id: p.id, name, loginName: me.login, password: p.secret });
  }
  if ((m = /^\/me\/app-passwords\/([^/]+)$/.exec(path)) && method === 'DELETE') {
    const i = me.appPasswords.findIndex((p) => p.id === m[1]);
    if (i < 0) fail(404, 'not-found', 'No such app password.');
    me.appPasswords.splice(i, 1);
    log(req, me.login, 'app-password-revoked', me.login);
    return send(res, 204);
  }

  // --- administration
  const adminOf = [...groups.values()].filter((g) => g.admins.has(me.login));
  if (!me.admin && adminOf.length === 0) fail(403, 'forbidden', 'Administrators only.');
  const canSee = (u) => me.admin || adminOf.some((g) => g.members.has(u.login));
  const adminOnly = () => { if (!me.admin) fail(403, 'forbidden', 'Administrators only.'); };
  const userOr404 = (login) => { const u = users.get(decodeURIComponent(login)); if (!u || !canSee(u)) fail(404, 'not-found', 'No such user.'); return u; };

  if (path === '/users' && method === 'GET') {
    const q = (query.get('q') ?? '').toLowerCase();
    const group = query.get('group');
    const limit = Number(query.get('limit') ?? 50), offset = Number(query.get('offset') ?? 0);
    const all = [...users.values()].filter(canSee).map(view)
      .filter((u) => !q || [u.login, u.displayName, u.email ?? ''].some((x) => x.toLowerCase().includes(q)))
      .filter((u) => !group || u.groups.includes(group))
      .sort((a, b) => a.login.localeCompare(b.login));
    return send(res, 200, { items: all.slice(offset, offset + limit), total: all.length });
  }
  if (path === '/users' && method === 'POST') {
    const b = await json(req);
    if (!/^[a-z0-9._-]{2,64}$/.test(b.login ?? '')) fail(400, 'invalid', 'A login has 2 to 64 lower-case letters, digits, dots, dashes or underscores.', { field: 'login' });
    if (users.has(b.login)) fail(409, 'conflict', `The login ${b.login} is already taken.`, { field: 'login' });
    if (b.admin && !me.admin) fail(403, 'forbidden', 'Only administrators can make administrators.');
    const gs = b.groups ?? [];
    if (!me.admin && (gs.length === 0 || gs.some((g) => !adminOf.some((a) => a.name === g)))) fail(403, 'forbidden', 'Put the user in a group you administer.');
    let generated;
    if (b.password) checkPassword(b.password); else generated = genPassword();
    const quota = parseQuota(b.quota);
    const u = addUser({ ...b, quota, password: b.password || generated });
    setGroupsOf(u.login, gs);
    log(req, me.login, 'user-created', u.login);
    return send(res, 201, { ...view(u), ...(generated ? { generatedPassword: generated } : {}) });
  }
  if ((m = /^\/users\/([^/]+)$/.exec(path))) {
    const u = userOr404(m[1]);
    if (method === 'GET') return send(res, 200, view(u));
    if (method === 'PATCH') {
      const b = await json(req);
      if (b.admin !== undefined && !me.admin) fail(403, 'forbidden', 'Only administrators can change this.');
      for (const k of ['displayName', 'email', 'language', 'enabled', 'admin']) if (b[k] !== undefined) u[k] = b[k];
      if (b.quota !== undefined) u.quota = parseQuota(b.quota);
      if (b.groups) setGroupsOf(u.login, b.groups);
      log(req, me.login, 'user-updated', u.login, JSON.stringify(b));
      return send(res, 200, view(u));
    }
    if (method === 'DELETE') {
      if (u === me) fail(409, 'conflict', 'You cannot delete yourself.');
      users.delete(u.login);
      for (const g of groups.values()) { g.members.delete(u.login); g.admins.delete(u.login); }
      log(req, me.login, 'user-deleted', u.login);
      return send(res, 204);
    }
  }
  if ((m = /^\/users\/([^/]+)\/password$/.exec(path)) && method === 'POST') {
    const u = userOr404(m[1]);
    const b = await json(req);
    if (b.password) { checkPassword(b.password); u.password = b.password; log(req, me.login, 'password-changed', u.login); return send(res, 204); }
    u.password = genPassword();
    log(req, me.login, 'password-changed', u.login);
    return send(res, 200, { password: u.password });
  }
  if ((m = /^\/users\/([^/]+)\/totp$/.exec(path)) && method === 'DELETE') {
    const u = userOr404(m[1]);
    u.totp = null; u.backupCodes = [];
    log(req, me.login, 'totp-disabled', u.login);
    return send(res, 204);
  }
  if (path === '/groups' && method === 'GET') return send(res, 200, (me.admin ? [...groups.values()] : adminOf).map(groupView));
  if (path === '/groups' && method === 'POST') {
    adminOnly();
    const { name = '' } = await json(req);
    if (!String(name).trim()) fail(400, 'invalid', 'Give the group a name.', { field: 'name' });
    if (groups.has(name)) fail(409, 'conflict', `The group ${name} already exists.`);
    const g = { id: id(), name, admins: new Set(), members: new Set(), requireTotp: false };
    groups.set(name, g);
    log(req, me.login, 'group-created', name);
    return send(res, 201, groupView(g));
  }
  if ((m = /^\/groups\/([^/]+)(?:\/(members|admins)(?:\/([^/]+))?)?$/.exec(path))) {
    const g = groups.get(decodeURIComponent(m[1]));
    if (!g || !(me.admin || g.admins.has(me.login))) fail(404, 'not-found', 'No such group.');
    const sub = m[2], login = m[3] && decodeURIComponent(m[3]);
    if (!sub && method === 'PATCH') { adminOnly(); const b = await json(req); if (b.requireTotp !== undefined) g.requireTotp = !!b.requireTotp; log(req, me.login, 'settings-changed', g.name); return send(res, 200, groupView(g)); }
    if (!sub && method === 'DELETE') { adminOnly(); groups.delete(g.name); log(req, me.login, 'group-deleted', g.name); return send(res, 204); }
    if (sub === 'members' && !login && method === 'GET') return send(res, 200, [...g.members].map((l) => view(users.get(l))));
    if (login) {
      if (!users.has(login)) fail(404, 'not-found', `There is no user ${login}.`);
      if (sub === 'admins') adminOnly();
      const set = sub === 'members' ? g.members : g.admins;
      if (method === 'PUT') { set.add(login); if (sub === 'members') log(req, me.login, 'group-member-added', login, g.name); return send(res, 204); }
      if (method === 'DELETE') { set.delete(login); if (sub === 'members') log(req, me.login, 'group-member-removed', login, g.name); return send(res, 204); }
    }
  }
  if (path === '/admin/settings') {
    adminOnly();
    if (method === 'GET') return send(res, 200, settings);
    if (method === 'PATCH') { const b = await json(req); settings.requireTotpForAll = !!b.requireTotpForAll; log(req, me.login, 'settings-changed', null, JSON.stringify(b)); return send(res, 200, settings); }
  }
  if (path === '/audit' && method === 'GET') {
    adminOnly();
    const actor = query.get('actor'), action = query.get('action'), q = (query.get('q') ?? '').toLowerCase();
    const from = Number(query.get('from') ?? 0), to = Number(query.get('to') ?? Infinity), before = query.get('before');
    const limit = Number(query.get('limit') ?? 100);
    const items = audit.filter((e) => (!actor || e.actor === actor) && (!action || e.action === action) && e.at >= from && e.at <= to && (!before || e.id < Number(before))
      && (!q || JSON.stringify(e).toLowerCase().includes(q)));
    return send(res, 200, { items: items.slice(0, limit) });
  }
  if (path === '/imports' && method === 'POST') {
    adminOnly();
    const dryRun = query.get('dryRun') !== 'false';
    const text = (await readBody(req)).toString('utf8').replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/).filter((l) => l.trim());
    const sep = (lines[0] ?? '').includes(';') ? ';' : ',';
    const head = (lines[0] ?? '').split(sep).map((h) => h.trim().toLowerCase());
    const col = (names) => head.findIndex((h) => names.includes(h));
    const cols = { login: col(['login', 'identifiant']), name: col(['display name', 'nom']), email: col(['email', 'courriel']), groups: col(['groups', 'groupes']), quota: col(['quota']), password: col(['password', 'mot de passe']) };
    const job = { id: id(), dryRun, status: 'running', total: Math.max(0, lines.length - 1), processed: 0, created: [], updated: [], newGroups: [], errors: [], passwordsAvailable: false, passwords: [], downloaded: false };
    imports.set(job.id, job);
    if (cols.login < 0) { job.status = 'failed'; job.errors.push({ line: 1, reason: 'The header has no "login" column.' }); }
    let i = 1;
    const timer = setInterval(() => {
      if (job.status !== 'running') return clearInterval(timer);
      if (i >= lines.length) {
        job.status = 'done'; job.passwordsAvailable = !dryRun && job.passwords.length > 0;
        log(req, me.login, 'import', null, `${job.created.length} created, ${job.updated.length} updated`);
        return clearInterval(timer);
      }
      const cells = lines[i].split(sep).map((x) => x.trim().replace(/^"|"$/g, ''));
      const get = (k) => (cols[k] >= 0 ? cells[cols[k]] ?? '' : '');
      const line = i + 1; i++; job.processed++;
      const login = get('login');
      if (!/^[a-z0-9._-]{2,64}$/.test(login)) return job.errors.push({ line, reason: `The login "${login}" is not valid.` });
      if (get('email') && !/^[^@\s]+@[^@\s]+$/.test(get('email'))) return job.errors.push({ line, reason: `The email "${get('email')}" is not valid.` });
      const groupNames = get('groups') ? get('groups').split(',').map((g) => g.trim()).filter(Boolean) : [];
      for (const g of groupNames) if (!groups.has(g) && !job.newGroups.includes(g)) job.newGroups.push(g);
      if (users.has(login)) { job.updated.push(login); if (!dryRun) { const u = users.get(login); if (get('name')) u.displayName = get('name'); if (get('email')) u.email = get('email'); } return; }
      job.created.push(login);
      if (dryRun) return;
      const password = get('password') || genPassword();
      if (!get('password')) job.passwords.push([login, password]);
      addUser({ login, displayName: get('name') || login, email: get('email') || null, password });
      for (const g of groupNames) {
        if (!groups.has(g)) groups.set(g, { id: id(), name: g, admins: new Set(), members: new Set(), requireTotp: false });
        groups.get(g).members.add(login);
      }
    }, 60);
    return send(res, 202, { id: job.id });
  }
  if ((m = /^\/imports\/([^/]+)$/.exec(path)) && method === 'GET') {
    adminOnly();
    const job = imports.get(m[1]);
    if (!job) fail(404, 'not-found', 'No such import.');
    const { passwords, downloaded, ...pub } = job;
    return send(res, 200, { ...pub, passwordsAvailable: job.passwordsAvailable && !downloaded });
  }
  if ((m = /^\/imports\/([^/]+)\/passwords\.csv$/.exec(path)) && method === 'GET') {
    adminOnly();
    const job = imports.get(m[1]);
    if (!job) fail(404, 'not-found', 'No such import.');
    if (job.downloaded || !job.passwordsAvailable) fail(410, 'gone', 'The passwords were already downloaded.');
    job.downloaded = true;
    res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="passwords-${job.id}.csv"` });
    return res.end('login;password\n' + job.passwords.map((p) => p.join(';')).join('\n') + '\n');
  }
  fail(404, 'not-found', `No route for ${method} ${path}.`);
}

// ---------------------------------------------------------------- static files
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json' };
function serveStatic(res, path) {
  let decoded;
  try { decoded = decodeURIComponent(path); } catch { decoded = '/'; }
  const file = normalize(join(DIST, decoded));
  const target = file.startsWith(DIST) && existsSync(file) && statSync(file).isFile() ? file : join(DIST, 'index.html');
  if (!existsSync(target)) { res.writeHead(503, { 'Content-Type': 'text/plain' }); return res.end('Run npm run build first.\n'); }
  res.writeHead(200, { 'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
  res.end(readFileSync(target));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://stub');
  if (url.pathname.startsWith('/remote.php/dav/')) {
    return handleDav(req, res, (r) => {
      const s = sessions.get(cookies(r).atrium_session);
      const u = s && s.state === 'signed-in' ? users.get(s.login) : null;
      return u ? { login: u.login, csrf: s.csrf, quota: u.quota } : null;
    });
  }
  if (!url.pathname.startsWith('/api/v1/')) return serveStatic(res, url.pathname);
  try {
    await api(req, res, url.pathname.slice('/api/v1'.length), url.searchParams);
  } catch (e) {
    if (e instanceof Fail) send(res, e.status, { error: e.error, message: e.message, ...e.extra });
    else { console.error(e); send(res, 500, { error: 'internal', message: 'Internal error.' }); }
  }
});
server.listen(PORT, '127.0.0.1', () => console.log(`Atrium stub on http://127.0.0.1:${PORT} (admin password: ${ADMIN_PASSWORD})`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
