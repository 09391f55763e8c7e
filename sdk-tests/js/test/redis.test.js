'use strict';
// The Momento Node.js SDK (gRPC) against two Tern nodes sharing one real Redis: what is published through one node
// reaches a subscriber on the other, in order, with the same sequence numbers. Skipped without redis-server,
// except under CI=true, where it must run.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {spawn, spawnSync} = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {TopicPublish, TopicSubscribe} = require('@gomomento/sdk');
const {startTern, Received, uniqueName, sleep} = require('./support/tern');

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI === 'true') {
  throw new Error('CI=true but redis-server is not installed');
}
const skip = hasRedis ? false : 'redis-server is not installed (apt-get install redis-server)';

let redis;
let a;
let b;

async function freePort() {
  const server = net.createServer();
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address();
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-js-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir], {stdio: 'ignore'});
  for (let i = 0; i < 200; i++) {
    const answered = await new Promise(resolve => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.on('data', data => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.on('error', () => resolve(false));
    });
    if (answered) {
      return {
        url: `redis://127.0.0.1:${port}`,
        stop() {
          child.kill('SIGTERM');
          fs.rmSync(dir, {recursive: true, force: true});
        },
      };
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not answer PING');
}

before(async () => {
  if (skip) {
    return;
  }
  redis = await startRedis();
  a = await startTern(['--engine', 'redis', '--redis-url', redis.url]);
  b = await startTern(['--engine', 'redis', '--redis-url', redis.url]);
});

after(async () => {
  await a?.stop();
  await b?.stop();
  redis?.stop();
});

test('a subscriber on one node receives, in order, what the SDK publishes through another', {skip}, async () => {
  const cache = uniqueName('cache');
  const caches = a.cacheClient();
  await caches.createCache(cache);
  // The super-user key of node a works on node b: the signing secret is shared through Redis.
  const subscriber = b.topicClient(a.superUserKey);
  const publisher = a.topicClient();
  const received = new Received();
  const subscription = await subscriber.subscribe(cache, 'cross-node', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription, `subscribe answered ${subscription}`);
  try {
    for (let i = 1; i <= 10; i++) {
      const published = await publisher.publish(cache, 'cross-node', `m${i}`);
      assert.ok(published instanceof TopicPublish.Success, `publish answered ${published}`);
    }
    await received.until(() => received.items.length === 10, 15_000, 'ten items');
    assert.deepEqual(received.items.map(i => i.valueString()), [...Array(10).keys()].map(i => `m${i + 1}`));
    assert.deepEqual(received.items.map(i => i.sequenceNumber()), [...Array(10).keys()].map(i => i + 1));
    assert.deepEqual(received.discontinuities, []);
  } finally {
    subscription.unsubscribe?.();
    caches.close();
  }
});

test('a key generated and revoked through node a ends its gRPC subscription on node b', {skip}, async () => {
  const {ExpiresIn, GenerateApiKey, MomentoErrorCode} = require('@gomomento/sdk');
  const {InternalSuperUserPermissions} = require('@gomomento/sdk-core/dist/src/internal/utils/auth');
  const cache = uniqueName('revoked');
  const caches = a.cacheClient();
  await caches.createCache(cache);
  const key = await a.authClient().generateApiKey(new InternalSuperUserPermissions(), ExpiresIn.never());
  assert.ok(key instanceof GenerateApiKey.Success, `generateApiKey answered ${key}`);
  const received = new Received();
  const subscription = await b.topicClient(key.apiKey).subscribe(cache, 'doomed', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription, `subscribe answered ${subscription}`);
  try {
    const inner = JSON.parse(Buffer.from(key.apiKey, 'base64').toString('utf8')).api_key;
    const id = JSON.parse(Buffer.from(inner.split('.')[1], 'base64url').toString('utf8')).jti;
    const revoked = await fetch(`http://${a.endpoint}/api-keys/${id}`, {method: 'DELETE', headers: {Authorization: a.superUserKey}});
    assert.equal(revoked.status, 204);
    await received.until(() => received.errors.length > 0, 10_000, 'the subscription on node b to end');
    assert.equal(received.errors[0].errorCode(), MomentoErrorCode.AUTHENTICATION_ERROR);
    const published = await b.topicClient(key.apiKey).publish(cache, 'doomed', 'late');
    assert.equal(published.errorCode(), MomentoErrorCode.AUTHENTICATION_ERROR);
  } finally {
    subscription.unsubscribe?.();
    caches.close();
  }
});
