#!/usr/bin/env node
// End-to-end check of the versions and the trash of the Files app against a running
// Atrium server, in the system's Chromium (no browser download):
//   admin signs in → creates "Archives 2026" → uploads "note #1.txt" → uploads it
//   again with other content ("Replace") → Versions shows one version → restores it
//   → the file has the old content again, and the version downloads with it too →
//   deletes the file → Trash lists it with its original location → restores it →
//   it is back in its folder.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... node e2e/trash-flow.mjs
//
// Needs /usr/bin/chromium and a fresh server: admin without 2FA and no
// "Archives 2026" in admin's files. Exit 0 on success; on failure prints what
// failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { expectFolder, finish, firstOf, openBrowser, q, row, steps, textOf, tid, uploadRow } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? '';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 110_000;

const FOLDER = 'Archives 2026';
const NAME = 'note #1 (été).txt';
const OLD = Buffer.from('Première version.\n', 'utf8');
const NEW = Buffer.from('Deuxième version, plus longue que la première.\n', 'utf8');

if (!BASE || !ADMIN_PASSWORD) {
  console.error('Set ATRIUM_URL (e.g. https://127.0.0.1:18443) and ATRIUM_ADMIN_PASSWORD.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

/** Opens the "More" menu of a row and clicks one of its actions. */
async function rowAction(name, action) {
  const r = page.locator(row(name));
  await r.locator(tid('file-actions')).click();
  await r.locator(tid(action)).click();
}

/** The error shown inside a dialog, if any, to explain a dialog that did not close. */
async function dialogError(dialogId) {
  const sel = `${tid(dialogId)} :is([role="alert"], .field-error)`;
  return (await page.locator(sel).count()) ? (await page.locator(sel).allTextContents()).join(' / ') : null;
}

async function waitDialogClosed(dialogId) {
  try {
    await page.locator(tid(dialogId)).waitFor({ state: 'detached' });
  } catch {
    throw new Error(`the dialog ${dialogId} stayed open: ${(await dialogError(dialogId)) ?? 'no error shown'}`);
  }
}

async function crumbs() {
  return page.locator(tid('files-crumb')).evaluateAll((els) =>
    els.map((e) => ({ path: e.getAttribute('data-path'), current: e.getAttribute('aria-current'), text: e.textContent.trim() })),
  );
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  await run('admin signs in with the password', async () => {
    await page.goto(`${BASE}/login`, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('login-username')).fill('admin');
    await page.locator(tid('login-password')).fill(ADMIN_PASSWORD);
    await page.locator(tid('login-submit')).click();
    const outcome = await firstOf(page, { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') });
    if (outcome === 'error') throw new Error(`sign-in refused: ${await textOf(page, tid('login-error'))}`);
    if (outcome === 'totp') throw new Error('admin has two-factor authentication: run against a fresh data directory');
    if (outcome === 'enrol') throw new Error('the server requires 2FA enrolment at sign-in; this flow expects it off');
  });

  await run(`admin creates "${FOLDER}" and opens it`, async () => {
    await page.locator(tid('nav-files')).click();
    await expectFolder(page, '/');
    if (await page.locator(row(FOLDER)).count()) throw new Error(`"${FOLDER}" already exists: run against a fresh data directory`);
    await page.locator(tid('files-new-folder')).click();
    await page.locator(tid('new-folder-name')).fill(FOLDER);
    await page.locator(tid('new-folder-submit')).click();
    await waitDialogClosed('new-folder-dialog');
    await page.locator(row(FOLDER)).locator(tid('file-open')).click();
    await expectFolder(page, `/${FOLDER}`);
  });

  await run(`admin uploads "${NAME}", then replaces it with other content`, async () => {
    await page.locator(tid('files-upload-input')).setInputFiles([{ name: NAME, mimeType: 'text/plain', buffer: OLD }]);
    const first = await firstOf(page, { done: `${uploadRow(NAME)}[data-status="done"]`, failed: `${uploadRow(NAME)}[data-status="failed"]` }, 30_000);
    if (first === 'failed') throw new Error(`the upload failed: ${await textOf(page, `${uploadRow(NAME)} ${tid('upload-error')}`)}`);
    await page.locator(`${row(NAME)}[data-size="${OLD.length}"]`).waitFor();
    await page.locator(tid('uploads-clear')).click();
    await page.locator(tid('files-upload-input')).setInputFiles([{ name: NAME, mimeType: 'text/plain', buffer: NEW }]);
    await page.locator(`${uploadRow(NAME)}[data-status="failed"]`).waitFor({ timeout: 30_000 });
    await page.locator(uploadRow(NAME)).locator(tid('upload-replace')).click();
    await page.locator(`${uploadRow(NAME)}[data-status="done"]`).waitFor({ timeout: 30_000 });
    await page.locator(`${row(NAME)}[data-size="${NEW.length}"]`).waitFor();
    await page.locator(tid('uploads-clear')).click();
  });

  let versionHref;
  await run('Versions shows one version, with the old size', async () => {
    await rowAction(NAME, 'file-versions');
    const dialog = page.locator(tid('versions-dialog'));
    await dialog.waitFor();
    const outcome = await firstOf(page, { table: tid('versions-table'), empty: tid('versions-empty'), error: tid('versions-error') });
    if (outcome !== 'table') throw new Error(`no version listed (${outcome}): ${outcome === 'error' ? await textOf(page, tid('versions-error')) : ''}`);
    const rows = dialog.locator(tid('version-row'));
    if ((await rows.count()) !== 1) throw new Error(`${await rows.count()} versions listed, expected 1`);
    if (Number(await rows.first().getAttribute('data-size')) !== OLD.length) throw new Error(`the version has size ${await rows.first().getAttribute('data-size')}`);
    versionHref = await rows.first().locator(tid('version-download')).getAttribute('href');
  });

  await run('the version downloads with the old content', async () => {
    const res = await context.request.get(new URL(versionHref, BASE).href);
    if (res.status() !== 200) throw new Error(`GET ${versionHref} answered ${res.status()}`);
    if (!(await res.body()).equals(OLD)) throw new Error('the version does not hold the first content');
  });

  await run('admin restores the version after confirming; the file has the old content again', async () => {
    await page.locator(tid('version-restore')).first().click();
    await page.locator(tid('confirm-dialog')).waitFor();
    await page.locator(tid('confirm-ok')).click();
    await page.locator(tid('versions-restored')).waitFor();
    // The replaced content is a version now.
    await page.locator(`${tid('version-row')}[data-size="${NEW.length}"]`).waitFor();
    await page.locator(tid('versions-close')).click();
    await waitDialogClosed('versions-dialog');
    await page.locator(`${row(NAME)}[data-size="${OLD.length}"]`).waitFor();
    const href = await page.locator(row(NAME)).locator(tid('file-open')).getAttribute('href');
    const res = await context.request.get(new URL(href, BASE).href);
    if (!(await res.body()).equals(OLD)) throw new Error('after the restore the file does not hold the first content');
  });

  await run(`admin deletes "${NAME}": it goes to the trash`, async () => {
    await rowAction(NAME, 'file-delete');
    await page.locator(tid('confirm-dialog')).waitFor();
    await page.locator(tid('confirm-ok')).click();
    await waitDialogClosed('confirm-dialog');
    await page.locator(tid('files-empty')).waitFor();
  });

  const trashRow = `${tid('trash-row')}[data-name=${q(NAME)}]`;
  await run('the Trash lists it with its original location, also after a reload', async () => {
    await page.locator(tid('files-trash')).click();
    await page.locator(tid('trash-page')).waitFor();
    if (new URL(page.url()).pathname !== '/files-trash') throw new Error(`the URL is ${page.url()}`);
    await page.reload({ waitUntil: 'domcontentloaded' });
    const outcome = await firstOf(page, { table: tid('trash-table'), empty: tid('trash-empty'), error: tid('trash-error') });
    if (outcome !== 'table') throw new Error(`the trash shows ${outcome}`);
    const r = page.locator(trashRow);
    await r.waitFor();
    const location = await r.getAttribute('data-location');
    if (location !== `/${FOLDER}/${NAME}`) throw new Error(`original location ${location}`);
    const shown = await r.locator(tid('trash-location')).textContent();
    if (!shown.includes(FOLDER)) throw new Error(`the location shown is ${shown}`);
  });

  await run('admin restores it and finds it back in its folder', async () => {
    await page.locator(trashRow).locator(tid('trash-restore')).click();
    const outcome = await firstOf(page, { ok: tid('trash-restored'), error: tid('trash-action-error') });
    if (outcome === 'error') throw new Error(`the restore failed: ${await textOf(page, tid('trash-action-error'))}`);
    const path = await page.locator(tid('trash-restored')).getAttribute('data-path');
    if (path !== `/${FOLDER}/${NAME}`) throw new Error(`restored to ${path}`);
    await page.locator(trashRow).waitFor({ state: 'detached' });
    await page.locator(tid('trash-restored-open')).click();
    await expectFolder(page, `/${FOLDER}`);
    await page.locator(`${row(NAME)}[data-size="${OLD.length}"]`).waitFor();
  });
}

finish(main, {
  name: 'trash',
  wholeRun: WHOLE_RUN,
  log,
  state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }),
});
