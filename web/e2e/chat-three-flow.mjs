#!/usr/bin/env node
// End-to-end check of issue 5's "done when": two people and a guest, each in a browser of their
// own, exchange messages, reactions and a file, with unread badges and the bell right, against a
// running Atrium server, in the system's Chromium (no browser download):
//   alice makes the group "Cabinet Dupont" with bob and, in its settings, its guest link with a
//   password → bob opens the group, which arrived in his list live → the guest opens the link,
//   gives a name holding HTML and the password → alice writes, bob answers with HTML, the guest
//   answers with HTML: each message reaches the two others live, shown as text, with no element
//   made and no dialog opened → bob reacts 👍 to the guest's message, the guest reacts ❤️ to
//   alice's, everyone sees the counts live → alice drops an image onto the conversation: bob and
//   the guest see its thumbnail and download it, byte for byte what she dropped → bob goes to
//   Files; alice and the guest write, his Chat entry counts 2; alice mentions @bob, it counts 3
//   and his bell has the mention → in Chat the group's row says 3 unread, 1 mention; he opens it,
//   the badges clear and so does the bell. No page is reloaded during the run.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/chat-three-flow.mjs
//
// Needs /usr/bin/chromium and a server with alice and bob (no 2FA, language English) who have no
// conversation yet. Exit 0 on success; on failure prints what failed, saves a screenshot to
// $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { aliceAndBob, finishTwo, forbidDialogs, makeGuestLink, openBrowser, openChat, q, signIn, steps, textOf, tid } from './harness.mjs';

const { base: BASE, alice: ALICE, bob: BOB } = aliceAndBob();
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 180_000;
const GROUP = 'Cabinet Dupont';
const LINK_PASSWORD = 'Dossier-2026 !';
const GUEST = 'Mme <i>Dupont</i>';
const IMAGE = 'plan du bureau.png';
const TEXT = {
  alice: 'Bonjour à tous, bienvenue.',
  bob: '<img src=x onerror=alert(1)> Bonjour',
  guest: 'Merci <b>beaucoup</b> !',
  aliceLater: 'Le dossier est complet.',
  guestLater: 'Parfait, merci.',
  mention: '@bob peux-tu vérifier ?',
};

const { log, run, current } = steps();
const problems = [];
const browsers = {};

/** A message on a member's page, by its text. */
const memberMessage = (text) => `${tid('chat-message')}:has(${tid('chat-text')}:text-is(${JSON.stringify(text)}))`;
/** A message on the guest's page, by its text. */
const guestMessage = (text) => `${tid('guest-message')}:has(.guest-text:text-is(${JSON.stringify(text)}))`;
/** alice's mention of bob on a member's page (the mention is an element of its own in the text). */
const mentionMessage = `${tid('chat-message')}:has(${tid('chat-mention')}:text-is("@bob")):has(${tid('chat-text')}:has-text(${JSON.stringify(TEXT.mention.slice('@bob '.length))}))`;
const attachment = `${tid('chat-attachment')}[data-name=${q(IMAGE)}]`;
const groupRow = `${tid('chat-conversation')}[data-title=${q(GROUP)}]`;

/** Marks the page; the mark still there at the end means it was never reloaded. */
const markPage = (page) => page.evaluate(() => (window.__threeFlowNoReload = true));

/** The message holding `text` made no element of it: no <img>, <b> or <i> in it. */
async function expectNoMarkup(page, selector, who) {
  const made = await page.locator(`${selector} :is(img, b, i)`).count();
  if (made > 0) throw new Error(`${who}'s page made ${made} element(s) out of a message or a name`);
}

/** Sends from the member composer with Enter. */
async function memberSends(page, text) {
  await page.locator(tid('chat-input')).fill(text);
  await page.locator(tid('chat-input')).press('Enter');
  await expectOwn(page, text);
}

/** The member's own message (`selector`, or the one holding `text`) shows; else says what the last one shows. */
async function expectOwn(page, text, selector = memberMessage(text)) {
  await page.locator(`${selector}[data-own="true"]`).waitFor().catch(async (e) => {
    const last = await page.locator(`${tid('chat-message')}[data-own="true"] ${tid('chat-text')}`).last().textContent().catch(() => null);
    throw new Error(`${e.message}\n(the last own message shows ${JSON.stringify(last)}; the composer holds ${JSON.stringify(await page.locator(tid('chat-input')).inputValue())})`);
  });
}

/** Sends from the guest composer with Enter. */
async function guestSends(page, text) {
  await page.locator(tid('guest-composer')).fill(text);
  await page.locator(tid('guest-composer')).press('Enter');
  await page.locator(guestMessage(text)).waitFor();
}

/** Opens bob's bell (which reads the notifications again) and checks its count; closes it. */
async function bellSays(page, count) {
  const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/notifications' && r.request().method() === 'GET');
  await page.locator(tid('bell')).click();
  if ((await loaded).status() !== 200) throw new Error(`the bell's list answered ${(await loaded).status()}`);
  const label = count === 0 ? 'Notifications' : `Notifications, ${count} unread`;
  await page.locator(`${tid('bell')}[aria-label=${q(label)}]`).waitFor();
  if (count === 0) await page.locator(tid('bell-count')).waitFor({ state: 'detached' });
  else if ((await textOf(page, tid('bell-count'))) !== String(count)) throw new Error(`the bell's badge says ${await textOf(page, tid('bell-count'))}`);
}

/** Waits until the image is loaded and drawn: a real picture came from the server. */
async function expectPicture(page, selector) {
  await page.locator(selector).waitFor();
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0;
  }, selector);
}

/** Clicks the link and returns the SHA-256 of what the browser downloaded. */
async function downloaded(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.locator(selector).click()]);
  return createHash('sha256').update(readFileSync(await download.path())).digest('hex');
}

async function main() {
  browsers.alice = await openBrowser(problems, ACTION_TIMEOUT);
  browsers.bob = await openBrowser(problems, ACTION_TIMEOUT);
  browsers.guest = await openBrowser(problems, ACTION_TIMEOUT);
  const a = browsers.alice.page;
  const b = browsers.bob.page;
  const g = browsers.guest.page;
  forbidDialogs(a, 'alice', problems);
  forbidDialogs(b, 'bob', problems);
  forbidDialogs(g, 'the guest', problems);

  await run('alice and bob sign in and open Chat', async () => {
    await signIn(a, BASE, ALICE);
    await signIn(b, BASE, BOB);
    await openChat(a, BASE);
    await openChat(b, BASE);
    await b.locator(tid('chat-empty')).waitFor();
    await markPage(a);
    await markPage(b);
  });

  await run(`alice makes the group "${GROUP}" with bob; it reaches bob's list live and he opens it`, async () => {
    await a.locator(tid('chat-new')).click();
    await a.locator(tid('chat-new-group')).click();
    await a.locator(tid('chat-new-name')).fill(GROUP);
    await a.locator(tid('chat-new-search')).fill('bob');
    await a.locator(`${tid('chat-new-hit')}[data-login="bob"]`).click();
    await a.locator(`${tid('chat-new-member')}[data-login="bob"]`).waitFor();
    await a.locator(tid('chat-new-create')).click();
    await a.locator(`${tid('chat-title')}:text-is(${JSON.stringify(GROUP)})`).waitFor();
    await b.locator(groupRow).click();
    await b.locator(`${tid('chat-title')}:text-is(${JSON.stringify(GROUP)})`).waitFor();
    await b.locator(tid('chat-input')).waitFor();
  });

  let url = '';
  await run('alice makes the group public with a password in its settings', async () => {
    url = await makeGuestLink(a, BASE, LINK_PASSWORD);
    await a.locator(tid('dialog-close')).click();
  });

  await run('the guest opens the link and joins with a name holding HTML and the password', async () => {
    await g.goto(url, { waitUntil: 'domcontentloaded' });
    await g.locator(tid('guest-name')).fill(GUEST);
    await g.locator(tid('guest-password')).fill(LINK_PASSWORD);
    await g.locator(tid('guest-join-submit')).click();
    await g.locator(tid('guest-conversation')).waitFor();
    await g.locator(`${tid('guest-messages')}[aria-busy="false"]`).waitFor();
    await markPage(g);
    // The guest is listed in the settings as soon as it is in; alice's page learns it live.
    await a.locator(tid('chat-settings-open')).click();
    await a.locator(`${tid('chat-link-guest')}[data-name=${q(GUEST)}]`).waitFor();
    await a.locator(tid('dialog-close')).click();
  });

  await run('alice writes; bob and the guest get it live', async () => {
    await memberSends(a, TEXT.alice);
    await b.locator(`${memberMessage(TEXT.alice)}[data-author="alice"]`).waitFor();
    await g.locator(guestMessage(TEXT.alice)).waitFor();
    const author = await textOf(g, `${guestMessage(TEXT.alice)} .guest-author`);
    if (author !== 'alice') throw new Error(`the guest sees alice's message from ${JSON.stringify(author)}`);
  });

  await run('bob answers with HTML: alice and the guest get it live, as text', async () => {
    await memberSends(b, TEXT.bob);
    await a.locator(`${memberMessage(TEXT.bob)}[data-author="bob"]`).waitFor();
    await g.locator(guestMessage(TEXT.bob)).waitFor();
    await expectNoMarkup(a, tid('chat-messages'), 'alice');
    await expectNoMarkup(g, tid('guest-messages'), 'the guest');
  });

  await run('the guest answers with HTML: alice and bob get it live, as text, from the guest named as typed', async () => {
    await guestSends(g, TEXT.guest);
    for (const [who, page] of [['alice', a], ['bob', b]]) {
      const m = `${memberMessage(TEXT.guest)}[data-own="false"]`;
      await page.locator(m).waitFor();
      const author = await textOf(page, `${m} .chat-author`);
      if (author !== `${GUEST} (guest)`) throw new Error(`${who} sees the guest's message from ${JSON.stringify(author)}`);
      await expectNoMarkup(page, tid('chat-messages'), who);
    }
    await expectNoMarkup(g, tid('guest-messages'), 'the guest');
    // Time enough for an onerror to have fired in any of the three browsers.
    await g.waitForTimeout(500);
    const dialogs = problems.filter((p) => p.includes('dialog'));
    if (dialogs.length) throw new Error(dialogs.join('; '));
  });

  await run("bob reacts 👍 to the guest's message; the guest and alice see the count live", async () => {
    await b.locator(`${memberMessage(TEXT.guest)} ${tid('chat-reaction')}[data-emoji="👍"]`).click();
    await b.locator(`${memberMessage(TEXT.guest)} ${tid('chat-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="true"]`).waitFor();
    await g.locator(`${guestMessage(TEXT.guest)} ${tid('guest-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="false"]`).waitFor();
    await a.locator(`${memberMessage(TEXT.guest)} ${tid('chat-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="false"]`).waitFor();
  });

  await run("the guest reacts ❤️ to alice's message; alice and bob see the count live", async () => {
    await g.locator(`${guestMessage(TEXT.alice)} ${tid('guest-reaction')}[data-emoji="❤️"]`).click();
    await g.locator(`${guestMessage(TEXT.alice)} ${tid('guest-reaction')}[data-emoji="❤️"][data-count="1"][aria-pressed="true"]`).waitFor();
    for (const page of [a, b]) {
      await page.locator(`${memberMessage(TEXT.alice)} ${tid('chat-reaction')}[data-emoji="❤️"][data-count="1"][aria-pressed="false"]`).waitFor();
    }
  });

  let sent = '';
  await run('alice drops an image onto the conversation', async () => {
    // A picture drawn in alice's page; its bytes are kept to compare with the downloads.
    const dt = await a.evaluateHandle(async (name) => {
      const canvas = document.createElement('canvas');
      canvas.width = 240;
      canvas.height = 160;
      const c = canvas.getContext('2d');
      c.fillStyle = '#2e86de';
      c.fillRect(0, 0, 240, 160);
      c.fillStyle = '#f6b93b';
      c.fillRect(30, 30, 90, 60);
      const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
      window.__threeFlowImage = Array.from(new Uint8Array(await png.arrayBuffer()));
      const d = new DataTransfer();
      d.items.add(new File([png], name, { type: 'image/png' }));
      return d;
    }, IMAGE);
    sent = createHash('sha256').update(Buffer.from(await a.evaluate(() => window.__threeFlowImage))).digest('hex');
    for (const type of ['dragenter', 'dragover']) await a.dispatchEvent(tid('chat-conversation-view'), type, { dataTransfer: dt });
    await a.locator(tid('chat-drop-hint')).waitFor();
    await a.dispatchEvent(tid('chat-conversation-view'), 'drop', { dataTransfer: dt });
    await expectPicture(a, `${attachment} ${tid('chat-attachment-preview')}`);
    await a.locator(tid('chat-upload')).waitFor({ state: 'detached' });
  });

  await run('bob and the guest see its thumbnail live and download it, byte for byte what alice dropped', async () => {
    for (const [who, page] of [['bob', b], ['the guest', g]]) {
      await expectPicture(page, `${attachment} ${tid('chat-attachment-preview')}`);
      const got = await downloaded(page, attachment);
      if (got !== sent) throw new Error(`${who}'s download differs: sha256 ${got}, expected ${sent}`);
    }
  });

  await run('bob goes to Files; alice and the guest write, and his Chat entry counts both', async () => {
    await b.locator(tid('nav-files')).click();
    await b.locator(tid('files-page')).waitFor();
    await b.locator(tid('nav-chat-unread')).waitFor({ state: 'detached' });
    await memberSends(a, TEXT.aliceLater);
    await guestSends(g, TEXT.guestLater);
    await a.locator(memberMessage(TEXT.guestLater)).waitFor();
    await b.locator(`${tid('nav-chat-unread')}:text-is("2")`).waitFor();
  });

  await run("alice mentions @bob: his Chat entry counts 3 and his bell has alice's mention", async () => {
    // Through the completion, as a person types it.
    const input = a.locator(tid('chat-input'));
    await input.pressSequentially('@bo');
    await a.locator(`${tid('chat-mention-option')}[data-login="bob"][aria-selected="true"]`).waitFor();
    await input.press('Enter');
    await input.pressSequentially(TEXT.mention.slice('@bob '.length));
    if ((await input.inputValue()) !== TEXT.mention) throw new Error(`the composer holds ${JSON.stringify(await input.inputValue())}`);
    await input.press('Enter');
    await expectOwn(a, TEXT.mention, mentionMessage);
    await g.locator(guestMessage(TEXT.mention)).waitFor();
    await b.locator(`${tid('nav-chat-unread')}:text-is("3")`).waitFor();
    await bellSays(b, 1);
    const item = b.locator(`${tid('notifications')} ${tid('notification')}`).first();
    const text = (await item.textContent()) ?? '';
    if (!text.includes(`mentioned you in '${GROUP}'`)) throw new Error(`bob's notification says ${JSON.stringify(text)}`);
    await b.keyboard.press('Escape');
  });

  await run('in Chat the group says 3 unread and 1 mention; bob opens it and the badges and the bell clear', async () => {
    await b.locator(tid('nav-chat')).click();
    await b.locator(`${tid('chat-page')}[data-connection="live"]`).waitFor();
    await b.locator(`${groupRow} ${tid('chat-unread')}:text-is("3")`).waitFor();
    await b.locator(`${groupRow} ${tid('chat-mentions')}:text-is("@1")`).waitFor();
    const read = b.waitForResponse((r) => /\/api\/v1\/chat\/conversations\/\d+\/read$/.test(new URL(r.url()).pathname));
    await b.locator(groupRow).click();
    await b.locator(`${mentionMessage} ${tid('chat-mention')}[data-own="true"]`).waitFor();
    await b.locator(memberMessage(TEXT.guestLater)).waitFor();
    if (!(await read).ok()) throw new Error(`bob's read marker was refused: ${(await read).status()}`);
    await b.locator(`${groupRow} ${tid('chat-unread')}`).waitFor({ state: 'detached' });
    await b.locator(`${groupRow} ${tid('chat-mentions')}`).waitFor({ state: 'detached' });
    await b.locator(tid('nav-chat-unread')).waitFor({ state: 'detached' });
    await bellSays(b, 0);
    await b.keyboard.press('Escape');
  });

  await run('nobody reloaded, and nothing ran out of a message or a name', async () => {
    for (const [who, page] of [['alice', a], ['bob', b], ['the guest', g]]) {
      if (!(await page.evaluate(() => window.__threeFlowNoReload === true))) throw new Error(`${who}'s page was reloaded during the flow`);
    }
    // 4xx answers are expected on the way (no link yet: 404; the guest page before joining: 401).
    const failures = problems.filter((p) => !p.startsWith('console: Failed to load resource: the server responded with a status of 4'));
    if (failures.length) throw new Error(`the browsers reported: ${failures.join('; ')}`);
  });
}

finishTwo(main, { name: 'chat-three', wholeRun: WHOLE_RUN, log, current, browsers, problems });
