// The demo relying-party page (/demo) end to end in headless Chromium: `tapid serve` on a free
// port (a temporary SQLite database, a test PKI generated for the run, the page acting as the
// generated relying party), the page in Debian's Chromium, the app played by `tapid demo app`.
//
// It reads what a person would see, from screenshots and the page's text: the QR code decoded
// from a screenshot is a `bankid.<token>.<time>.<code>` frame of the page's own clock (±2 s),
// the frames change every second, the app's pickup with the decoded frame succeeds (so the
// service verified its HMAC, whose secret the page never sees), the messages follow the order
// in Swedish and English (the texts `tapid message` gives for the same status), the
// "start the app on this device" button appears after 5 s, and the result shows the holder.
//
// TAPID_BIN names the binary (default: target/debug/tapid); screenshots and the logs of
// `tapid serve` and `tapid demo app` go to artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bin = process.env.TAPID_BIN || join(root, 'target', 'debug', 'tapid');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = join(here, 'artifacts');
const FRAME = /^bankid\.([0-9a-f-]{36})\.(\d+)\.([0-9a-f]{64})$/;

/** A child process whose stdout lines can be awaited one by one; rejects once it has closed. */
function lines(child, what) {
  const queue = [];
  const waiting = [];
  let closed = false;
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(line);
    else queue.push(line);
  });
  rl.on('close', () => {
    closed = true;
    for (const w of waiting.splice(0)) w.reject(new Error(`${what} ended (exit ${child.exitCode})`));
  });
  return () => {
    if (queue.length) return Promise.resolve(queue.shift());
    if (closed) return Promise.reject(new Error(`${what} ended (exit ${child.exitCode})`));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

/** The exit code of `child`, once it has exited. */
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.on('exit', (code) => r(code)));
}

/** The text `tapid message` gives for an order status: what the page must show. */
function message(status, hint, lang) {
  const out = execFileSync(bin, ['message', '--status', status, '--hint', hint, '--qr', '--lang', lang, '--json']);
  return JSON.parse(out.toString());
}

/** Decodes the QR code in a PNG screenshot. */
function decode(png) {
  const img = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
  assert.ok(code, 'a QR code in the screenshot');
  return code.data;
}

/** The QR frame on the page now: decoded from a screenshot, checked against the page's clock. */
async function frame(page, name) {
  const png = await page.locator('#qr').screenshot();
  const pageSecs = await page.evaluate(
    () => (Date.now() - Number(document.getElementById('order').dataset.startedAt)) / 1000,
  );
  writeFileSync(join(artifacts, `${name}.png`), png);
  const payload = decode(png);
  const m = FRAME.exec(payload);
  assert.ok(m, `a frame: ${payload}`);
  const time = Number(m[2]);
  assert.ok(Math.abs(time - pageSecs) <= 2, `frame time ${time} s, page clock ${pageSecs} s`);
  return { payload, token: m[1], time, code: m[3] };
}

test('the /demo page: animated QR, messages in Swedish and English, the launch button, the result', { timeout: 120_000 }, async (t) => {
  mkdirSync(artifacts, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tapid-browser-'));
  const tls = join(dir, 'tls');
  const serve = spawn(
    bin,
    ['serve', '--db', `sqlite:${join(dir, 'db', 'tapid.db')}`, '--listen', '127.0.0.1:0',
      '--tls-dir', tls, '--key-dir', join(dir, 'keys'), '--demo-rp', join(tls, 'rp.crt'), '--json'],
    { stdio: ['ignore', 'pipe', openSync(join(artifacts, 'serve.log'), 'w')] },
  );
  let app = null;
  let browser = null;
  t.after(async () => {
    if (browser) await browser.close();
    if (app && app.exitCode === null) app.kill();
    serve.kill('SIGTERM');
    await exited(serve);
    rmSync(dir, { recursive: true, force: true });
  });
  const listening = JSON.parse(await lines(serve, 'tapid serve')());
  assert.match(listening.demoPage, /^https:\/\/127\.0\.0\.1:\d+\/demo$/);

  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  // The page is served with the run's own test CA: Chromium does not know it.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const answers = [];
  page.on('response', async (r) => {
    if (r.url().includes('/demo/api/')) answers.push(await r.text().catch(() => ''));
  });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));

  await page.goto(listening.demoPage);
  assert.equal(await page.textContent('#title'), 'Logga in');
  assert.equal(await page.textContent('#rp-name'), 'Local relying party');

  // The app gets ready (identity issued, device enrolled) while the page waits for it.
  app = spawn(bin, ['demo', 'app', '--url', listening.listening, '--tls-dir', tls, '--hold'], {
    stdio: ['pipe', 'pipe', openSync(join(artifacts, 'app.log'), 'w')],
  });
  const appLine = lines(app, 'tapid demo app');

  await page.click('#start');
  await page.waitForSelector('#qr[data-time]');
  const sv1 = message('pending', 'outstandingTransaction', 'sv');
  assert.equal(await page.getAttribute('#message', 'data-rfa'), sv1.id);
  assert.equal(await page.textContent('#message'), sv1.text);
  const first = await frame(page, '1-qr-first');
  // Before 5 s, no button (read in one go with the frame it was rendered with).
  const early = await page.evaluate(() => ({
    time: Number(document.getElementById('qr').dataset.time),
    launch: !document.getElementById('launch').hidden,
  }));
  assert.equal(early.launch, early.time >= 5, JSON.stringify(early));
  assert.ok(early.time < 5, 'the first frames come before the button');
  await page.screenshot({ path: join(artifacts, '1-pending-sv.png') });

  // A new frame every second: same token, a later time, another code.
  await page.waitForFunction((t0) => Number(document.getElementById('qr').dataset.time) > t0, first.time);
  const second = await frame(page, '2-qr-next');
  assert.equal(second.token, first.token);
  assert.ok(second.time > first.time);
  assert.notEqual(second.code, first.code);

  // After 5 s, the button for the identity app on this device (RFA18).
  await page.waitForSelector('#launch', { state: 'visible', timeout: 15_000 });
  assert.ok(Number(await page.getAttribute('#qr', 'data-time')) >= 5);
  assert.equal(await page.textContent('#launch'), 'Starta BankID-appen');
  assert.match(await page.getAttribute('#launch', 'href'), /^bankid:\/\/\/\?autostarttoken=[0-9a-f-]{36}&redirect=null$/);

  // English: the same status's message in English, at once.
  await page.click('#lang-en');
  const en1 = message('pending', 'outstandingTransaction', 'en');
  await page.waitForFunction((text) => document.getElementById('message').textContent === text, en1.text);
  assert.equal(await page.textContent('#title'), 'Log in');
  assert.equal(await page.textContent('#launch'), 'Start the BankID app');
  await page.screenshot({ path: join(artifacts, '3-pending-en-launch.png') });

  // The app scans the page's current frame: its pickup succeeding is the service verifying
  // the frame's HMAC (and its time) with the secret only the service and the backend hold.
  assert.deepEqual(JSON.parse(await appLine()), { step: 'enrolled' });
  const scanned = await frame(page, '4-qr-scanned');
  app.stdin.write(`${scanned.payload}\n`);
  const picked = JSON.parse(await appLine());
  assert.equal(picked.step, 'pickedUp');
  assert.equal(picked.relyingParty, 'rp', 'the demo party (the CN of rp.crt)');
  assert.equal(picked.kind, 'auth');

  // The app has the order: the QR goes, the security-code message comes (RFA9), in English,
  // then in Swedish.
  await page.waitForSelector('body[data-hint="userSign"]', { timeout: 10_000 });
  const en9 = message('pending', 'userSign', 'en');
  await page.waitForFunction((text) => document.getElementById('message').textContent === text, en9.text);
  assert.equal(await page.getAttribute('#message', 'data-rfa'), 'RFA9');
  assert.equal(await page.isVisible('#qr-box'), false);
  assert.equal(await page.isVisible('#launch'), false);
  await page.click('#lang-sv');
  const sv9 = message('pending', 'userSign', 'sv');
  await page.waitForFunction((text) => document.getElementById('message').textContent === text, sv9.text);
  await page.screenshot({ path: join(artifacts, '5-usersign-sv.png') });

  // The user approves: the page shows the result and the holder.
  app.stdin.write('\n');
  const approved = JSON.parse(await appLine());
  assert.equal(approved.step, 'approved');
  await page.waitForSelector('body[data-status="complete"]', { timeout: 10_000 });
  assert.equal(await page.textContent('#result-title'), 'Du är inloggad');
  assert.equal(await page.textContent('#holder'), approved.name);
  await page.click('#lang-en');
  assert.equal(await page.textContent('#result-title'), 'You are logged in');
  await page.screenshot({ path: join(artifacts, '6-complete-en.png') });
  assert.equal(await exited(app), 0);

  // A second order, cancelled from the page (RFA6).
  await page.click('#again');
  await page.click('#start');
  await page.waitForSelector('#qr[data-time]');
  await page.click('#cancel');
  await page.waitForSelector('body[data-status="cancelled"]', { timeout: 10_000 });
  assert.equal(await page.getAttribute('#result-message', 'data-rfa'), 'RFA6');
  assert.equal(await page.textContent('#result-message'), 'Action cancelled.');
  await page.screenshot({ path: join(artifacts, '7-cancelled-en.png') });

  // Nothing the page received carries the QR secret (or a field for it).
  assert.ok(answers.length > 10, `${answers.length} answers`);
  for (const a of answers) assert.doesNotMatch(a, /secret/i);
  assert.deepEqual(pageErrors, []);
});
