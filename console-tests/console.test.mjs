// End-to-end test of the console page: a real Tern server (the built jar) and the page in headless Chromium.
//   cd console-tests && npm ci && npm test        (build the jar first: ./mvnw -B -pl tern-server -DskipTests package)
// Environment: see harness.mjs.
// The screenshot is written to console-tests/screenshots/console.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { skip, screenshots, startTern, launchBrowser } from './harness.mjs';

let tern;
let browser;
let baseUrl;
let superUserKey;
let page;
let pageErrors;

async function publishFromOutside(cache, topic, text) {
  const response = await fetch(`${baseUrl}/topics/${cache}/${topic}`, {
    method: 'POST', headers: { Authorization: superUserKey, 'Content-Type': 'text/plain' }, body: text,
  });
  assert.equal(response.status, 204);
}

/** The first row of the event log with this kind whose text contains `text`. */
function eventRow(kind, text) {
  return page.locator(`#events tr[data-kind="${kind}"]`, { hasText: text }).first();
}

before(async () => {
  if (skip) {
    return;
  }
  tern = await startTern('--history-messages', '3');
  ({ url: baseUrl, key: superUserKey } = tern);
  browser = await launchBrowser({ width: 1280, height: 1100 });
  ({ page, pageErrors } = browser);
  page.on('dialog', (dialog) => dialog.accept());
});

after(async () => {
  await browser?.close();
  await tern?.stop();
});

test('the console creates a cache, publishes and shows messages live over SSE and WebSocket', { skip }, async () => {
  await page.goto(`${baseUrl}/`);
  await page.fill('#token', superUserKey);
  await page.click('#connect');
  await page.locator('#connection-status', { hasText: 'super-user key' }).waitFor();

  // Create a cache (super user); it appears in the list and fills the publish and watch forms.
  await page.fill('#cache-name', 'console-demo');
  await page.click('#create-cache');
  await page.locator('#cache-list tr', { hasText: 'console-demo' }).waitFor();
  assert.equal(await page.inputValue('#watch-cache'), 'console-demo');

  // Mint a scoped token.
  await page.fill('#mint-cache', 'console-demo');
  await page.selectOption('#mint-topic-kind', 'all');
  await page.fill('#mint-token-id', 'console-user');
  await page.click('#mint');
  await page.locator('#minted-token').waitFor({ state: 'visible' });
  assert.ok((await page.inputValue('#minted-token')).length > 40);

  // Go on with the minted token: what it publishes carries its token id as the publisher.
  await page.click('#use-minted');
  await page.locator('#connection-status', { hasText: 'with a topic token' }).waitFor();

  // Watch with Server-Sent Events, publish from the page and from outside: both appear live, in order.
  await page.selectOption('#watch-transport', 'sse');
  await page.click('#watch');
  await page.locator('#watch-status', { hasText: 'Watching console-demo/demo with Server-Sent Events' }).waitFor();
  await page.fill('#publish-text', 'hello from the console');
  await page.click('#publish');
  await page.locator('#publish-status', { hasText: 'Published' }).waitFor();
  const first = eventRow('text', 'hello from the console');
  await first.waitFor();
  assert.equal(await first.locator('td').nth(3).textContent(), '1');
  assert.equal(await first.locator('td').nth(4).textContent(), 'console-user');
  await publishFromOutside('console-demo', 'demo', 'hello from curl');
  const second = eventRow('text', 'hello from curl');
  await second.waitFor();
  assert.equal(await second.locator('td').nth(3).textContent(), '2');

  // Switch to WebSocket.
  await page.selectOption('#watch-transport', 'websocket');
  await page.click('#watch');
  await page.locator('#watch-status', { hasText: 'Watching console-demo/demo with WebSocket' }).waitFor();
  // Watching over a WebSocket, the page publishes through the socket and shows the sequence number it got.
  await page.fill('#publish-text', 'over the socket');
  await page.click('#publish');
  await page.locator('#publish-status', { hasText: 'over the WebSocket as sequence 3' }).waitFor();
  const third = eventRow('text', 'over the socket');
  await third.waitFor();
  assert.equal(await third.locator('td').nth(3).textContent(), '3');

  // History holds 3 messages: watching from sequence 1 after 3 more shows a discontinuity, then what is left.
  for (const text of ['four', 'five', 'six']) {
    await publishFromOutside('console-demo', 'demo', text);
  }
  await page.fill('#watch-from', '1');
  await page.click('#watch');
  const gap = page.locator('#events tr[data-kind="discontinuity"]').first();
  await gap.waitFor();
  assert.match(await gap.textContent(), /last seen 0, next is 4/);
  await eventRow('text', 'six').waitFor();

  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'console.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('the console lists, creates and revokes API keys, and revokes tokens by token id', { skip }, async () => {
  await page.goto(`${baseUrl}/`);
  await page.fill('#token', superUserKey);
  await page.click('#connect');
  await page.locator('#connection-status', { hasText: 'super-user key' }).waitFor();
  // The data directory's super-user key is listed.
  await page.locator('#key-list tr', { hasText: 'super-user key of the data directory' }).waitFor();

  await page.selectOption('#key-role', 'publishonly');
  await page.fill('#key-cache', 'keys-demo');
  await page.fill('#key-topic', 'orders');
  await page.fill('#key-description', 'console key');
  await page.click('#create-key');
  await page.locator('#created-key').waitFor({ state: 'visible' });
  const apiKey = await page.inputValue('#created-key-value');
  assert.ok((await page.inputValue('#created-key-refresh')).length > 40);
  const row = page.locator('#key-list tr', { hasText: 'console key' });
  await row.waitFor();
  assert.match(await row.textContent(), /publishonly keys-demo\/orders/);
  assert.match(await row.textContent(), /never/);

  const created = await fetch(`${baseUrl}/caches/keys-demo`, { method: 'PUT', headers: { Authorization: superUserKey } });
  assert.equal(created.status, 201);
  const publishWith = (token) => fetch(`${baseUrl}/topics/keys-demo/orders`, {
    method: 'POST', headers: { Authorization: token, 'Content-Type': 'text/plain' }, body: 'x' });
  assert.equal((await publishWith(apiKey)).status, 204);

  await row.locator('button', { hasText: 'Revoke' }).click();
  await page.locator('#keys-status', { hasText: 'Revoked key' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.equal((await publishWith(apiKey)).status, 401);

  const minted = await (await fetch(`${baseUrl}/tokens`, {
    method: 'POST', headers: { Authorization: superUserKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ expires_in_seconds: 600, token_id: 'kiosk-1', permissions: 'super_user' }) })).json();
  assert.equal((await publishWith(minted.token)).status, 204);
  await page.fill('#revoke-token-id', 'kiosk-1');
  await page.click('#revoke-token');
  await page.locator('#revoke-token-status', { hasText: 'kiosk-1' }).waitFor();
  assert.equal((await publishWith(minted.token)).status, 401);

  await page.screenshot({ path: join(screenshots, 'console-keys.png'), fullPage: true });
  assert.deepEqual(pageErrors, []);
});

test('the console manages webhooks: create, secret, delivery state, rotate, delete', { skip }, async () => {
  // A real receiver on loopback (allowed by default, for local development).
  const { createServer } = await import('node:http');
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`${baseUrl}/`);
    await page.fill('#token', superUserKey);
    await page.click('#connect');
    await page.locator('#connection-status', { hasText: 'super-user key' }).waitFor();
    await page.fill('#cache-name', 'hooks-demo');
    await page.click('#create-cache');
    await page.locator('#cache-list tr', { hasText: 'hooks-demo' }).waitFor();
    await page.fill('#webhook-cache', 'hooks-demo');

    // A refused destination: the server's message is shown, nothing is listed.
    await page.fill('#webhook-name', 'metadata');
    await page.fill('#webhook-topic', 'orders');
    await page.fill('#webhook-url', 'http://169.254.169.254/latest');
    await page.click('#put-webhook');
    await page.locator('#webhooks-status', { hasText: '400' }).waitFor();

    await page.fill('#webhook-name', 'orders-hook');
    await page.fill('#webhook-url', `http://127.0.0.1:${receiver.address().port}/in`);
    await page.click('#put-webhook');
    await page.locator('#webhooks-status', { hasText: 'Saved webhook orders-hook' }).waitFor();
    const secret = await page.inputValue('#webhook-secret');
    assert.ok(secret.length > 20);
    const row = page.locator('#webhook-list tr', { hasText: 'orders-hook' });
    await row.waitFor();
    assert.equal(await page.locator('#webhook-list tr').count(), 1);

    await new Promise((resolve) => setTimeout(resolve, 1500)); // the delivery subscribes
    await publishFromOutside('hooks-demo', 'orders', 'first order');
    const deadline = Date.now() + 15000;
    while (received.length < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(received[0]?.text, 'first order');
    await page.click('#refresh-webhooks');
    await page.locator('#webhook-list tr td', { hasText: /^1 \(page / }).waitFor();

    await row.locator('button', { hasText: 'Rotate' }).click();
    await page.locator('#webhooks-status', { hasText: 'Rotated the secret of orders-hook' }).waitFor();
    assert.notEqual(await page.inputValue('#webhook-secret'), secret);

    await row.locator('button', { hasText: 'Delete' }).click();
    await page.locator('#webhooks-status', { hasText: 'Deleted webhook orders-hook' }).waitFor();
    await row.waitFor({ state: 'detached' }); // the list is read again after the status is shown
    assert.equal(await page.locator('#webhook-list tr').count(), 0);
    await page.screenshot({ path: join(screenshots, 'console-webhooks.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});
