// A browser follows 12 topics over ONE EventSource (GET /caches/{cache}/events), receives every message of each in
// order, and after its connection is cut resumes every topic from its Last-Event-ID with no loss and no repeat.
//   cd console-tests && npm ci && node --test multi-topic.test.mjs     (build the jar first)
// The page talks to Tern through a small TCP relay in this test, so the test can cut the connection and hold the
// reconnect back while messages are published.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { skip, startTern, launchBrowser } from './harness.mjs';

const TOPICS = Array.from({ length: 12 }, (_, i) => `topic-${i}`);

let tern;
let ternUrl;
let relay;
let relayUrl;
let superUserKey;
let browser;
let page;
const sockets = new Set();
let relayOpen = true;

/** A TCP relay to Tern that the test can cut (all connections) and close to new connections. */
function startRelay(ternPort) {
  relay = createServer((client) => {
    if (!relayOpen) {
      client.destroy();
      return;
    }
    const upstream = connect(ternPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => relay.listen(0, '127.0.0.1', () => resolve(relay.address().port)));
}

async function call(method, path, body, contentType = 'text/plain') {
  const response = await fetch(`${ternUrl}${path}`, {
    method, headers: { Authorization: superUserKey, 'Content-Type': contentType }, body,
  });
  return response;
}

/** Publishes `count` messages to every topic, interleaved across topics; each topic's texts count up from `from`. */
async function publishRound(from, count) {
  for (let n = from; n < from + count; n++) {
    for (const topic of TOPICS) {
      const response = await call('POST', `/topics/multi/${topic}`, `${topic}#${n}`);
      assert.equal(response.status, 204);
    }
  }
}

async function receivedCount() {
  return page.evaluate(() => window.received.length);
}

async function waitFor(condition, what, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every topic's texts as received, in arrival order. */
async function byTopic() {
  const received = await page.evaluate(() => window.received);
  const topics = {};
  for (const { topic, text } of received) {
    (topics[topic] ||= []).push(text);
  }
  return topics;
}

before(async () => {
  if (skip) {
    return;
  }
  tern = await startTern('--sse-retry', '200ms');
  ({ url: ternUrl, key: superUserKey } = tern);
  relayUrl = `http://127.0.0.1:${await startRelay(tern.port)}`;
  assert.equal((await call('PUT', '/caches/multi', '{}', 'application/json')).status, 201);
  browser = await launchBrowser();
  ({ page } = browser);
});

after(async () => {
  await browser?.close();
  for (const socket of sockets) {
    socket.destroy();
  }
  relay?.close();
  await tern?.stop();
});

test('one EventSource follows 12 topics in order and resumes them all after its connection is cut', { skip }, async () => {
  await page.goto(`${relayUrl}/livez`);
  const query = TOPICS.map((topic) => `topic=${topic}`).join('&');
  await page.evaluate(({ path }) => {
    window.received = [];
    window.others = [];
    window.opens = 0;
    const events = new EventSource(path);
    events.onopen = () => { window.opens++; };
    events.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.item) {
        window.received.push({ topic: frame.topic, text: frame.item.value.text, id: e.lastEventId });
      } else {
        window.others.push(frame);
      }
    };
    window.events = events;
  }, { path: `/caches/multi/events?${query}&token=${encodeURIComponent(superUserKey)}` });
  await waitFor(async () => (await page.evaluate(() => window.opens)) === 1, 'the stream to open');
  // The stream is live once the server counts its 12 subscriptions.
  await waitFor(async () => {
    const metrics = await (await fetch(`${ternUrl}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('tern_subscribers '));
    return line && Number(line.split(' ').pop()) >= TOPICS.length;
  }, 'the server to count 12 subscriptions');

  await publishRound(1, 10);
  await waitFor(async () => (await receivedCount()) === 120, '120 messages');
  for (const topic of TOPICS) {
    assert.deepEqual((await byTopic())[topic], Array.from({ length: 10 }, (_, i) => `${topic}#${i + 1}`));
  }

  // Cut the connection and keep the relay closed while more messages are published; then let it reconnect.
  relayOpen = false;
  for (const socket of sockets) {
    socket.destroy();
  }
  await publishRound(11, 5);
  relayOpen = true;
  await waitFor(async () => (await page.evaluate(() => window.opens)) >= 2, 'the EventSource to reconnect');
  await waitFor(async () => (await receivedCount()) >= 180, '180 messages');
  await publishRound(16, 1);
  await waitFor(async () => (await receivedCount()) >= 192, '192 messages');

  const topics = await byTopic();
  for (const topic of TOPICS) {
    assert.deepEqual(topics[topic], Array.from({ length: 16 }, (_, i) => `${topic}#${i + 1}`),
      `${topic}: every message once, in order`);
  }
  assert.equal(await receivedCount(), 192);
  assert.deepEqual(await page.evaluate(() => window.others), [], 'no discontinuity, error or end');
});

test('the console watches several topics and a prefix on one stream', { skip }, async () => {
  await page.goto(`${ternUrl}/`);
  await page.fill('#token', superUserKey);
  await page.click('#connect');
  await page.locator('#connection-status', { hasText: 'super-user key' }).waitFor();
  await page.fill('#watch-cache', 'multi');
  await page.fill('#watch-topic', 'topic-0, room-*');
  await page.click('#watch');
  await page.locator('#watch-status', { hasText: 'Watching multi: topic-0, room-* with one Server-Sent Events stream' })
    .waitFor();
  // The stream opens (onopen) only after every topic was subscribed, so it is live now.
  assert.equal((await call('POST', '/topics/multi/topic-0', 'from a named topic')).status, 204);
  assert.equal((await call('POST', '/topics/multi/room-42', 'from a new room')).status, 204);
  await page.locator('#events tr', { hasText: '[topic-0] from a named topic' }).first().waitFor();
  await page.locator('#events tr', { hasText: '[room-42] from a new room' }).first().waitFor();
});
