'use strict';
// A subscriber whose connection drops resumes where it left off: without loss while the topic's history still
// holds what it missed, and with a discontinuity when it does not.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {TopicPublish, TopicSubscribe} = require('@gomomento/sdk');
const {startTern, Received, uniqueName, sleep} = require('./support/tern');
const {startProxy} = require('./support/proxy');

const HISTORY = 5;
let tern;
let proxy;
let publisher;
let admin;

before(async () => {
  tern = await startTern(['--history-messages', String(HISTORY)]);
  proxy = await startProxy(tern.port);
  publisher = tern.topicClient();
  admin = tern.cacheClient();
});

after(async () => {
  admin?.close();
  await proxy?.close();
  await tern?.stop();
});

async function publishRange(cache, topic, from, to) {
  for (let i = from; i <= to; i++) {
    const published = await publisher.publish(cache, topic, `m${i}`);
    assert.ok(published instanceof TopicPublish.Success, `publish ${i} answered ${published}`);
  }
}

test('resume after a dropped connection: no loss within history, a discontinuity beyond it', async () => {
  const cache = uniqueName('cache');
  await admin.createCache(cache);
  const received = new Received();
  const subscriber = tern.topicClient(tern.superUserKey, proxy.endpoint);
  const subscription = await subscriber.subscribe(cache, 'feed', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription, `subscribe answered ${subscription}`);
  try {
    await publishRange(cache, 'feed', 1, 3);
    await received.until(() => received.items.length === 3, 10_000, 'm1..m3');

    // Missed 4..6 while cut off: fewer than the history holds, so they are replayed.
    proxy.cut();
    await publishRange(cache, 'feed', 4, 6);
    await sleep(300);
    proxy.accept();
    await received.until(() => received.items.length === 6, 30_000, 'm4..m6 replayed after reconnecting');
    assert.deepEqual(received.items.map(i => i.valueString()), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    assert.deepEqual(received.items.map(i => i.sequenceNumber()), [1, 2, 3, 4, 5, 6]);
    assert.equal(received.discontinuities.length, 0);

    // Missed 7..20 while cut off: history keeps only the last five (16..20), so a discontinuity says so.
    proxy.cut();
    await publishRange(cache, 'feed', 7, 20);
    await sleep(300);
    proxy.accept();
    await received.until(() => received.items.length === 11, 30_000, 'm16..m20 after the gap');
    assert.equal(received.discontinuities.length, 1);
    const gap = received.discontinuities[0];
    assert.equal(gap.lastSequenceNumber(), 6);
    assert.equal(gap.newSequenceNumber(), 16);
    assert.deepEqual(received.items.slice(6).map(i => i.sequenceNumber()), [16, 17, 18, 19, 20]);
    assert.equal(received.errors.length, 0);
  } finally {
    subscription.unsubscribe();
  }
});
