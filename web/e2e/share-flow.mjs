#!/usr/bin/env node
// End-to-end check of sharing in the Files app against a running Atrium server, in the
// system's Chromium (no browser download):
//   alice signs in → creates "Lecture seule" (with a file and a folder) and "Équipe" → shares the first
//   with bob read-only and the second with every right through the share dialog → makes a
//   public link with a password on "Équipe" and copies its URL → signs out;
//   bob signs in → sees both at his root with alice's name and under "Shared with me" →
//   "Lecture seule" offers no rename and no delete (leave instead), refuses uploads (button
//   off, a dropped file refused with a message) → he uploads into "Équipe" → copies the file
//   of "Lecture seule" into his own files and moves that copy into "Équipe" with the picker,
//   which offers both shares and allows no copy or move into the read-only one.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/share-flow.mjs
//
// Needs /usr/bin/chromium and a fresh server where the users alice and bob exist with
// those passwords, without 2FA. Exit 0 on success; on failure prints what failed, saves a
// screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { finish, firstOf, openBrowser, q, row, steps, textOf, tid, uploadRow } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ALICE = { login: 'alice', password: process.env.ATRIUM_ALICE_PASSWORD ?? '' };
const BOB = { login: 'bob', password: process.env.ATRIUM_BOB_PASSWORD ?? '' };
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 150_000;

const READ_ONLY = 'Lecture seule';
const TEAM = 'Équipe';
const INSIDE = 'bilan.txt';
const ARCHIVES = 'Archives';
const BOB_FILE = 'de bob (été).txt';
const LINK_PASSWORD = 'Lien-Secret-2026';

if (!BASE || !ALICE.password || !BOB.password) {
  console.error('Set ATRIUM_URL, ATRIUM_ALICE_PASSWORD and ATRIUM_BOB_PASSWORD.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

async function expectFolder(path) {
  await page.locator(`${tid('files-page')}[data-path=${q(path)}]`).waitFor();
  const outcome = await firstOf(page, { table: tid('files-table'), empty: tid('files-empty'), error: tid('files-error') });
  if (outcome === 'error') throw new Error(`the listing of ${path} failed: ${await textOf(page, tid('files-error'))}`);
  return outcome;
}

async function signIn(who) {
  await page.goto(`${BASE}/login`, { waitUntil: 'domcontentloaded' });
  await page.locator(tid('login-username')).fill(who.login);
  await page.locator(tid('login-password')).fill(who.password);
  await page.locator(tid('login-submit')).click();
  const outcome = await firstOf(page, { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') });
  if (outcome !== 'shell') throw new Error(`${who.login} could not sign in (${outcome}): ${outcome === 'error' ? await textOf(page, tid('login-error')) : ''}`);
}

async function signOut() {
  await page.locator(tid('user-menu-button')).click();
  await page.locator(tid('sign-out')).click();
  await page.locator(tid('login-form')).waitFor();
}

async function openMenu(name) {
  const r = page.locator(row(name));
  await r.locator(tid('file-actions')).click();
  return r;
}

async function newFolder(name) {
  await page.locator(tid('files-new-folder')).click();
  await page.locator(tid('new-folder-name')).fill(name);
  await page.locator(tid('new-folder-submit')).click();
  await page.locator(row(name)).waitFor();
}

async function upload(name, text) {
  await page.locator(tid('files-upload-input')).setInputFiles([{ name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') }]);
  const outcome = await firstOf(page, { done: `${uploadRow(name)}[data-status="done"]`, failed: `${uploadRow(name)}[data-status="failed"]` }, 30_000);
  if (outcome === 'failed') throw new Error(`the upload of ${name} failed: ${await textOf(page, `${uploadRow(name)} ${tid('upload-error')}`)}`);
  await page.locator(tid('uploads-clear')).click();
  await page.locator(row(name)).waitFor();
}

/** Shares `folder` with bob through the dialog, with the toggles set as `rights` says. */
async function shareWithBob(folder, rights) {
  const r = await openMenu(folder);
  await r.locator(tid('file-share')).click();
  const dialog = page.locator(tid('share-dialog'));
  await dialog.waitFor();
  await dialog.locator(tid('share-search')).fill('bo');
  await dialog.locator(`${tid('share-result')}[data-share-with="bob"]`).click();
  for (const [perm, on] of Object.entries(rights)) {
    const box = dialog.locator(`${tid('share-add-perms')} ${tid(`share-perm-${perm}`)}`);
    if ((await box.isChecked()) !== on) await box.click();
  }
  await dialog.locator(tid('share-add-submit')).click();
  const expected = 1 | (rights.edit ? 2 : 0) | (rights.create ? 4 : 0) | (rights.delete ? 8 : 0) | (rights.reshare ? 16 : 0);
  const outcome = await firstOf(page, {
    ok: `${tid('share-person')}[data-share-with="bob"][data-permissions="${expected}"]`,
    error: `${tid('share-dialog')} ${tid('share-add-error')}`,
  });
  if (outcome === 'error') throw new Error(`sharing ${folder} failed: ${await textOf(page, tid('share-add-error'))}`);
  return dialog;
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });

  await run('alice signs in and makes two folders, one with a file', async () => {
    await signIn(ALICE);
    await page.locator(tid('nav-files')).click();
    await expectFolder('/');
    await newFolder(READ_ONLY);
    await newFolder(TEAM);
    await page.locator(row(READ_ONLY)).locator(tid('file-open')).click();
    await expectFolder(`/${READ_ONLY}`);
    await upload(INSIDE, 'Chiffres 2026.\n');
    await newFolder(ARCHIVES);
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder('/');
  });

  await run(`alice shares "${READ_ONLY}" with bob read-only`, async () => {
    const dialog = await shareWithBob(READ_ONLY, { edit: false, create: false, delete: false, reshare: false });
    await dialog.locator(tid('share-close')).click();
    await page.locator(`${row(READ_ONLY)}[data-shared="0"] ${tid('file-shared')}`).waitFor();
  });

  let linkUrl;
  await run(`alice shares "${TEAM}" with bob with every right, and makes a link with a password`, async () => {
    const dialog = await shareWithBob(TEAM, { edit: true, create: true, delete: true, reshare: true });
    await dialog.locator(tid('share-link-new')).click();
    await dialog.locator(tid('share-link-label')).fill('Cabinet Durand');
    await dialog.locator(tid('share-link-password')).fill(LINK_PASSWORD);
    await dialog.locator(tid('share-link-create')).click();
    const outcome = await firstOf(page, { ok: `${tid('share-dialog')} ${tid('share-link')}`, error: `${tid('share-dialog')} ${tid('share-link-form-error')}` });
    if (outcome === 'error') throw new Error(`the link was refused: ${await textOf(page, tid('share-link-form-error'))}`);
    const facts = await textOf(page, `${tid('share-link')} ${tid('share-link-facts')}`);
    if (!facts.includes('password')) throw new Error(`the link does not say it has a password: "${facts}"`);
    linkUrl = await dialog.locator(tid('share-link-url')).inputValue();
    if (!new RegExp(`^${BASE.replace(/[.]/g, '\\.')}/s/[A-Za-z0-9]{32}$`).test(linkUrl)) throw new Error(`unexpected link URL ${linkUrl}`);
    await dialog.locator(tid('share-link-copy')).click();
    const said = await textOf(page, tid('share-link-copied'));
    if (said !== 'Link copied.') throw new Error(`copying said "${said}"`);
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    if (clip !== linkUrl) throw new Error(`the clipboard holds "${clip}", not ${linkUrl}`);
    await dialog.locator(tid('share-close')).click();
    await page.locator(`${row(TEAM)}[data-shared="0,3"], ${row(TEAM)}[data-shared="3,0"]`).waitFor();
    log(`  link ${linkUrl}`);
  });

  await run('alice sees both shares under "Shared by me", then signs out', async () => {
    await page.locator(tid('files-shares')).click();
    await page.locator(tid('shares-tab-by-me')).click();
    await page.locator(`${tid('shares-page')}[data-view="by-me"] ${tid('share-row')}[data-share-with="bob"]`).first().waitFor();
    const rows = await page.locator(tid('share-row')).count();
    if (rows !== 3) throw new Error(`"Shared by me" lists ${rows} shares, expected 3 (two with bob, one link)`);
    await signOut();
  });

  await run('bob signs in and finds both folders at his root, marked as alice’s', async () => {
    await signIn(BOB);
    await page.locator(tid('nav-files')).click();
    await expectFolder('/');
    await page.locator(`${row(READ_ONLY)}[data-owner="alice"][data-read-only="true"]`).waitFor();
    await page.locator(`${row(TEAM)}[data-owner="alice"]`).waitFor();
    if ((await page.locator(`${row(TEAM)}[data-read-only]`).count()) !== 0) throw new Error(`"${TEAM}" is marked read-only`);
  });

  await run('bob sees them under "Shared with me" with their rights', async () => {
    await page.locator(tid('files-shares')).click();
    await page.locator(`${tid('shares-page')}[data-view="with-me"]`).waitFor();
    await page.locator(`${tid('share-row')}[data-name=${q(READ_ONLY)}][data-permissions="1"]`).waitFor();
    await page.locator(`${tid('share-row')}[data-name=${q(TEAM)}][data-permissions="31"]`).waitFor();
    const perms = await textOf(page, `${tid('share-row')}[data-name=${q(READ_ONLY)}] ${tid('share-permissions')}`);
    if (perms !== 'Read only') throw new Error(`the read-only share says "${perms}"`);
    await page.locator(tid('shares-back')).click();
    await expectFolder('/');
  });

  await run(`bob cannot rename or delete "${READ_ONLY}", only leave it`, async () => {
    const r = await openMenu(READ_ONLY);
    await r.locator(tid('file-leave')).waitFor();
    for (const action of ['file-rename', 'file-delete', 'file-move', 'file-share']) {
      if (await r.locator(tid(action)).count()) throw new Error(`the read-only share offers ${action}`);
    }
    await page.keyboard.press('Escape');
  });

  await run(`bob cannot upload into "${READ_ONLY}": buttons off, a dropped file refused with a message`, async () => {
    await page.locator(row(READ_ONLY)).locator(tid('file-open')).click();
    await expectFolder(`/${READ_ONLY}`);
    await page.locator(tid('files-read-only-share')).waitFor();
    if (!(await page.locator(tid('files-upload')).isDisabled())) throw new Error('the upload button is enabled in a read-only share');
    if (!(await page.locator(tid('files-new-folder')).isDisabled())) throw new Error('"New folder" is enabled in a read-only share');
    const inside = await openMenu(INSIDE);
    if ((await inside.locator(tid('file-rename')).count()) || (await inside.locator(tid('file-delete')).count())) {
      throw new Error(`${INSIDE} in the read-only share can be renamed or deleted`);
    }
    await page.keyboard.press('Escape');
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['x'], 'intrus.txt', { type: 'text/plain' }));
      return d;
    });
    for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(tid('files-page'), type, { dataTransfer: dt });
    const said = await textOf(page, tid('files-drop-error'));
    if (!said.includes('read-only')) throw new Error(`dropping a file said "${said}"`);
    if (await page.locator(uploadRow('intrus.txt')).count()) throw new Error('the dropped file was queued for upload');
  });

  await run(`bob uploads into "${TEAM}"`, async () => {
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder('/');
    await page.locator(row(TEAM)).locator(tid('file-open')).click();
    await expectFolder(`/${TEAM}`);
    await upload(BOB_FILE, 'Déposé par Bob.\n');
  });

  await run(`bob copies "${INSIDE}" out of "${READ_ONLY}" into his own files with the picker`, async () => {
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder('/');
    await page.locator(row(READ_ONLY)).locator(tid('file-open')).click();
    await expectFolder(`/${READ_ONLY}`);
    const r = await openMenu(INSIDE);
    if (await r.locator(tid('file-move')).count()) throw new Error(`${INSIDE} in the read-only share offers a move`);
    await r.locator(tid('file-copy')).click();
    const picker = page.locator(tid('folder-picker'));
    await picker.waitFor();
    if (!(await picker.locator(tid('picker-submit')).isDisabled())) throw new Error('"Copy here" is on in the read-only share');
    await picker.locator(`${tid('picker-crumb')}[data-path="/"]`).click();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(TEAM)}]`).waitFor();
    await picker.locator(tid('picker-submit')).click();
    await picker.waitFor({ state: 'detached' });
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder('/');
    await page.locator(row(INSIDE)).waitFor();
  });

  await run(`bob moves his copy into "${TEAM}": the picker offers the shares he received, not the read-only one`, async () => {
    const r = await openMenu(INSIDE);
    await r.locator(tid('file-move')).click();
    const picker = page.locator(tid('folder-picker'));
    await picker.waitFor();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(READ_ONLY)}]`).click();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(ARCHIVES)}]`).click();
    await picker.locator(`${tid('picker-crumb')}[data-path=${q(`/${READ_ONLY}/${ARCHIVES}`)}]`).waitFor();
    // The crumb moves at once, the reason once the folder's listing (and its permissions) is in.
    await picker.locator(tid('picker-dest')).filter({ hasText: 'does not let you add' }).waitFor();
    if (!(await picker.locator(tid('picker-submit')).isDisabled())) throw new Error('"Move here" is on in the read-only share');
    await picker.locator(`${tid('picker-crumb')}[data-path="/"]`).click();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(TEAM)}]`).click();
    await picker.locator(`${tid('picker-crumb')}[data-path=${q('/' + TEAM)}]`).waitFor();
    await picker.locator(`${tid('picker-submit')}:not([disabled])`).click();
    await picker.waitFor({ state: 'detached' });
    await page.locator(row(INSIDE)).waitFor({ state: 'detached' });
    await page.locator(row(TEAM)).locator(tid('file-open')).click();
    await expectFolder(`/${TEAM}`);
    await page.locator(row(INSIDE)).waitFor();
  });
}

finish(main, { name: 'share', wholeRun: WHOLE_RUN, log, state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }) });
