#!/usr/bin/env node
// End-to-end check of the web console against a running Atrium server, in the
// system's Chromium (no browser download):
//   admin signs in → enables 2FA (code from oathtool) → creates camille →
//   admin imports a CSV → camille signs in, sees her name, switches to French →
//   admin signs in again with a TOTP code.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... node e2e/admin-flow.mjs
//
// Needs: /usr/bin/chromium, oathtool, a server whose admin has no 2FA yet and
// no user "camille". Exit 0 on success; on failure prints what failed, saves a
// screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { execFileSync } from 'node:child_process';
import { finish, firstOf, openBrowser, steps, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? '';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 110_000;

const CAMILLE = {
  login: 'camille',
  displayName: 'Camille Dupont',
  email: 'camille@example.com',
  password: 'Sunflower-Harbour-42',
};

if (!BASE || !ADMIN_PASSWORD) {
  console.error('Set ATRIUM_URL (e.g. https://127.0.0.1:18443) and ATRIUM_ADMIN_PASSWORD.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();


/**
 * A code from the real authenticator, oathtool, for now plus `aheadSeconds`. The server
 * accepts the steps next to the current one, so asking 30 s ahead gives a fresh code
 * without waiting for the next window.
 */
function oathtool(secret, aheadSeconds = 0) {
  const at = new Date(Date.now() + aheadSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const out = execFileSync('oathtool', ['--totp', '-b', '--now', at, secret], { encoding: 'utf8', timeout: 5000 }).trim();
  if (!/^\d{6}$/.test(out)) throw new Error(`oathtool printed ${JSON.stringify(out)}`);
  return out;
}

let context;
let page;
let userDataDir;
const browserProblems = [];

async function signIn(login, password) {
  await page.goto(`${BASE}/login`, { waitUntil: 'domcontentloaded' });
  await page.locator(tid('login-username')).fill(login);
  await page.locator(tid('login-password')).fill(password);
  await page.locator(tid('login-submit')).click();
}

async function loginError() {
  const el = page.locator(tid('login-error'));
  return (await el.count()) ? (await el.first().textContent())?.trim() : null;
}

/** After a sign-in submit: the app (optionally showing `displayName`), else the reason why not. */
async function expectShell(displayName, { afterCode = false } = {}) {
  // After a code, the code field is still on screen while the request runs: wait for the app or an error only.
  const outcomes = afterCode
    ? { shell: tid('user-display-name'), error: tid('login-error') }
    : { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') };
  const outcome = await firstOf(page, outcomes);
  if (outcome === 'error') throw new Error(`sign-in refused: ${await loginError()}`);
  if (outcome !== 'shell') throw new Error(`expected the app, got the ${outcome} step`);
  if (displayName) {
    await page.locator(tid('user-display-name'), { hasText: displayName }).waitFor({ timeout: ACTION_TIMEOUT });
  }
}

async function signOut() {
  await page.locator(tid('user-menu-button')).click();
  await page.locator(tid('sign-out')).click();
  await page.locator(tid('login-form')).waitFor({ timeout: ACTION_TIMEOUT });
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  await run('admin signs in with the password', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    const outcome = await firstOf(page, { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') });
    if (outcome === 'error') throw new Error(`sign-in refused: ${await loginError()}`);
    if (outcome === 'totp') throw new Error('admin already has two-factor authentication: run against a fresh data directory');
    if (outcome === 'enrol') throw new Error('the server requires 2FA enrolment at sign-in; this flow expects it off');
  });

  let secret;
  await run('admin enables two-factor authentication in settings', async () => {
    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('totp-section')).waitFor();
    await page.locator(tid('totp-enable')).click();
    const shown = (await page.locator(tid('totp-secret')).textContent()) ?? '';
    secret = shown.replace(/\s+/g, '');
    if (!/^[A-Z2-7]+=*$/i.test(secret)) throw new Error(`the secret shown is not base32: ${JSON.stringify(shown)}`);
    if ((await page.locator(tid('totp-qr')).count()) !== 1) throw new Error('no QR code shown');
    const code = oathtool(secret);
    log(`  secret ${secret.slice(0, 4)}…, code from oathtool`);
    await page.locator(tid('totp-code')).fill(code);
    await page.locator(tid('totp-confirm')).click();
    const outcome = await firstOf(page, { codes: tid('backup-codes'), error: `${tid('totp-section')} [role="alert"]` });
    if (outcome === 'error') {
      throw new Error(`code refused: ${await page.locator(`${tid('totp-section')} [role="alert"]`).first().textContent()}`);
    }
    const count = await page.locator(`${tid('backup-codes')} li`).count();
    if (count !== 10) throw new Error(`expected 10 backup codes, saw ${count}`);
    await page.locator(tid('backup-codes-saved')).click();
    await page.locator(tid('totp-regenerate')).waitFor();
  });

  await run('admin creates camille in Administration → Users', async () => {
    await page.locator(tid('nav-admin')).click();
    await page.locator(tid('admin-tab-users')).click();
    await page.locator(tid('users-page')).waitFor();
    await page.locator(tid('users-create')).click();
    const dialog = page.locator(tid('user-dialog'));
    await dialog.waitFor();
    await dialog.locator(tid('user-form-login')).fill(CAMILLE.login);
    await dialog.locator(tid('user-form-display-name')).fill(CAMILLE.displayName);
    await dialog.locator(tid('user-form-email')).fill(CAMILLE.email);
    await dialog.locator(tid('user-form-password')).fill(CAMILLE.password);
    await dialog.locator(tid('user-form-submit')).click();
    const outcome = await firstOf(page, { created: tid('user-created-dialog'), error: `${tid('user-dialog')} :is([role="alert"], .field-error)` });
    if (outcome === 'error') {
      const msgs = await page.locator(`${tid('user-dialog')} :is([role="alert"], .field-error)`).allTextContents();
      throw new Error(`user not created: ${msgs.join(' / ')}`);
    }
    await page.locator(tid('user-created-close')).click();
    const row = page.locator(`${tid('user-row')}[data-login="${CAMILLE.login}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    if (!text.includes(CAMILLE.displayName)) throw new Error(`camille's row does not show her name: ${text}`);
  });

  await run('admin imports a French Excel CSV: progress, report, the bad row named', async () => {
    await page.locator(tid('admin-tab-import')).click();
    await page.locator(tid('import-page')).waitFor();
    const csv = '\uFEFFIdentifiant;Nom affiché;Courriel;Groupes;Quota\r\n'
      + 'ines;Inès Fakhfakh;ines@example.tn;"Tunis,Compta";2 Go\r\n'
      + 'kavi;Kavi Boodhoo;kavi@example.mu;Port-Louis;none\r\n'
      + 'bad login!;Nobody;not-an-email;;\r\n';
    await page.locator(tid('import-file')).setInputFiles({ name: 'personnel.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.locator(tid('import-run')).click();
    await page.locator(`${tid('import-report')}[data-dry-run="false"]`).waitFor({ timeout: 30_000 });
    const created = ((await page.locator(tid('import-created-count')).textContent()) ?? '').trim();
    if (!created.includes('2')) throw new Error(`expected 2 created, the report says ${JSON.stringify(created)}`);
    const badRows = await page.locator(tid('import-error-row')).allTextContents();
    if (!badRows.length || !badRows.every((r) => r.includes('4'))) throw new Error(`expected the bad row on line 4, saw ${JSON.stringify(badRows)}`);
    if ((await page.locator(tid('import-passwords')).count()) !== 1) throw new Error('no link to the generated passwords');
  });

  await run('admin signs out', signOut);

  await run('camille signs in and sees her name in the shell', async () => {
    await signIn(CAMILLE.login, CAMILLE.password);
    await expectShell(CAMILLE.displayName);
    if (await page.locator(tid('nav-admin')).count()) throw new Error('camille sees the Administration entry');
  });

  await run('camille switches the console to French, and it stays French after reloading', async () => {
    await page.locator(tid('user-menu-button')).click();
    await page.locator(tid('lang-fr')).click();
    await page.locator(tid('nav-settings'), { hasText: 'Paramètres' }).waitFor();
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator(tid('nav-settings'), { hasText: 'Paramètres' }).waitFor();
  });

  await run('in French, the server explains a refused new password in French', async () => {
    // The browser says en-GB; the console sends its own language as Accept-Language.
    await page.locator(tid('nav-settings')).click();
    await page.locator(tid('password-section')).waitFor();
    await page.locator(tid('password-current')).fill(CAMILLE.password);
    await page.locator(tid('password-new')).fill('azertyuiop');
    await page.locator(tid('password-confirm')).fill('azertyuiop');
    await page.locator(tid('password-submit')).click();
    const error = page.locator(tid('password-new-error'));
    await error.waitFor();
    const text = ((await error.textContent()) ?? '').trim();
    if (!text.startsWith('Le mot de passe')) throw new Error(`expected the server's reason in French, saw ${JSON.stringify(text)}`);
  });

  await run('camille signs out', signOut);

  await run('admin signs in again, now with a TOTP code', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    const outcome = await firstOf(page, { totp: tid('login-totp-code'), error: tid('login-error'), shell: tid('user-display-name') });
    if (outcome === 'error') throw new Error(`sign-in refused: ${await loginError()}`);
    if (outcome === 'shell') throw new Error('signed in without being asked for a TOTP code');
    // A code can be used once: the enrolment code is spent, so take the next window's code.
    await page.locator(tid('login-totp-code')).fill(oathtool(secret, 30));
    await page.locator(tid('login-totp-submit')).click();
    await expectShell(undefined, { afterCode: true });
  });
}

finish(main, {
  name: 'admin',
  wholeRun: WHOLE_RUN,
  log,
  state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }),
});
