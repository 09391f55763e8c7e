'use strict';
// The official Momento Node.js SDK against Tern: control plane, publish/subscribe, errors.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {
  CreateCache, DeleteCache, ListCaches, TopicPublish, TopicSubscribe, MomentoErrorCode,
} = require('@gomomento/sdk');
const {startTern, Received, uniqueName, sleep} = require('./support/tern');

let tern;
let topics;
let caches;

before(async () => {
  tern = await startTern(['--grpc-heartbeat-interval', '1s']);
  topics = tern.topicClient();
  caches = tern.cacheClient();
});

after(async () => {
  topics?.close?.(); // TopicClient 1.118 has no close()
  caches?.close();
  await tern?.stop();
});

test('create, list and delete a cache', async () => {
  const name = uniqueName('cache');
  assert.ok((await caches.createCache(name)) instanceof CreateCache.Success);
  const again = await caches.createCache(name);
  assert.ok(again instanceof CreateCache.AlreadyExists, `second create answered ${again}`);

  const listed = await caches.listCaches();
  assert.ok(listed instanceof ListCaches.Success, `list answered ${listed}`);
  const info = listed.getCaches().find(c => c.getName() === name);
  assert.ok(info, 'the new cache is listed');
  assert.equal(info.getTopicLimits().maxPublishMessageSizeKb, 4);

  assert.ok((await caches.deleteCache(name)) instanceof DeleteCache.Success);
  const missing = await caches.deleteCache(name);
  assert.ok(missing instanceof DeleteCache.Error);
  assert.equal(missing.errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
  assert.ok(!(await caches.listCaches()).getCaches().some(c => c.getName() === name));
});

test('text and bytes arrive in order with contiguous sequence numbers', async () => {
  const cache = uniqueName('cache');
  await caches.createCache(cache);
  const received = new Received();
  const subscription = await topics.subscribe(cache, 'news', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription, `subscribe answered ${subscription}`);
  try {
    for (let i = 1; i <= 5; i++) {
      const published = await topics.publish(cache, 'news', `hello ${i}`);
      assert.ok(published instanceof TopicPublish.Success, `publish answered ${published}`);
    }
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    assert.ok((await topics.publish(cache, 'news', bytes)) instanceof TopicPublish.Success);
    await received.until(() => received.items.length === 6, 10_000, 'six items');

    assert.deepEqual(received.items.slice(0, 5).map(i => i.valueString()), [1, 2, 3, 4, 5].map(i => `hello ${i}`));
    assert.deepEqual(received.items.map(i => i.sequenceNumber()), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(received.items[5].valueUint8Array()), Array.from(bytes));
    assert.equal(received.discontinuities.length, 0);
    assert.equal(received.errors.length, 0);
  } finally {
    subscription.unsubscribe();
  }
});

test('heartbeats keep an idle subscription alive', async () => {
  const cache = uniqueName('cache');
  await caches.createCache(cache);
  let heartbeats = 0;
  const subscription = await topics.subscribe(cache, 'quiet', {onItem: () => {}, onHeartbeat: () => heartbeats++});
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    await sleep(3_500);
    assert.ok(heartbeats >= 2, `expected heartbeats every second, got ${heartbeats}`);
  } finally {
    subscription.unsubscribe();
  }
});

test('subscribing or publishing to a missing cache is CacheNotFound', async () => {
  const subscribed = await topics.subscribe(uniqueName('missing'), 'news', {onItem: () => {}});
  assert.ok(subscribed instanceof TopicSubscribe.Error, `subscribe answered ${subscribed}`);
  assert.equal(subscribed.errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);

  const published = await topics.publish(uniqueName('missing'), 'news', 'x');
  assert.ok(published instanceof TopicPublish.Error);
  assert.equal(published.errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
});

test('invalid names are a bad request, a wrong key is an authentication error', async () => {
  const cache = uniqueName('cache');
  await caches.createCache(cache);
  const badTopic = await topics.publish(cache, 'no spaces/allowed', 'x');
  assert.ok(badTopic instanceof TopicPublish.Error);
  assert.ok([MomentoErrorCode.BAD_REQUEST_ERROR, MomentoErrorCode.INVALID_ARGUMENT_ERROR].includes(badTopic.errorCode()),
    `got ${badTopic.errorCode()}`);

  const forged = Buffer.from(JSON.stringify({api_key: 'aaa.bbb.ccc', endpoint: 'localhost'})).toString('base64');
  const stranger = tern.topicClient(forged);
  try {
    const refused = await stranger.publish(cache, 'news', 'x');
    assert.ok(refused instanceof TopicPublish.Error);
    assert.equal(refused.errorCode(), MomentoErrorCode.AUTHENTICATION_ERROR);
  } finally {
    stranger.close?.();
  }
});

test('a message over the cache limit is refused with LimitExceeded', async () => {
  const cache = uniqueName('cache');
  await caches.createCache(cache);
  const tooBig = await topics.publish(cache, 'news', 'x'.repeat(5 * 1024));
  assert.ok(tooBig instanceof TopicPublish.Error, `publish answered ${tooBig}`);
  assert.equal(tooBig.errorCode(), MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
});

test('deleting the cache ends a live subscription with CacheNotFound', async () => {
  const cache = uniqueName('cache');
  await caches.createCache(cache);
  const received = new Received();
  const subscription = await topics.subscribe(cache, 'news', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  await topics.publish(cache, 'news', 'before');
  await received.until(() => received.items.length === 1);

  assert.ok((await caches.deleteCache(cache)) instanceof DeleteCache.Success);
  await received.until(() => received.errors.length === 1, 10_000, 'the subscription to end');
  assert.equal(received.errors[0].errorCode(), MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
});
