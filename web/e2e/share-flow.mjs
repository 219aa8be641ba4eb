#!/usr/bin/env node
// End-to-end check of sharing in the Files app against a running Atrium server, in the
// system's Chromium (no browser download):
//   alice signs in → creates "Lecture seule" (with a file and a folder) and "Équipe" → shares the first
//   with bob read-only and the second with every right through the share dialog → makes a
//   public link with a password on "Équipe" and copies its URL → makes a link to "Lecture
//   seule" without a password and edits it: a password and a download limit of 2, which the
//   script then proves over HTTP (the link asks for the password; two downloads, the third
//   410), the dialog showing the downloads used; then edits it again to remove both (the
//   link opens without a password and downloads again) → signs out;
//   bob signs in → sees both at his root with alice's name and under "Shared with me" →
//   "Lecture seule" offers no rename and no delete (leave instead), refuses uploads (button
//   off, a dropped file refused with a message) → he uploads into "Équipe" → copies the file
//   of "Lecture seule" (where a selection offers no move or delete, saying why) into his own files and moves that copy into "Équipe" with the picker,
//   which offers both shares and allows no copy or move into the read-only one.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/share-flow.mjs
//
// Needs /usr/bin/chromium and a fresh server where the users alice and bob exist with
// those passwords, without 2FA. Exit 0 on success; on failure prints what failed, saves a
// screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { request } from 'playwright-core';
import { expectFolder, finish, firstOf, openBrowser, q, row, signIn, steps, textOf, tid, uploadRow } from './harness.mjs';

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
const EDITED_PASSWORD = 'Mot-de-passe-Ajouté-7';
const INSIDE_TEXT = 'Chiffres 2026.\n';

if (!BASE || !ALICE.password || !BOB.password) {
  console.error('Set ATRIUM_URL, ATRIUM_ALICE_PASSWORD and ATRIUM_BOB_PASSWORD.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

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
  const dialog = await openShareDialog(folder);
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

/** Opens the share dialog of a folder at the root. */
async function openShareDialog(folder) {
  const r = await openMenu(folder);
  await r.locator(tid('file-share')).click();
  const dialog = page.locator(tid('share-dialog'));
  await dialog.waitFor();
  return dialog;
}

/** Opens the edit form of the link `token`, lets `fill` change it, saves, and waits for `expect` (a selector suffix). */
async function editLink(token, fill, expect) {
  const link = page.locator(`${tid('share-link')}[data-token="${token}"]`);
  await link.locator(tid('share-link-edit')).click();
  const form = link.locator(tid('share-link-edit-form'));
  await form.waitFor();
  await fill(form);
  await form.locator(tid('share-link-save')).click();
  const outcome = await firstOf(page, { ok: `${tid('share-link')}[data-token="${token}"]${expect}`, error: `${tid('share-link-edit-form')} ${tid('share-link-form-error')}` });
  if (outcome === 'error') throw new Error(`the change was refused: ${await textOf(page, `${tid('share-link-edit-form')} ${tid('share-link-form-error')}`)}`);
  if (await form.count()) throw new Error('the edit form stayed open after saving');
  return textOf(page, `${tid('share-link')}[data-token="${token}"] ${tid('share-link-facts')}`);
}

/** A guest with no cookies, over plain HTTP (the page's API and the download URL). */
async function guest() {
  return request.newContext({ baseURL: BASE, ignoreHTTPSErrors: true });
}

async function expectStatus(res, expected, what) {
  if (res.status() !== expected) throw new Error(`${what} answered ${res.status()}, expected ${expected}: ${(await res.text()).slice(0, 200)}`);
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });

  await run('alice signs in and makes two folders, one with a file', async () => {
    await signIn(page, BASE, ALICE);
    await page.locator(tid('nav-files')).click();
    await expectFolder(page, '/');
    await newFolder(READ_ONLY);
    await newFolder(TEAM);
    await page.locator(row(READ_ONLY)).locator(tid('file-open')).click();
    await expectFolder(page, `/${READ_ONLY}`);
    await upload(INSIDE, INSIDE_TEXT);
    await newFolder(ARCHIVES);
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder(page, '/');
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

  let token;
  await run(`alice makes a link to "${READ_ONLY}" without a password; it opens for anyone`, async () => {
    const dialog = await openShareDialog(READ_ONLY);
    await dialog.locator(tid('share-link-new')).click();
    await dialog.locator(tid('share-link-create')).click();
    await dialog.locator(tid('share-link')).waitFor();
    token = await dialog.locator(tid('share-link')).getAttribute('data-token');
    const api = await guest();
    await expectStatus(await api.get(`/api/v1/public/${token}`), 200, 'the new link');
    await api.dispose();
  });

  await run('alice edits the link: a password, a label and a download limit of 2', async () => {
    const facts = await editLink(
      token,
      async (form) => {
        if (await form.locator(tid('share-link-remove-password')).count()) throw new Error('a link without a password offers to remove it');
        await form.locator(tid('share-link-label')).fill('Comptable');
        await form.locator(tid('share-link-password')).fill(EDITED_PASSWORD);
        await form.locator(tid('share-link-limit')).fill('2');
      },
      '[data-download-limit="2"][data-download-count="0"]',
    );
    for (const part of ['password', 'downloads: 0 of 2']) if (!facts.includes(part)) throw new Error(`the link says "${facts}", not "${part}"`);
    const label = await textOf(page, `${tid('share-link')}[data-token="${token}"] strong`);
    if (label !== 'Comptable') throw new Error(`the link is labelled "${label}"`);
  });

  await run('over HTTP the link now needs the password, and stops after two downloads (410)', async () => {
    const api = await guest();
    const locked = await api.get(`/api/v1/public/${token}`);
    await expectStatus(locked, 401, 'the link without its password');
    if ((await locked.json()).passwordRequired !== true) throw new Error('the link does not say it needs a password');
    await expectStatus(await api.get(`/s/${token}/download?path=${encodeURIComponent(INSIDE)}`), 401, 'a download without the password');
    await expectStatus(await api.post(`/api/v1/public/${token}/auth`, { data: { password: LINK_PASSWORD } }), 401, 'another password');
    await expectStatus(await api.post(`/api/v1/public/${token}/auth`, { data: { password: EDITED_PASSWORD } }), 204, 'the new password');
    for (let i = 1; i <= 2; i++) {
      const got = await api.get(`/s/${token}/download?path=${encodeURIComponent(INSIDE)}`);
      await expectStatus(got, 200, `download ${i}`);
      if ((await got.text()) !== INSIDE_TEXT) throw new Error(`download ${i} is not ${INSIDE}`);
    }
    await expectStatus(await api.get(`/s/${token}/download?path=${encodeURIComponent(INSIDE)}`), 410, 'the third download');
    await api.dispose();
  });

  await run('the dialog shows both downloads used; alice removes the password and the limit', async () => {
    await page.locator(tid('share-close')).click();
    await openShareDialog(READ_ONLY);
    const used = `${tid('share-link')}[data-token="${token}"][data-download-count="2"]`;
    await page.locator(used).waitFor();
    const shown = await textOf(page, `${used} ${tid('share-link-facts')}`);
    if (!shown.includes('downloads: 2 of 2')) throw new Error(`the link says "${shown}"`);
    const facts = await editLink(
      token,
      async (form) => {
        const text = (await form.textContent()) ?? '';
        if (!text.includes('Downloads so far: 2.')) throw new Error(`the form does not say how many downloads were used: "${text}"`);
        await form.locator(tid('share-link-remove-password')).check();
        await form.locator(tid('share-link-limit')).fill('');
      },
      '[data-download-limit=""]',
    );
    if (facts.includes('password') || facts.includes('downloads')) throw new Error(`the link still says "${facts}"`);
  });

  await run('over HTTP the link opens without a password and downloads again', async () => {
    const api = await guest();
    await expectStatus(await api.get(`/api/v1/public/${token}`), 200, 'the link without a password');
    const got = await api.get(`/s/${token}/download?path=${encodeURIComponent(INSIDE)}`);
    await expectStatus(got, 200, 'a download');
    if ((await got.text()) !== INSIDE_TEXT) throw new Error(`the download is not ${INSIDE}`);
    await api.dispose();
    await page.locator(tid('share-close')).click();
  });

  await run('alice sees her four shares under "Shared by me", then signs out', async () => {
    await page.locator(tid('files-shares')).click();
    await page.locator(tid('shares-tab-by-me')).click();
    await page.locator(`${tid('shares-page')}[data-view="by-me"] ${tid('share-row')}[data-share-with="bob"]`).first().waitFor();
    const rows = await page.locator(tid('share-row')).count();
    if (rows !== 4) throw new Error(`"Shared by me" lists ${rows} shares, expected 4 (two with bob, two links)`);
    await signOut();
  });

  await run('bob signs in and finds both folders at his root, marked as alice’s', async () => {
    await signIn(page, BASE, BOB);
    await page.locator(tid('nav-files')).click();
    await expectFolder(page, '/');
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
    await expectFolder(page, '/');
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
    await expectFolder(page, `/${READ_ONLY}`);
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
    await expectFolder(page, '/');
    await page.locator(row(TEAM)).locator(tid('file-open')).click();
    await expectFolder(page, `/${TEAM}`);
    await upload(BOB_FILE, 'Déposé par Bob.\n');
  });

  await run(`bob copies "${INSIDE}" out of "${READ_ONLY}" into his own files with the picker`, async () => {
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder(page, '/');
    await page.locator(row(READ_ONLY)).locator(tid('file-open')).click();
    await expectFolder(page, `/${READ_ONLY}`);
    // Selected, the read-only items offer download and copy; move and delete stay, unavailable, saying why.
    await page.locator(tid('files-select-all')).click();
    const bar = page.locator(tid('selection-bar'));
    await bar.waitFor();
    for (const [action, allowed, reason] of [
      ['selection-download', 'true', null],
      ['selection-copy', 'true', null],
      ['selection-move', 'false', 'may not be moved'],
      ['selection-delete', 'false', 'may not be deleted'],
    ]) {
      const button = bar.locator(tid(action));
      if ((await button.getAttribute('data-allowed')) !== allowed) throw new Error(`${action} in the read-only share: data-allowed is not ${allowed}`);
      const title = (await button.getAttribute('title')) ?? '';
      if (reason && !title.includes(reason)) throw new Error(`${action} gives no reason: ${JSON.stringify(title)}`);
    }
    await bar.locator(tid('selection-delete')).click({ force: true });
    if (await page.locator(tid('confirm-dialog')).count()) throw new Error('the unavailable delete opened its confirmation');
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
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
    await expectFolder(page, '/');
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
    await expectFolder(page, `/${TEAM}`);
    await page.locator(row(INSIDE)).waitFor();
  });
}

finish(main, { name: 'share', wholeRun: WHOLE_RUN, log, state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }) });
