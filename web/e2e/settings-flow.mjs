#!/usr/bin/env node
// End-to-end check of the administrators' settings against a running Atrium server, in the
// system's Chromium (no browser download):
//   admin signs in → Administration → Settings: links expire after 10 days at most, 5 by
//   default, with a password → the firm's name → a text file refused as a logo with the
//   server's reason, then a PNG logo → the share dialog proposes the 5-day date and asks for
//   a password → a link is made → signed out, the sign-in page shows the logo → a guest
//   opens the link: the public page shows the firm's name and logo →
//   admin releases one quarantined file and deletes the other in Administration → Quarantine.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... ATRIUM_LOGO_FILE=/tmp/logo.png \
//   ATRIUM_FOLDER="Dossier client" ATRIUM_RELEASE=Audit/scan.pdf ATRIUM_DELETE=macro.xls node e2e/settings-flow.mjs
//
// Needs /usr/bin/chromium and a fresh server whose admin has no 2FA, with the folder
// ATRIUM_FOLDER in the admin's files and the two quarantined files of the admin's (paths as
// the quarantine lists them). Exit 0 on success; on failure prints what failed, saves a
// screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { readFileSync } from 'node:fs';
import { finish, firstOf, openBrowser, row, signIn, steps, textOf, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN = { login: 'admin', password: process.env.ATRIUM_ADMIN_PASSWORD ?? '' };
const LOGO = process.env.ATRIUM_LOGO_FILE ?? '';
const FOLDER = process.env.ATRIUM_FOLDER ?? '';
const RELEASE = process.env.ATRIUM_RELEASE ?? '';
const DELETE = process.env.ATRIUM_DELETE ?? '';
const FIRM = 'Cabinet Martin & Associés';
const LINK_PASSWORD = 'Lien-Reglement-2026';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 150_000;

if (!BASE || !ADMIN.password || !LOGO || !FOLDER || !RELEASE || !DELETE) {
  console.error('Set ATRIUM_URL, ATRIUM_ADMIN_PASSWORD, ATRIUM_LOGO_FILE, ATRIUM_FOLDER, ATRIUM_RELEASE and ATRIUM_DELETE.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

/** Waits until the image has loaded and decoded (a broken or missing image has no natural width). */
async function expectImage(selector) {
  const img = page.locator(selector).first();
  await img.waitFor();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: ACTION_TIMEOUT });
  return img.getAttribute('src');
}

/** `YYYY-MM-DD` in UTC, days from now, as the server counts expiry dates. */
function dayAhead(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  await run('admin signs in and opens Administration → Settings', async () => {
    await signIn(page, BASE, ADMIN);
    await page.locator(tid('nav-admin')).click();
    await page.locator(tid('admin-tab-settings')).click();
    await page.locator(tid('admin-link-policy')).waitFor();
  });

  await run('admin sets the link rules: at most 10 days, 5 by default, a password always', async () => {
    const section = page.locator(tid('admin-link-policy'));
    await section.locator(tid('admin-link-max-days')).fill('10');
    await section.locator(tid('admin-link-default-days')).fill('5');
    await section.locator(tid('admin-link-password')).check();
    await section.locator(tid('admin-link-policy-save')).click();
    const outcome = await firstOf(page, { saved: tid('admin-link-policy-saved'), error: tid('admin-link-policy-error') });
    if (outcome === 'error') throw new Error(`the rules were refused: ${await textOf(page, tid('admin-link-policy-error'))}`);
  });

  await run('admin names the firm; a text file is refused as a logo with the reason; a PNG is taken', async () => {
    const section = page.locator(tid('admin-branding'));
    await section.locator(tid('admin-branding-name')).fill(FIRM);
    await section.locator(tid('admin-branding-name-save')).click();
    await section.locator(tid('admin-branding-saved')).waitFor();
    await section.locator(tid('admin-branding-logo-file')).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all', 'utf8') });
    const reason = await textOf(page, `${tid('admin-branding')} ${tid('admin-branding-error')}`);
    if (!reason.includes('could not be read as an image')) throw new Error(`the bad logo was answered "${reason}"`);
    await section.locator(tid('admin-branding-logo-file')).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: readFileSync(LOGO) });
    await section.locator(tid('admin-branding-saved')).waitFor();
    const src = await expectImage(`${tid('admin-branding')} ${tid('admin-branding-logo')}`);
    log(`  logo at ${src}`);
  });

  let linkUrl;
  await run(`the share dialog proposes the 5-day default and requires a password; a link to "${FOLDER}" is made`, async () => {
    await page.locator(tid('nav-files')).click();
    await page.locator(row(FOLDER)).waitFor();
    await page.locator(row(FOLDER)).locator(tid('file-actions')).click();
    await page.locator(row(FOLDER)).locator(tid('file-share')).click();
    const dialog = page.locator(tid('share-dialog'));
    await dialog.waitFor();
    await dialog.locator(tid('share-link-new')).click();
    const proposed = await dialog.locator(tid('share-link-expiry')).inputValue();
    if (proposed !== dayAhead(5)) throw new Error(`the expiry proposed is "${proposed}", not ${dayAhead(5)}`);
    // The browser itself stops an empty required field; the dialog marks the password required.
    const password = dialog.locator(tid('share-link-password'));
    if ((await password.getAttribute('required')) === null) throw new Error('the password field is not required');
    await dialog.locator(tid('share-link-create')).click();
    if (!(await password.evaluate((el) => el.matches(':invalid')))) throw new Error('an empty password was not stopped');
    if ((await dialog.locator(tid('share-link')).count()) !== 0) throw new Error('a link was made without a password');
    await dialog.locator(tid('share-link-password')).fill(LINK_PASSWORD);
    await dialog.locator(tid('share-link-create')).click();
    const outcome = await firstOf(page, { ok: `${tid('share-dialog')} ${tid('share-link')}`, error: `${tid('share-dialog')} ${tid('share-link-form-error')}` });
    if (outcome === 'error') throw new Error(`the link was refused: ${await textOf(page, tid('share-link-form-error'))}`);
    linkUrl = await dialog.locator(tid('share-link-url')).inputValue();
    await dialog.locator(tid('share-close')).click();
    log(`  link ${linkUrl}`);
  });

  await run('signed out, the sign-in page shows the firm’s logo and name', async () => {
    await page.locator(tid('user-menu-button')).click();
    await page.locator(tid('sign-out')).click();
    await page.locator(tid('login-form')).waitFor();
    await expectImage(`${tid('login-page')} ${tid('auth-logo')}`);
    await page.locator(tid('auth-brand'), { hasText: FIRM }).waitFor();
  });

  await run('a guest opens the link: the public page shows the logo and the firm’s name', async () => {
    await page.goto(linkUrl, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('public-page')).waitFor();
    await expectImage(`${tid('public-page')} ${tid('auth-logo')}`);
    const brand = await textOf(page, tid('auth-brand'));
    if (brand !== FIRM) throw new Error(`the public page is headed "${brand}", not "${FIRM}"`);
  });

  await run(`admin releases "${RELEASE}" from the quarantine and deletes "${DELETE}" for good`, async () => {
    await signIn(page, BASE, ADMIN);
    await page.locator(tid('nav-admin')).click();
    await page.locator(tid('admin-tab-quarantine')).click();
    await page.locator(tid('quarantine-table')).waitFor();
    const item = (path) => page.locator(tid('quarantine-row'), { has: page.locator('td', { hasText: `/${path}` }) });
    await item(RELEASE).locator(tid('quarantine-release')).click();
    await page.locator(tid('confirm-dialog')).waitFor();
    await page.locator(tid('confirm-ok')).click();
    const released = await textOf(page, tid('quarantine-done'));
    if (!released.includes(`in the files of ${ADMIN.login}`)) throw new Error(`releasing said "${released}"`);
    await item(DELETE).locator(tid('quarantine-delete')).click();
    await page.locator(tid('confirm-dialog')).waitFor();
    await page.locator(tid('confirm-ok')).click();
    await page.locator(tid('quarantine-done'), { hasText: `/${DELETE}` }).waitFor();
    await page.locator(tid('quarantine-empty')).waitFor();
    log(`  ${released}`);
  });
}

finish(main, {
  name: 'settings',
  wholeRun: WHOLE_RUN,
  log,
  state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }),
});
