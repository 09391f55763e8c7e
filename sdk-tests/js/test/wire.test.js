'use strict';
// Momento's gRPC protocol as the SDKs depend on it, checked with a raw gRPC client (grpc-js and Momento's
// generated stubs): stream start, limit trailers, unimplemented methods, keepalive pings, shutdown.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const {cache_client: {pubsub}} = require('@gomomento/generated-types/dist/cachepubsub');
const {control_client: control} = require('@gomomento/generated-types/dist/controlclient');
const {MomentoErrorCode, TopicSubscribe} = require('@gomomento/sdk');
const {startTern, uniqueName, sleep} = require('./support/tern');
const {startProxy} = require('./support/proxy');

let tern;

before(async () => {
  tern = await startTern(['--grpc-heartbeat-interval', '1s']);
});

after(async () => {
  await tern?.stop();
});

function metadata(key = tern.superUserKey) {
  const m = new grpc.Metadata();
  m.set('authorization', key);
  return m;
}

async function createCache(server, name, limits) {
  const response = await fetch(`http://${server.endpoint}/caches/${name}`, {
    method: 'PUT',
    headers: {Authorization: server.superUserKey, 'Content-Type': 'application/json'},
    body: limits ? JSON.stringify(limits) : undefined,
  });
  assert.equal(response.status, 201, await response.text());
}

/** Opens a raw Subscribe stream; resolves with the stream and its first message, or rejects with its error. */
function subscribe(client, cache, topic, extra = {}) {
  const call = client.Subscribe(new pubsub._SubscriptionRequest({cache_name: cache, topic, ...extra}), metadata());
  return new Promise((resolve, reject) => {
    call.once('data', first => resolve({call, first}));
    call.once('error', reject);
  });
}

function endOf(call) {
  return new Promise(resolve => call.on('error', resolve));
}

test('every stream starts with a heartbeat, and idle streams get more', async () => {
  const cache = uniqueName('wire');
  await createCache(tern, cache);
  const client = new pubsub.PubsubClient(tern.endpoint, grpc.credentials.createInsecure());
  try {
    const {call, first} = await subscribe(client, cache, 'idle');
    assert.ok(first.has_heartbeat, `first message was ${JSON.stringify(first.toObject())}`);
    let heartbeats = 0;
    call.on('data', item => heartbeats += item.has_heartbeat ? 1 : 0);
    call.on('error', () => {});
    await sleep(2_500);
    assert.ok(heartbeats >= 2, `heartbeats after the first: ${heartbeats}`);
    call.cancel();
  } finally {
    client.close();
  }
});

test('resume positions: last+1 (Java, JS), last (Go, Rust), and an unknown page', async () => {
  const cache = uniqueName('wire');
  await createCache(tern, cache);
  const client = new pubsub.PubsubClient(tern.endpoint, grpc.credentials.createInsecure());
  const publish = text => new Promise((resolve, reject) => client.Publish(new pubsub._PublishRequest({
    cache_name: cache, topic: 't', value: new pubsub._TopicValue({text}),
  }), metadata(), err => (err ? reject(err) : resolve())));
  /** The first `count` non-heartbeat messages of a stream resumed at (sequence, page). */
  const resumed = async (sequence, page, count) => {
    const {call} = await subscribe(client, cache, 't', {resume_at_topic_sequence_number: sequence, sequence_page: page});
    const got = [];
    await new Promise(resolve => call.on('data', m => {
      if (!m.has_heartbeat) {
        got.push(m.has_item ? ['item', m.item.topic_sequence_number, m.item.sequence_page]
          : ['discontinuity', m.discontinuity.last_topic_sequence, m.discontinuity.new_topic_sequence, m.discontinuity.new_sequence_page]);
      }
      if (got.length === count) {
        resolve();
      }
    }));
    call.on('error', () => {});
    call.cancel();
    return got;
  };
  try {
    for (const text of ['one', 'two', 'three']) {
      await publish(text);
    }
    const [[, , page]] = await resumed(1, 0, 1);
    assert.deepEqual(await resumed(3, page, 1), [['item', 3, page]], 'last+1 after 2 continues at 3');
    assert.deepEqual(await resumed(2, page, 2), [['item', 2, page], ['item', 3, page]], 'last = 2 repeats 2 rather than lose it');
    assert.deepEqual(await resumed(2, page - 1, 2), [['discontinuity', 1, 1, page], ['item', 1, page]],
      'an unknown page yields a discontinuity carrying the current page');
  } finally {
    client.close();
  }
});

test('a cancelled stream or a dropped connection releases its subscription at once', async () => {
  const cache = uniqueName('wire');
  await createCache(tern, cache, {max_subscription_count: 1});
  const proxy = await startProxy(tern.port);
  const subscribers = async () => {
    const text = await (await fetch(`http://${tern.endpoint}/metrics`)).text();
    return Number(/^tern_subscribers\s+(\S+)/m.exec(text)[1]);
  };
  const before = await subscribers();
  try {
    for (const ending of ['cancel', 'drop', 'cancel', 'drop']) {
      proxy.accept();
      const client = new pubsub.PubsubClient(proxy.endpoint, grpc.credentials.createInsecure());
      const {call} = await subscribe(client, cache, 'a'); // the limit of one refuses it if the last one lingers
      call.on('error', () => {});
      assert.equal(await subscribers(), before + 1);
      if (ending === 'cancel') {
        call.cancel();
      } else {
        proxy.cut();
      }
      for (let i = 0; i < 50 && await subscribers() !== before; i++) {
        await sleep(100);
      }
      assert.equal(await subscribers(), before, `after ${ending}`);
      client.close();
    }
  } finally {
    await proxy.close();
  }
});

test('a subscription over the cache limit is RESOURCE_EXHAUSTED with the err trailer', async () => {
  const cache = uniqueName('wire');
  await createCache(tern, cache, {max_subscription_count: 1});
  const client = new pubsub.PubsubClient(tern.endpoint, grpc.credentials.createInsecure());
  try {
    const {call} = await subscribe(client, cache, 'a');
    call.on('error', () => {});
    const refused = await subscribe(client, cache, 'b').then(() => null, e => e);
    assert.ok(refused, 'the second subscription must be refused');
    assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.deepEqual(refused.metadata.get('err'), ['topic_subscriptions_limit_exceeded']);

    const sdk = await tern.topicClient().subscribe(cache, 'c', {onItem: () => {}});
    assert.ok(sdk instanceof TopicSubscribe.Error);
    assert.equal(sdk.errorCode(), MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
    call.cancel();
  } finally {
    client.close();
  }
});

test('publishing over the rate limit is RESOURCE_EXHAUSTED with the err trailer', async () => {
  const cache = uniqueName('wire');
  await createCache(tern, cache, {max_publish_rate: 1});
  const client = new pubsub.PubsubClient(tern.endpoint, grpc.credentials.createInsecure());
  try {
    const publish = () => new Promise(resolve => client.Publish(new pubsub._PublishRequest({
      cache_name: cache, topic: 't', value: new pubsub._TopicValue({text: 'x'}),
    }), metadata(), err => resolve(err)));
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await publish());
    }
    const refused = results.filter(Boolean);
    assert.ok(refused.length >= 1, 'at least one of five publishes within a second is refused');
    assert.equal(refused[0].code, grpc.status.RESOURCE_EXHAUSTED);
    assert.deepEqual(refused[0].metadata.get('err'), ['operations_rate_limit_exceeded']);
  } finally {
    client.close();
  }
});

test('methods Tern does not serve answer UNIMPLEMENTED with a clear message', async () => {
  const client = new control.ScsControlClient(tern.endpoint, grpc.credentials.createInsecure());
  try {
    const error = await new Promise(resolve => client.FlushCache(
      new control._FlushCacheRequest({cache_name: 'x'}), metadata(), err => resolve(err)));
    assert.equal(error.code, grpc.status.UNIMPLEMENTED);
    assert.match(error.details, /Tern does not implement .*FlushCache/);
  } finally {
    client.close();
  }
});

test('keepalive pings every two seconds without active calls do not close the connection', async () => {
  const client = new control.ScsControlClient(tern.endpoint, grpc.credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 2_000,
    'grpc.keepalive_timeout_ms': 1_000,
    'grpc.keepalive_permit_without_calls': 1,
  });
  const list = () => new Promise((resolve, reject) => client.ListCaches(
    new control._ListCachesRequest(), metadata(), (err, resp) => (err ? reject(err) : resolve(resp))));
  try {
    await list();
    const channel = client.getChannel();
    const states = [];
    let watching = true;
    const watch = () => channel.watchConnectivityState(channel.getConnectivityState(false), Infinity, () => {
      if (watching) {
        states.push(channel.getConnectivityState(false));
        watch();
      }
    });
    watch();
    await sleep(7_000);
    watching = false;
    assert.deepEqual(states, [], 'the connection stayed READY through the pings');
    assert.equal(channel.getConnectivityState(false), grpc.connectivityState.READY);
    await list();
  } finally {
    client.close();
  }
});

test('shutting the server down ends live streams with UNAVAILABLE, so SDKs reconnect', async () => {
  const doomed = await startTern();
  const cache = uniqueName('wire');
  await createCache(doomed, cache);
  const client = new pubsub.PubsubClient(doomed.endpoint, grpc.credentials.createInsecure());
  try {
    const call = client.Subscribe(new pubsub._SubscriptionRequest({cache_name: cache, topic: 't'}), (() => {
      const m = new grpc.Metadata();
      m.set('authorization', doomed.superUserKey);
      return m;
    })());
    await new Promise(resolve => call.once('data', resolve));
    const ended = endOf(call);
    await doomed.stop();
    const error = await ended;
    assert.equal(error.code, grpc.status.UNAVAILABLE, `stream ended with ${error.code}: ${error.details}`);
  } finally {
    client.close();
  }
});
