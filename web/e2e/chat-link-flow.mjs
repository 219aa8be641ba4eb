#!/usr/bin/env node
// End-to-end check of a guest link made in the console and used by a guest, each in a browser of
// their own (the guest on a 360 px phone screen), against a running Atrium server:
//   alice opens "Dossier Dupont" (60 notes), makes its guest link with a password in the
//   settings and copies it → the guest opens it, is refused with a wrong password, joins with the
//   right one, sees the newest notes and pages back to the first on scrolling up, each once →
//   the guest reacts 👍 to the last note and alice sees it live → each sees the other typing →
//   the guest replies to a note, alice sees the reply with its quote, reacts ❤️, and the guest
//   sees that live → alice removes the guest in the settings and the guest's page says the
//   access has ended.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... node e2e/chat-link-flow.mjs
//
// Needs a server where alice (no 2FA, English) owns "Dossier Dupont" holding "Note 1" …
// "Note 60" and nothing else, without a link. Exit 0 on success; on failure prints what
// failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { finish, makeGuestLink, openBrowser, openChat, q, signIn, steps, textOf, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ALICE = { login: 'alice', password: process.env.ATRIUM_ALICE_PASSWORD ?? '' };
const LINK_PASSWORD = 'Sésame ouvre-toi 42';
const GUEST = 'Mme Leïla Ben Salah';
const NOTES = 60;
const ACTION_TIMEOUT = 10_000;

if (!BASE || !ALICE.password) {
  console.error('Set ATRIUM_URL and ATRIUM_ALICE_PASSWORD.');
  process.exit(2);
}

const { log, run, current } = steps();
const problems = [];
const browsers = {};

const guestMessage = (text) => `${tid('guest-message')}:has(.guest-text:text-is(${JSON.stringify(text)}))`;
const aliceMessage = (text) => `${tid('chat-message')}:has(${tid('chat-text')}:text-is(${JSON.stringify(text)}))`;

async function main() {
  browsers.alice = await openBrowser(problems, ACTION_TIMEOUT);
  browsers.guest = await openBrowser(problems, ACTION_TIMEOUT);
  const a = browsers.alice.page;
  const g = browsers.guest.page;
  await g.setViewportSize({ width: 360, height: 740 });
  await browsers.alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });

  let url = '';
  await run('alice opens the conversation and makes a guest link with a password, and copies it', async () => {
    await signIn(a, BASE, ALICE);
    await openChat(a, BASE);
    await a.locator(`${tid('chat-conversation')}[data-title="Dossier Dupont"]`).click();
    await a.locator(aliceMessage(`Note ${NOTES}`)).waitFor();
    url = await makeGuestLink(a, BASE, LINK_PASSWORD);
    await a.locator(tid('chat-link-copy')).click();
    const copied = await a.evaluate(() => navigator.clipboard.readText());
    if (copied !== url) throw new Error(`the clipboard holds ${JSON.stringify(copied)}, not the link`);
    if (!(await textOf(a, tid('chat-link-password-state'))).includes('password')) throw new Error('the link is not said to need the password');
    await a.locator(tid('dialog-close')).click();
  });

  await run('the guest is refused a wrong password, then joins with the right one', async () => {
    await g.goto(url, { waitUntil: 'domcontentloaded' });
    await g.locator(tid('guest-name')).fill(GUEST);
    await g.locator(tid('guest-password')).fill('not the password');
    await g.locator(tid('guest-join-submit')).click();
    await g.locator(tid('guest-error')).waitFor();
    await g.locator(tid('guest-password')).fill(LINK_PASSWORD);
    await g.locator(tid('guest-join-submit')).click();
    await g.locator(guestMessage(`Note ${NOTES}`)).waitFor();
    if ((await g.locator(guestMessage('Note 1')).count()) !== 0) throw new Error('the first note is there before scrolling up: no paging to test');
  });

  await run('scrolling up pages back to the first note; every note is there once, in order', async () => {
    const list = g.locator(tid('guest-messages'));
    for (let i = 0; i < 10 && (await g.locator(guestMessage('Note 1')).count()) === 0; i++) {
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await g.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-busy') === 'false', tid('guest-messages'));
    }
    const texts = await g.locator(`${tid('guest-message')} .guest-text`).allTextContents();
    const expected = Array.from({ length: NOTES }, (_, i) => `Note ${i + 1}`);
    if (JSON.stringify(texts) !== JSON.stringify(expected)) throw new Error(`the guest sees ${texts.length} notes: ${JSON.stringify(texts.slice(0, 5))}…`);
  });

  await run('the guest reacts 👍 to the last note and alice sees it live', async () => {
    await g.locator(`${guestMessage(`Note ${NOTES}`)} ${tid('guest-reaction')}[data-emoji="👍"]`).click();
    await g.locator(`${guestMessage(`Note ${NOTES}`)} ${tid('guest-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="true"]`).waitFor();
    await a.locator(`${aliceMessage(`Note ${NOTES}`)} ${tid('chat-reaction')}[data-emoji="👍"][data-count="1"]`).waitFor();
  });

  await run('each sees the other typing', async () => {
    await a.locator(tid('chat-input')).pressSequentially('Un inst', { delay: 30 });
    await g.locator(`${tid('guest-typing')}:has-text("alice")`).waitFor();
    await g.locator(tid('guest-composer')).pressSequentially('Bien', { delay: 30 });
    await a.locator(`${tid('chat-typing')}:has-text(${JSON.stringify(GUEST)})`).waitFor();
    await a.locator(tid('chat-input')).fill('');
  });

  await run('the guest replies to a note; alice sees the reply with its quote and reacts ❤️, live for the guest', async () => {
    await g.locator(`${guestMessage(`Note ${NOTES - 1}`)} ${tid('guest-reply')}`).click();
    await g.locator(tid('guest-replying')).waitFor();
    await g.locator(tid('guest-composer')).fill('Bien reçu, merci');
    await g.locator(tid('guest-composer')).press('Enter');
    await g.locator(`${guestMessage('Bien reçu, merci')} ${tid('guest-quote')}:has-text("Note ${NOTES - 1}")`).waitFor();
    const reply = aliceMessage('Bien reçu, merci');
    await a.locator(`${reply} ${tid('chat-quote')}:has-text("Note ${NOTES - 1}")`).waitFor();
    const author = await textOf(a, `${reply} .chat-author`);
    if (author !== `${GUEST} (guest)`) throw new Error(`alice sees the reply from ${JSON.stringify(author)}`);
    await a.locator(`${reply} ${tid('chat-reaction')}[data-emoji="❤️"]`).click();
    await g.locator(`${guestMessage('Bien reçu, merci')} ${tid('guest-reaction')}[data-emoji="❤️"][data-count="1"][aria-pressed="false"]`).waitFor();
  });

  await run('alice removes the guest in the settings; the guest’s page says the access has ended', async () => {
    await a.locator(tid('chat-settings-open')).click();
    await a.locator(`${tid('chat-link-guest')}[data-name=${q(GUEST)}] ${tid('chat-link-guest-remove')}`).click();
    await a.locator(tid('confirm-ok')).click();
    await a.locator(`${tid('chat-link-guest')}[data-name=${q(GUEST)}]`).waitFor({ state: 'detached' });
    await g.locator(tid('guest-ended')).waitFor();
  });
}

finish(main, {
  name: 'chat-link',
  wholeRun: 150_000,
  log,
  state: () => ({
    step: current(),
    page: browsers.guest?.page ?? browsers.alice?.page,
    context: browsers.alice?.context,
    userDataDir: browsers.alice?.userDataDir,
    others: browsers.guest ? [browsers.guest] : [],
    problems,
  }),
});
