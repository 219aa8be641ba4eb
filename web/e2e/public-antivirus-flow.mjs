#!/usr/bin/env node
// End-to-end check of a refused infected upload on the public link page /s/{token}, as a
// guest with no account, against a running Atrium server whose antivirus.clamd points at a
// clamd that knows the EICAR test file:
//   the guest opens a file-drop link, types a name and drops an EICAR file on the drop zone
//   → the upload row says why it was refused (the scanner's finding, the file's name,
//   nothing stored), not a generic error → switched to French on the page, another EICAR
//   file is refused in French → a clean file picked right after goes up.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_DROP_TOKEN=… ATRIUM_EICAR_FILE=/tmp/eicar.com \
//   ATRIUM_EICAR_SIGNATURE=Atrium-Test-EICAR.UNOFFICIAL node e2e/public-antivirus-flow.mjs
//
// BrowserTest makes the link (owner alice, a file drop on "Dépôt client") and then checks
// that alice has the clean file and neither infected one. The EICAR bytes come from a file
// the caller writes, so that no virus signature sits in the repository.
// Exit 0 on success; on failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT
// (default /tmp) and exits 1.
import { readFileSync } from 'node:fs';
import { expectRefusal, finish, openBrowser, steps, textOf, tid, uploadRow } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const DROP = process.env.ATRIUM_DROP_TOKEN ?? '';
const EICAR_FILE = process.env.ATRIUM_EICAR_FILE ?? '';
const SIGNATURE = process.env.ATRIUM_EICAR_SIGNATURE ?? '';
const NICKNAME = 'Amélie Client';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 90_000;

if (!BASE || !DROP || !EICAR_FILE || !SIGNATURE) {
  console.error('Set ATRIUM_URL, ATRIUM_DROP_TOKEN, ATRIUM_EICAR_FILE and ATRIUM_EICAR_SIGNATURE.');
  process.exit(2);
}
const EICAR = readFileSync(EICAR_FILE);
const INFECTED = 'payslip-march.pdf';
const INFECTED_FR = 'bulletin-avril.pdf';
const CLEAN = { name: 'releve.txt', mimeType: 'text/plain', buffer: Buffer.from('Relevé de mars.\n', 'utf8') };

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

/** Drops a file on the page's drop zone as a browser does: dragenter, dragover, drop with a DataTransfer. */
async function dropFile(name, bytes) {
  const dt = await page.evaluateHandle(
    ([fileName, data]) => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(data)], fileName, { type: 'application/pdf' }));
      return d;
    },
    [name, [...bytes]],
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(tid('public-dropzone'), type, { dataTransfer: dt });
}

/** Waits until the upload row of `name` is done or failed; gives the outcome and the error shown. */
async function outcomeOf(name) {
  const row = page.locator(`${uploadRow(name)}[data-status="done"], ${uploadRow(name)}[data-status="failed"]`);
  await row.waitFor({ timeout: 30_000 });
  const status = await row.getAttribute('data-status');
  return { status, error: status === 'failed' ? await textOf(page, `${uploadRow(name)} ${tid('upload-error')}`) : null };
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  await run('the guest opens the file-drop link and types a name', async () => {
    const res = await page.goto(`${BASE}/s/${DROP}`, { waitUntil: 'domcontentloaded' });
    if (res.status() !== 200) throw new Error(`/s/{token} answered ${res.status()}`);
    await page.locator(`${tid('public-view')}[data-file-drop="true"]`).waitFor();
    await page.locator(tid('public-nickname')).fill(NICKNAME);
  });

  await run(`the guest drops the EICAR test file as "${INFECTED}" and is told why it is refused`, async () => {
    await dropFile(INFECTED, EICAR);
    const { status, error } = await outcomeOf(INFECTED);
    if (status !== 'failed') throw new Error('the infected upload went through');
    expectRefusal(error, [SIGNATURE, INFECTED, 'virus scanner', 'nothing was stored']);
    const alert = page.locator(`${uploadRow(INFECTED)} ${tid('upload-error')}`);
    if (!(await alert.isVisible())) throw new Error('the refusal is not visible');
    log(`  shown: ${error}`);
  });

  await run(`in French (the page's switch), "${INFECTED_FR}" is refused with the reason in French`, async () => {
    await page.locator(tid('login-lang-fr')).click();
    await page.locator(tid('public-dropzone'), { hasText: 'Déposez' }).waitFor();
    await dropFile(INFECTED_FR, EICAR);
    const { status, error } = await outcomeOf(INFECTED_FR);
    if (status !== 'failed') throw new Error('the infected upload went through');
    expectRefusal(error, [SIGNATURE, INFECTED_FR, 'L’antivirus a trouvé', 'rien n’a été enregistré']);
    log(`  shown: ${error}`);
  });

  await run(`a clean file "${CLEAN.name}" picked right after goes up`, async () => {
    await page.locator(tid('public-file-input')).setInputFiles([CLEAN]);
    const { status, error } = await outcomeOf(CLEAN.name);
    if (status !== 'done') throw new Error(`the clean upload failed: ${error}`);
  });
}

finish(main, { name: 'public-antivirus', wholeRun: WHOLE_RUN, log, state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }) });
