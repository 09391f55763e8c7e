'use strict';
// HTTP and gRPC are two doors to the same topics: a message published with an HTTP POST reaches an SDK
// subscriber with the sequence number a long-poll client sees, and the other way round.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {TopicPublish, TopicSubscribe} = require('@gomomento/sdk');
const {startTern, Received, uniqueName} = require('./support/tern');

let tern;
let topics;

before(async () => {
  tern = await startTern();
  topics = tern.topicClient();
  const created = await fetch(`http://${tern.endpoint}/caches/shared`, {method: 'PUT', headers: {Authorization: tern.superUserKey}});
  assert.equal(created.status, 201);
});

after(async () => {
  await tern?.stop();
});

async function longPoll(topic, sequenceNumber) {
  const response = await fetch(`http://${tern.endpoint}/topics/shared/${topic}?sequence_number=${sequenceNumber}`,
    {headers: {Authorization: tern.superUserKey}});
  assert.equal(response.status, 200);
  return (await response.json()).items;
}

test('curl-style HTTP publishes reach SDK subscribers and long polls with the same sequence numbers', async () => {
  const topic = uniqueName('http-to-grpc');
  const received = new Received();
  const subscription = await topics.subscribe('shared', topic, received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    for (const body of ['first', 'second']) {
      const published = await fetch(`http://${tern.endpoint}/topics/shared/${topic}?token=${encodeURIComponent(tern.superUserKey)}`,
        {method: 'POST', headers: {'Content-Type': 'text/plain'}, body});
      assert.equal(published.status, 204);
    }
    await received.until(() => received.items.length === 2);
    const polled = await longPoll(topic, 1);
    assert.deepEqual(polled.map(i => [i.item.topic_sequence_number, i.item.value.text]),
      received.items.map(i => [i.sequenceNumber(), i.valueString()]));
    assert.deepEqual(received.items.map(i => i.sequenceNumber()), [1, 2]);
  } finally {
    subscription.unsubscribe();
  }
});

test('SDK publishes reach long-poll clients with the sequence numbers SDK subscribers see', async () => {
  const topic = uniqueName('grpc-to-http');
  const received = new Received();
  const subscription = await topics.subscribe('shared', topic, received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    const poll = longPoll(topic, 0); // waits for the next message
    assert.ok((await topics.publish('shared', topic, 'over grpc')) instanceof TopicPublish.Success);
    assert.ok((await topics.publish('shared', topic, new Uint8Array([1, 2, 3]))) instanceof TopicPublish.Success);
    const first = await poll;
    await received.until(() => received.items.length === 2);
    assert.equal(first[0].item.topic_sequence_number, received.items[0].sequenceNumber());
    assert.equal(first[0].item.value.text, 'over grpc');
    const all = await longPoll(topic, 1);
    assert.deepEqual(all.map(i => i.item.topic_sequence_number), received.items.map(i => i.sequenceNumber()));
    assert.equal(all[1].item.value.binary, Buffer.from([1, 2, 3]).toString('base64'));
  } finally {
    subscription.unsubscribe();
  }
});
