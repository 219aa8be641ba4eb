#!/usr/bin/env node
// End-to-end check of Nextcloud Login Flow v2 against a running Atrium server, in the
// system's Chromium: a client (here: fetch) starts a flow → the browser opens the
// login link, signs in as admin and grants → the client polls and gets an app
// password once, which then works with HTTP Basic. Then a second flow is cancelled.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... node e2e/login-flow.mjs
//
// Needs: /usr/bin/chromium, a server whose admin has no 2FA. Exit 0 on success; on
// failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp)
// and exits 1.
import { finish, firstOf, openBrowser, steps, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? '';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 90_000;
const CLIENT_UA = 'Mozilla/5.0 (Linux) mirall/3.7.3git (atrium-e2e, ClientArchitecture: x86_64)';

if (!BASE || !ADMIN_PASSWORD) {
  console.error('Set ATRIUM_URL (e.g. https://127.0.0.1:18443) and ATRIUM_ADMIN_PASSWORD.');
  process.exit(2);
}
// The test server's certificate is self-signed; the browser below ignores it too.
if (BASE.startsWith('https://127.0.0.1') || BASE.startsWith('https://localhost')) {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

/** What a Nextcloud client sends: its User-Agent, no cookies, no credentials. */
async function client(path, init = {}) {
  const url = path.startsWith('http') ? path : BASE + path;
  const res = await fetch(url, { ...init, headers: { 'User-Agent': CLIENT_UA, ...(init.headers ?? {}) } });
  return { status: res.status, text: await res.text() };
}

async function startFlow() {
  const r = await client('/index.php/login/v2', { method: 'POST', headers: { 'Content-Length': '0' } });
  if (r.status !== 200) throw new Error(`starting a flow answered ${r.status}: ${r.text}`);
  const flow = JSON.parse(r.text);
  if (!flow.poll?.token || !flow.poll?.endpoint || !flow.login) throw new Error(`incomplete answer: ${r.text}`);
  if (flow.poll.token.length !== 128) throw new Error(`the poll token has ${flow.poll.token.length} characters, not 128`);
  if (!flow.login.startsWith(`${BASE}/index.php/login/v2/flow/`)) throw new Error(`unexpected login URL ${flow.login}`);
  return flow;
}

function poll(flow) {
  return client(flow.poll.endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: flow.poll.token }).toString(),
  });
}

async function expectPending(flow, why) {
  const r = await poll(flow);
  if (r.status !== 404 || r.text !== '[]') throw new Error(`${why}: the poll answered ${r.status} ${r.text}, not 404 []`);
}

async function text(selector) {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  let flow;
  await run('the client starts a flow; its first poll is pending', async () => {
    flow = await startFlow();
    await expectPending(flow, 'before the grant');
  });

  await run('the browser opens the login link: sign-in, naming the app, in French after switching', async () => {
    await page.goto(flow.login, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('login-form')).waitFor();
    const notice = await text(tid('login-flow-notice'));
    if (!notice.includes(CLIENT_UA)) throw new Error(`the sign-in does not name the app: ${JSON.stringify(notice)}`);
    await page.locator(tid('login-lang-fr')).click();
    await page.locator(tid('login-flow-notice'), { hasText: 'Connectez-vous' }).waitFor();
    if (new URL(page.url()).pathname !== new URL(flow.login).pathname) throw new Error(`the page moved to ${page.url()}`);
  });

  await run('admin signs in on that page and is asked about the app', async () => {
    await page.locator(tid('login-username')).fill('admin');
    await page.locator(tid('login-password')).fill(ADMIN_PASSWORD);
    await page.locator(tid('login-submit')).click();
    const outcome = await firstOf(page, { consent: tid('login-flow-consent'), error: tid('login-error'), totp: tid('login-totp-code') });
    if (outcome === 'error') throw new Error(`sign-in refused: ${await text(tid('login-error'))}`);
    if (outcome === 'totp') throw new Error('admin has two-factor authentication: run against a fresh data directory');
    const question = await text(tid('login-flow-question'));
    if (!question.includes(CLIENT_UA)) throw new Error(`the question does not name the app: ${JSON.stringify(question)}`);
    await expectPending(flow, 'signed in but not granted yet');
  });

  await run('admin grants access; the page says it is done', async () => {
    await page.locator(tid('login-flow-grant')).click();
    const outcome = await firstOf(page, { done: tid('login-flow-done'), error: tid('login-flow-error') });
    if (outcome === 'error') throw new Error(`grant refused: ${await text(tid('login-flow-error'))}`);
  });

  let appPassword;
  await run('the client polls: the credentials once, then nothing', async () => {
    const r = await poll(flow);
    if (r.status !== 200) throw new Error(`the poll after the grant answered ${r.status} ${r.text}`);
    const got = JSON.parse(r.text);
    if (got.server !== BASE) throw new Error(`server is ${got.server}, expected ${BASE}`);
    if (got.loginName !== 'admin') throw new Error(`loginName is ${got.loginName}`);
    if (!/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$/.test(got.appPassword ?? '')) throw new Error('no app password in the answer');
    appPassword = got.appPassword;
    await expectPending(flow, 'after collecting');
  });

  await run('the app password works with HTTP Basic', async () => {
    const basic = Buffer.from(`admin:${appPassword}`).toString('base64');
    const r = await client('/ocs/v1.php/cloud/user?format=json', {
      headers: { Authorization: `Basic ${basic}`, 'OCS-APIREQUEST': 'true' },
    });
    if (r.status !== 200 || !r.text.includes('"statuscode":100')) throw new Error(`cloud/user answered ${r.status} ${r.text}`);
  });

  await run('a second flow, opened while signed in, is cancelled', async () => {
    const second = await startFlow();
    await page.goto(second.login, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('login-flow-cancel')).click();
    await page.locator(tid('login-flow-cancelled')).waitFor();
    await expectPending(second, 'after cancelling');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator(tid('login-flow-unavailable')).waitFor();
  });
}

finish(main, {
  name: 'login',
  wholeRun: WHOLE_RUN,
  log,
  state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }),
});
