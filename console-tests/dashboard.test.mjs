// End-to-end test of the live dashboard (/dashboard): a real Tern server (the built jar) under load, the page in
// headless Chromium. It checks that the page shows what /metrics shows and that the topic explorer follows a topic,
// and, on two nodes sharing a real redis-server, that the explorer shows both nodes' figures summed.
//   cd console-tests && npm ci && npm test        (build the jar first: ./mvnw -B -pl tern-server -DskipTests package)
// Environment: see harness.mjs. Screenshots: console-tests/screenshots/dashboard.png and dashboard-redis.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { skip, skipRedis, screenshots, startTern, startRedis, launchBrowser, eventually } from './harness.mjs';

let tern;
let baseUrl;
let key;
let browser;
let page;
let pageErrors;
const streams = new AbortController();

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

const shown = (id) => page.locator(`#${id}`).getAttribute('data-value').then(Number);

before(async () => {
  if (skip) return;
  tern = await startTern('--long-poll-timeout', '300s');
  ({ url: baseUrl, key } = tern);
  const created = await fetch(`${baseUrl}/caches/dash`, { method: 'PUT', headers: { Authorization: key } });
  assert.equal(created.status, 201);
  browser = await launchBrowser({ width: 1280, height: 1000 });
  ({ page, pageErrors } = browser);
});

after(async () => {
  streams.abort();
  await browser?.close();
  await tern?.stop();
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
  await eventually(async () => (await loadRow.count()) > 0,
    async () => `no row for dash/load; the explorer says: ${await page.locator('#topics-status').textContent()}`, 60);
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
  const sseField = page.locator('#topic-details dd[data-field="sse"]');
  await eventually(async () => (await sseField.textContent()) === '3',
    async () => `${await sseField.textContent()} SSE subscribers shown, not the test's two and the page's own stream`);
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

test('on Redis the topic explorer shows the figures of every node summed', { skip: skipRedis }, async () => {
  const redis = await startRedis();
  const nodes = [];
  const subscribers = new AbortController();
  try {
    for (let i = 0; i < 2; i++) nodes.push(await startTern('--engine', 'redis', '--redis-url', redis.url));
    const [a, b] = nodes;
    const call = (node, method, path, body) => fetch(`${node.url}${path}`, {
      method, headers: { Authorization: a.key, 'Content-Type': 'text/plain' }, body,
    });
    assert.equal((await call(a, 'PUT', '/caches/fleet')).status, 201);
    // One SSE subscriber on each node (the super-user key of one node works on every node sharing the Redis).
    for (const node of nodes) {
      const response = await fetch(`${node.url}/topics/fleet/shared`, {
        headers: { Authorization: a.key, Accept: 'text/event-stream' }, signal: subscribers.signal,
      });
      assert.equal(response.status, 200);
      const reader = response.body.getReader();
      (async () => { try { while (!(await reader.read()).done) { /* keep reading */ } } catch { /* aborted */ } })();
    }
    for (const node of [a, b, b]) {
      assert.equal((await call(node, 'POST', '/topics/fleet/shared', 'hello')).status, 204);
    }

    await page.goto(`${a.url}/dashboard`);
    await page.fill('#token', a.key);
    await page.fill('#cache', 'fleet');
    await page.click('#explore');
    const row = page.locator('#topic-list tr[data-topic="shared"]');
    await row.waitFor();
    const cell = async (n) => row.locator('td').nth(n).textContent();
    // Subscribers (total, SSE) of both nodes, the last sequence number as Redis holds it, three publishes a minute.
    await eventually(async () => (await cell(1)) === '2' && (await cell(3)) === '2',
      async () => `the explorer shows ${await cell(1)} subscribers (${await cell(3)} SSE), not 2 from two nodes`);
    await page.locator('#topics-status', { hasText: 'summed over 2 nodes' }).waitFor();
    assert.equal(await cell(7), '3');
    assert.equal(await cell(8), '3 msgs, 15 B');
    // Each node writes its share once a second, so b's subscriber may be summed before its two publishes are.
    await eventually(async () => (await cell(9)) === '0.05',
      async () => `the explorer shows ${await cell(9)} publishes/s, not 3 a minute from two nodes`);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'dashboard-redis.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    subscribers.abort();
    for (const node of nodes) await node.stop();
    await redis.stop();
  }
});
