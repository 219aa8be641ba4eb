#!/usr/bin/env node
// End-to-end check of the notification bell and the e-mail settings against a running
// Atrium server, in the system's Chromium (no browser download):
//   bob (who received two shares from alice before) signs in → the bell's badge says 2 →
//   the panel shows both with their text and where they lead → "mark read" on one leaves 1 →
//   opening the other goes to "Shared with me" and clears the badge → in his settings he
//   turns off the e-mail for shares received, and after a reload it is still off.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_BOB_PASSWORD=... node e2e/bell-flow.mjs
//
// Needs /usr/bin/chromium and a server where bob (no 2FA, language English, an e-mail
// address, mail on) received alice's shares of "Plans" then "Budget". Exit 0 on success;
// on failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { runFlow, signIn, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const BOB = { login: 'bob', password: process.env.ATRIUM_BOB_PASSWORD ?? '' };
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 90_000;

if (!BASE || !BOB.password) {
  console.error('Set ATRIUM_URL and ATRIUM_BOB_PASSWORD.');
  process.exit(2);
}

/** Waits until the badge shows `count`, or is gone for 0. */
async function expectBadge(page, count) {
  const badge = page.locator(tid('bell-count'));
  if (count === 0) {
    await badge.waitFor({ state: 'detached' });
  } else {
    await page.locator(`${tid('bell')}[aria-label="Notifications, ${count} unread"]`).waitFor();
    const shown = (await badge.textContent())?.trim();
    if (shown !== String(count)) throw new Error(`the badge says ${shown}, expected ${count}`);
  }
}

runFlow({ name: 'bell', wholeRun: WHOLE_RUN, actionTimeout: ACTION_TIMEOUT }, async ({ page, run }) => {
  await run('bob signs in and the bell says 2 unread', async () => {
    await signIn(page, BASE, BOB);
    await expectBadge(page, 2);
  });

  const items = page.locator(`${tid('notifications')} ${tid('notification')}`);
  await run('the panel shows both shares, newest first, with their text and link', async () => {
    await page.locator(tid('bell')).click();
    await items.nth(1).waitFor();
    const texts = [(await items.nth(0).textContent()) ?? '', (await items.nth(1).textContent()) ?? ''];
    if (!texts[0].includes("Alice Martin shared 'Budget' with you")) throw new Error(`first notification: ${texts[0]}`);
    if (!texts[1].includes("Alice Martin shared 'Plans' with you")) throw new Error(`second notification: ${texts[1]}`);
    for (let i = 0; i < 2; i++) {
      const href = await items.nth(i).locator('a').getAttribute('href');
      if (href !== '/files-shared') throw new Error(`notification ${i} leads to ${href}, not /files-shared`);
    }
  });

  await run('marking one read leaves one unread', async () => {
    await items.nth(1).locator(tid('notify-read')).click();
    await expectBadge(page, 1);
    await items.nth(1).locator(tid('notify-read')).waitFor({ state: 'detached' });
  });

  await run('opening the other goes to "Shared with me" and clears the badge', async () => {
    await items.nth(0).locator('a').click();
    await page.waitForURL(`${BASE}/files-shared`);
    await expectBadge(page, 0);
  });

  await run('bob turns off the e-mail for shares received, and it stays off', async () => {
    await page.goto(`${BASE}/settings`, { waitUntil: 'domcontentloaded' });
    const toggle = page.locator(`${tid('notify-kind')}[data-kind="share-received"] ${tid('notify-mail')}`);
    await toggle.waitFor();
    if (!(await toggle.isChecked())) throw new Error('the e-mail for shares received starts off, expected on (the default)');
    if (await toggle.isDisabled()) throw new Error('the e-mail toggle is disabled although mail is on and bob has an address');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/me/notification-settings') && r.request().method() === 'PUT');
    await toggle.click();
    if ((await saved).status() !== 200) throw new Error(`saving the setting answered ${(await saved).status()}`);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await toggle.waitFor();
    if (await toggle.isChecked()) throw new Error('the e-mail for shares received is on again after a reload');
    const other = page.locator(`${tid('notify-kind')}[data-kind="file-drop-upload"] ${tid('notify-mail')}`);
    if (!(await other.isChecked())) throw new Error('turning one kind off changed another');
  });
});
