'use strict';
// Webhooks through the official SDK's TopicClient (the webhook.Webhook gRPC service), delivered to a real receiver
// that verifies momento-signature the way Momento's documentation shows: HMAC SHA3-256 of the raw body.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const {
  DeleteWebhook, GetWebhookSecret, ListWebhooks, MomentoErrorCode, PutWebhook, RotateWebhookSecret, TopicPublish,
} = require('@gomomento/sdk');
const {startTern, uniqueName, sleep} = require('./support/tern');

let tern;
let topics;
let admin;
let receiver;
let receiverUrl;
const received = [];

before(async () => {
  tern = await startTern();
  topics = tern.topicClient();
  admin = tern.cacheClient();
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      received.push({raw: Buffer.concat(chunks), headers: req.headers});
      res.writeHead(204).end();
    });
  });
  await new Promise(resolve => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;
});

after(async () => {
  admin?.close();
  await new Promise(resolve => receiver?.close(resolve));
  await tern?.stop();
});

async function until(condition, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; received ${received.length}`);
    }
    await sleep(50);
  }
}

function signedWith(secret, request) {
  return crypto.createHmac('sha3-256', secret).update(request.raw).digest('hex') === request.headers['momento-signature'];
}

test('create, list, read the secret of, rotate and delete a webhook; every message arrives signed and in order', async () => {
  const cache = uniqueName('hooks');
  await admin.createCache(cache);

  const put = await topics.putWebhook(cache, 'order events', {topicName: 'orders', destination: receiverUrl});
  assert.ok(put instanceof PutWebhook.Success, `putWebhook answered ${put}`);
  const secret = put.secretString();
  assert.ok(secret.length > 20);

  const listed = await topics.listWebhooks(cache);
  assert.ok(listed instanceof ListWebhooks.Success, `listWebhooks answered ${listed}`);
  assert.deepEqual(listed.getWebhooks().map(w => [w.id.cacheName, w.id.webhookName, w.topicName, w.destination.url()]),
    [[cache, 'order events', 'orders', receiverUrl]]);

  const read = await topics.getWebhookSecret(cache, 'order events');
  assert.ok(read instanceof GetWebhookSecret.Success, `getWebhookSecret answered ${read}`);
  assert.equal(read.secret(), secret);
  assert.equal(read.webhookName(), 'order events');
  assert.equal(read.cacheName(), cache);

  await sleep(1_500); // the delivery subscribes within a second of creation
  for (let i = 1; i <= 10; i++) {
    const published = await topics.publish(cache, 'orders', `order ${i}`);
    assert.ok(published instanceof TopicPublish.Success, `publish answered ${published}`);
  }
  await until(() => received.length >= 10, 'ten deliveries');
  received.forEach((request, i) => {
    assert.ok(signedWith(secret, request), `request ${i} is signed with the webhook's secret`);
    const event = JSON.parse(request.raw.toString('utf8'));
    assert.equal(event.cache, cache);
    assert.equal(event.topic, 'orders');
    assert.equal(event.text, `order ${i + 1}`);
    assert.equal(event.topic_sequence_number, i + 1);
    assert.equal(typeof event.event_timestamp, 'number');
    assert.equal(typeof event.publish_timestamp, 'number');
    assert.equal(typeof event.token_id, 'string');
    assert.ok(request.headers['webhook-id'].startsWith('msg_'));
    assert.ok(request.headers['webhook-signature'].startsWith('v1,'));
  });

  const rotated = await topics.rotateWebhookSecret(cache, 'order events');
  assert.ok(rotated instanceof RotateWebhookSecret.Success, `rotateWebhookSecret answered ${rotated}`);
  assert.notEqual(rotated.secret(), secret);
  await topics.publish(cache, 'orders', 'after rotation');
  await until(() => received.length >= 11, 'the delivery after rotation');
  assert.ok(signedWith(rotated.secret(), received[10]));
  assert.ok(!signedWith(secret, received[10]));

  const deleted = await topics.deleteWebhook(cache, 'order events');
  assert.ok(deleted instanceof DeleteWebhook.Success, `deleteWebhook answered ${deleted}`);
  const after = await topics.listWebhooks(cache);
  assert.deepEqual(after.getWebhooks(), []);
  await topics.publish(cache, 'orders', 'nobody listens');
  await sleep(800);
  assert.equal(received.length, 11);
});

test('errors map as the SDK expects: missing cache, bad names and URLs, missing permission', async () => {
  const cache = uniqueName('hooks-bad');
  await admin.createCache(cache);

  const missingCache = await topics.putWebhook(uniqueName('nope'), 'h', {topicName: 't', destination: receiverUrl});
  assert.equal(missingCache.errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
  const missingList = await topics.listWebhooks(uniqueName('nope'));
  assert.equal(missingList.errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);

  const longName = await topics.putWebhook(cache, 'n'.repeat(129), {topicName: 't', destination: receiverUrl});
  assert.equal(longName.errorCode(), MomentoErrorCode.INVALID_ARGUMENT_ERROR);
  for (const url of ['ftp://127.0.0.1/x', 'http://169.254.169.254/latest/meta-data', 'http://u:p@127.0.0.1/']) {
    const refused = await topics.putWebhook(cache, 'h', {topicName: 't', destination: url});
    assert.equal(refused.errorCode(), MomentoErrorCode.INVALID_ARGUMENT_ERROR, `${url}: ${refused}`);
  }
  const unknown = await topics.getWebhookSecret(cache, 'never-made');
  assert.equal(unknown.errorCode(), MomentoErrorCode.NOT_FOUND_ERROR);
  assert.deepEqual((await topics.listWebhooks(cache)).getWebhooks(), []);

  const auth = tern.authClient();
  const {AllTopics, DisposableTokenScopes, ExpiresIn} = require('@gomomento/sdk');
  const minted = await auth.generateDisposableToken(
    DisposableTokenScopes.topicPublishSubscribe(cache, AllTopics), ExpiresIn.seconds(300));
  const limited = tern.topicClient(minted.authToken);
  const denied = await limited.putWebhook(cache, 'h', {topicName: 't', destination: receiverUrl});
  assert.equal(denied.errorCode(), MomentoErrorCode.PERMISSION_ERROR);
});
