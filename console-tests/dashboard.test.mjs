// End-to-end test of the live dashboard (/dashboard): a real Tern server (the built jar) under load, the page in
// headless Chromium. It checks that the page shows what /metrics shows and that the topic explorer follows a topic.
//   cd console-tests && npm ci && npm test        (build the jar first: ./mvnw -B -pl tern-server -DskipTests package)
// Environment: TERN_JAR, CHROMIUM_PATH as console.test.mjs. The screenshot is console-tests/screenshots/dashboard.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const jar = process.env.TERN_JAR || join(here, '..', 'tern-server', 'target', 'tern.jar');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshots = join(here, 'screenshots');
const skip = !existsSync(chromiumPath) && process.env.CI !== 'true'
  ? `${chromiumPath} is missing (apt-get install chromium, or set CHROMIUM_PATH)` : false;

let server;
let baseUrl;
let key;
let context;
let page;
const pageErrors = [];
const streams = new AbortController();
const dataDir = mkdtempSync(join(tmpdir(), 'tern-dashboard-data-'));
const profileDir = mkdtempSync(join(tmpdir(), 'tern-dashboard-profile-'));

function startServer() {
  assert.ok(existsSync(jar), `${jar} is missing: build it with ./mvnw -B -pl tern-server -DskipTests package`);
  server = spawn('java', ['-jar', jar, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--access-log', 'false', '--long-poll-timeout', '300s'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/Tern listening on [^:\s]+:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

/** /metrics as series → value, e.g. 'tern_subscribers_by_transport{transport="sse"}'. */
async function metrics() {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const values = new Map();
  for (const line of text.split('\n')) {
    const match = line.match(/^(tern_[\w]*(?:\{[^}]*\})?)\s+(\S+)/);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

async function publish(topic, text) {
  const response = await fetch(`${baseUrl}/topics/dash/${topic}`, {
    method: 'POST', headers: { Authorization: key, 'Content-Type': 'text/plain' }, body: text,
  });
  assert.equal(response.status, 204);
}

/** A subscriber that keeps its stream open and reads everything until the test ends. */
async function sseSubscriber(topic) {
  const response = await fetch(`${baseUrl}/topics/dash/${topic}`, {
    headers: { Authorization: key, Accept: 'text/event-stream' }, signal: streams.signal,
  });
  assert.equal(response.status, 200);
  const reader = response.body.getReader();
  (async () => { try { while (!(await reader.read()).done) { /* keep reading */ } } catch { /* aborted */ } })();
}

/** Publishes to dash/load every 50 ms until stopped. */
function load() {
  let n = 0;
  let running = true;
  let pending = Promise.resolve();
  const timer = setInterval(() => { if (running) pending = publish('load', `m-${++n}`); }, 50);
  return { async stop() { running = false; clearInterval(timer); await pending; } };
}

/** Waits until check() returns true, polling every 200 ms; fails with what() after `seconds`. */
async function eventually(check, what, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(await what());
}

const shown = (id) => page.locator(`#${id}`).getAttribute('data-value').then(Number);

before(async () => {
  if (skip) return;
  baseUrl = await startServer();
  key = readFileSync(join(dataDir, 'superuser-api-key'), 'utf8').trim();
  const created = await fetch(`${baseUrl}/caches/dash`, { method: 'PUT', headers: { Authorization: key } });
  assert.equal(created.status, 201);
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 1000 },
  });
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
});

after(async () => {
  streams.abort();
  await context?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

test('the dashboard shows what /metrics shows while load runs, and the explorer follows a topic', { skip }, async () => {
  // Load: two SSE subscribers and a publisher on dash/load, a waiting long poll on dash/quiet.
  await sseSubscriber('load');
  await sseSubscriber('load');
  const poll = fetch(`${baseUrl}/topics/dash/quiet?sequence_number=0`, { headers: { Authorization: key }, signal: streams.signal })
    .catch(() => null);
  await eventually(async () => (await metrics()).get('tern_subscribers') === 3, async () => 'three subscribers expected');
  const publisher = load();

  await page.goto(`${baseUrl}/dashboard`);
  // uPlot is served from the jar and drew the charts.
  assert.equal(await page.evaluate(() => typeof uPlot), 'function');
  await page.locator('#chart-throughput canvas').waitFor();

  // While the load runs the page shows publishes and deliveries per second.
  await eventually(async () => (await shown('stat-publish-rate')) > 0, async () => 'no publish rate shown');
  await eventually(async () => (await shown('stat-delivery-rate')) > 0, async () => 'no delivery rate shown');

  // Gauges: the page shows exactly what /metrics shows.
  const now = await metrics();
  assert.equal(await shown('stat-subscribers'), now.get('tern_subscribers'));
  assert.equal(await shown('stat-topics'), now.get('tern_topics'));
  const legend = page.locator('#subscribers-by-transport');
  for (const transport of ['sse', 'long_poll', 'websocket', 'grpc']) {
    assert.equal(Number(await legend.getAttribute(`data-${transport}`)),
      now.get(`tern_subscribers_by_transport{transport="${transport}"}`), transport);
  }
  assert.equal(Number(await legend.getAttribute('data-sse')), 2);

  // Counters: with the publisher paused, the page's totals settle on /metrics' totals.
  await publisher.stop();
  await eventually(async () => {
    const values = await metrics();
    return (await shown('stat-publishes')) === values.get('tern_publishes_total')
      && (await shown('stat-deliveries')) === values.get('tern_deliveries_total');
  }, async () => `page ${await shown('stat-publishes')}/${await shown('stat-deliveries')} vs /metrics `
    + `${(await metrics()).get('tern_publishes_total')}/${(await metrics()).get('tern_deliveries_total')}`);
  assert.ok((await shown('stat-publishes')) > 10);
  // Webhook lag: the server exports it (0 here, no webhooks), so the page shows its card and chart, not the note.
  assert.equal(await page.locator('#no-webhooks').isVisible(), false);
  assert.equal(await shown('stat-webhook-lag'), (await metrics()).get('tern_webhook_lag_messages'));
  await page.locator('#chart-webhook canvas').waitFor();
  const resumed = load();

  // The topic explorer lists the cache's topics, most active first, with their subscribers by transport.
  await page.fill('#token', key);
  await page.fill('#cache', 'dash');
  await page.click('#explore');
  const loadRow = page.locator('#topic-list tr[data-topic="load"]');
  await loadRow.waitFor();
  assert.equal(await page.locator('#topic-list tr').first().getAttribute('data-topic'), 'load');
  assert.equal(await loadRow.locator('td').nth(1).textContent(), '2');
  assert.equal(await loadRow.locator('td').nth(3).textContent(), '2');
  const quietRow = page.locator('#topic-list tr[data-topic="quiet"]');
  await quietRow.waitFor();
  assert.equal(await quietRow.locator('td').nth(2).textContent(), '1');

  // Clicking a topic watches it: its figures, kept up to date, and its messages as they arrive.
  await loadRow.click();
  await page.locator('#topic-title', { hasText: 'Topic dash/load' }).waitFor();
  const lastSequence = page.locator('#topic-details dd[data-field="last-sequence"]');
  await lastSequence.waitFor();
  const first = Number(await lastSequence.textContent());
  await eventually(async () => Number(await lastSequence.textContent()) > first, async () => 'last sequence did not move');
  assert.equal(await page.locator('#topic-details dd[data-field="sse"]').textContent(), '3',
    'two subscribers of the test and the page\'s own stream');
  await page.locator('#tail tr', { hasText: /m-\d+/ }).first().waitFor();

  // A few more seconds of chart, then the screenshot.
  await page.waitForTimeout(4000);
  await resumed.stop();
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'dashboard.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
  streams.abort();
  await poll;
});
