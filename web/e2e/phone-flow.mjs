#!/usr/bin/env node
// End-to-end check of the Phone app and the phone administration against a running Atrium
// server, in the system's Chromium (no browser download):
//   admin gives bob extension 201 and adds him a phone → the phone's password, settings and
//   QR code are shown once → the live view lists the call in progress the log holds → the call
//   log filtered to bob's received calls shows them, "no answer" narrows it to one, and the CSV
//   download holds the same calls → admin signs out; bob signs in on a 360 px phone screen →
//   the Phone entry carries his 2 missed calls → his Phone page shows the extension, the phone's
//   settings and QR code, and his calls with the missed ones marked and call-back sip: links →
//   the badge is gone once seen → he makes a new password for his phone and sees it once.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/phone-flow.mjs
//
// Needs /usr/bin/chromium and a server where bob (no 2FA, language English) has no extension,
// and whose call log holds, written through the Java API by BrowserTest: alice → 201 "no answer"
// and "cancelled" (bob's 2 missed calls), bob → 202 answered, and one call from alice to 201 still
// ringing. Exit 0 on success; on failure prints what failed, saves a screenshot to
// $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { readFileSync } from 'node:fs';
import { runFlow, signIn, textOf, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN = { login: 'admin', password: process.env.ATRIUM_ADMIN_PASSWORD ?? '' };
const BOB = { login: 'bob', password: process.env.ATRIUM_BOB_PASSWORD ?? '' };
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 120_000;

if (!BASE || !ADMIN.password || !BOB.password) {
  console.error('Set ATRIUM_URL, ATRIUM_ADMIN_PASSWORD and ATRIUM_BOB_PASSWORD.');
  process.exit(2);
}

async function expectCount(page, selector, n, what) {
  await page.waitForFunction(([sel, want]) => document.querySelectorAll(sel).length === want, [selector, n], { timeout: ACTION_TIMEOUT }).catch(async () => {
    throw new Error(`${what}: ${await page.locator(selector).count()} shown, expected ${n}`);
  });
}

runFlow({ name: 'phone', wholeRun: WHOLE_RUN, actionTimeout: ACTION_TIMEOUT }, async ({ page, run }) => {
  await run('admin gives bob extension 201', async () => {
    await signIn(page, BASE, ADMIN);
    await page.goto(`${BASE}/admin/phone`, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('extension-login')).fill('bob');
    await page.locator(tid('extension-number')).fill('201');
    await page.locator(tid('extension-save')).click();
    await page.locator(`${tid('extension-row')}[data-login="bob"]`).waitFor();
  });

  await run('admin adds bob a phone: its password, settings and QR code are shown once', async () => {
    await page.locator(`${tid('extension-row')}[data-login="bob"] ${tid('device-add')}`).click();
    await page.locator(tid('device-label')).fill('Mobile');
    await page.locator(tid('device-create')).click();
    const made = page.locator(tid('device-made'));
    await made.locator(tid('phone-qr')).waitFor();
    const password = await textOf(made, tid('phone-password'));
    if (password.length < 16) throw new Error(`the password shown is ${JSON.stringify(password)}`);
    const username = await textOf(made, tid('phone-username'));
    if (username !== '201-1') throw new Error(`the SIP username shown is ${username}, expected 201-1`);
    await made.locator(tid('device-made-done')).click();
    await page.locator(`${tid('extension-row')}[data-login="bob"] ${tid('extension-device')}`).waitFor();
    if ((await page.content()).includes(password)) throw new Error('the password is still on the page after the dialog closed');
  });

  await run('the live view shows the call still ringing', async () => {
    await expectCount(page, tid('call-active-row'), 1, 'calls in progress');
    await page.locator(tid('registrations-empty')).waitFor();
  });

  await run("the call log filtered to bob's received calls shows them; no answer narrows it to one", async () => {
    await page.locator(tid('admin-tab-calls')).click();
    await page.locator(tid('calls-table')).waitFor();
    await page.locator(tid('calls-login')).fill('bob');
    await page.locator(tid('calls-direction')).selectOption('in');
    await page.locator(tid('calls-apply')).click();
    await expectCount(page, tid('call-row'), 3, "bob's received calls (two missed, one ringing)");
    await page.locator(tid('calls-outcome')).selectOption('no-answer');
    await page.locator(tid('calls-apply')).click();
    await expectCount(page, tid('call-row'), 1, "bob's unanswered calls");
    await page.locator(`${tid('call-row')}[data-outcome="no-answer"]`).waitFor();
  });

  await run('the CSV download holds the same call', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('calls-csv')).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const lines = text.split('\r\n').filter((l) => l !== '');
    if (!lines[0].startsWith('\uFEFFid,started,')) throw new Error(`the CSV starts with ${JSON.stringify(lines[0])}`);
    if (lines.length !== 2 || !lines[1].includes(',no-answer,') || !lines[1].includes(',bob,')) {
      throw new Error(`the CSV holds ${JSON.stringify(lines)}`);
    }
  });

  await run('admin signs out; bob signs in on a phone screen and the Phone entry shows 2 missed calls', async () => {
    await page.locator(tid('user-menu-button')).click();
    await page.locator(tid('sign-out')).click();
    await page.locator(tid('login-username')).waitFor();
    await page.setViewportSize({ width: 360, height: 740 });
    await signIn(page, BASE, BOB);
    await page.locator(`${tid('nav-phone-missed')}:text-is("2")`).waitFor({ state: 'attached' });
  });

  await run('his Phone page shows the extension, the phone settings, the QR code and his calls', async () => {
    await page.locator(tid('nav-toggle')).click();
    await page.locator(tid('nav-phone')).click();
    await page.waitForURL(`${BASE}/phone`);
    if ((await textOf(page, tid('phone-number'))) !== '201') throw new Error('the extension shown is not 201');
    const device = page.locator(`${tid('phone-device')}[data-username="201-1"]`);
    await device.locator(tid('phone-qr')).waitFor();
    if (!(await textOf(device, tid('phone-ports'))).includes('UDP')) throw new Error('the ports are not shown');
    await expectCount(page, tid('phone-call'), 3, 'calls in his history');
    await expectCount(page, `${tid('phone-call')}[data-missed="true"]`, 2, 'missed calls marked');
    const back = await page.locator(`${tid('phone-call')}[data-missed="true"] ${tid('phone-callback')}`).first().getAttribute('href');
    if (!/^sip:202@/.test(back ?? '')) throw new Error(`the call-back link is ${back}`);
  });

  await run('once seen, the missed-call badge is gone', async () => {
    await page.locator(tid('nav-phone-missed')).waitFor({ state: 'detached' });
  });

  await run('bob makes a new password for his phone and sees it once', async () => {
    await page.locator(tid('phone-new-password')).click();
    await page.locator(tid('confirm-ok')).click();
    const password = await textOf(page, tid('phone-password'));
    if (password.length < 16) throw new Error(`the new password shown is ${JSON.stringify(password)}`);
  });
});
