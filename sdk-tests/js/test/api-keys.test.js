'use strict';
// Long-lived API keys through the SDK's AuthClient (generateApiKey, refreshApiKey): each scope allows exactly what it
// grants, expired keys are refused, a refresh token works once, and a revoked key ends its open subscription with
// the authentication error the SDK reports.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {
  AllCaches, AllDataReadWrite, AllTopics, ExpiresIn, GenerateApiKey, MomentoErrorCode, RefreshApiKey, TopicPublish,
  TopicRole, TopicSubscribe, CreateCache,
} = require('@gomomento/sdk');
const {InternalSuperUserPermissions} = require('@gomomento/sdk-core/dist/src/internal/utils/auth');
const {startTern, Received, uniqueName, sleep} = require('./support/tern');

const SUPER_USER = new InternalSuperUserPermissions();
const DENIED = MomentoErrorCode.PERMISSION_ERROR;
const UNAUTHENTICATED = MomentoErrorCode.AUTHENTICATION_ERROR;

let tern;
let auth;
let admin;
let cacheA;
let cacheB;

before(async () => {
  tern = await startTern();
  auth = tern.authClient();
  admin = tern.cacheClient();
  cacheA = uniqueName('keys-a');
  cacheB = uniqueName('keys-b');
  await admin.createCache(cacheA);
  await admin.createCache(cacheB);
});

after(async () => {
  admin?.close();
  await tern?.stop();
});

async function generate(scope, expiresIn) {
  const generated = await auth.generateApiKey(scope, expiresIn);
  assert.ok(generated instanceof GenerateApiKey.Success, `generateApiKey answered ${generated}`);
  return generated;
}

/** What a key may do on one topic: 'ok' or the SDK error code, for publish and for subscribe. */
async function abilities(apiKey, cache, topic) {
  const client = tern.topicClient(apiKey);
  const published = await client.publish(cache, topic, 'probe');
  const subscribed = await client.subscribe(cache, topic, {onItem: () => {}});
  if (subscribed instanceof TopicSubscribe.Subscription) {
    subscribed.unsubscribe();
  }
  return {
    publish: published instanceof TopicPublish.Success ? 'ok' : published.errorCode(),
    subscribe: subscribed instanceof TopicSubscribe.Subscription ? 'ok' : subscribed.errorCode(),
  };
}

test('a super-user key that never expires manages caches and topics', async () => {
  const key = await generate(SUPER_USER, ExpiresIn.never());
  assert.equal(key.expiresAt.doesExpire(), false);
  assert.equal(key.endpoint, `localhost:${tern.port}`);
  const decoded = JSON.parse(Buffer.from(key.apiKey, 'base64').toString('utf8'));
  assert.equal(decoded.endpoint, `localhost:${tern.port}`);
  assert.ok(key.refreshToken.length > 20);
  const client = tern.cacheClient(key.apiKey);
  try {
    assert.ok((await client.createCache(uniqueName('by-key'))) instanceof CreateCache.Success);
  } finally {
    client.close();
  }
  assert.deepEqual(await abilities(key.apiKey, cacheB, 'any'), {publish: 'ok', subscribe: 'ok'});
});

test('an AllDataReadWrite key uses every topic but cannot manage caches or mint keys', async () => {
  const key = await generate(AllDataReadWrite, ExpiresIn.seconds(600));
  const secondsLeft = key.expiresAt.epoch() - Math.floor(Date.now() / 1000);
  assert.ok(secondsLeft > 590 && secondsLeft <= 600, `expires in ${secondsLeft}s`);
  assert.deepEqual(await abilities(key.apiKey, cacheA, 'any'), {publish: 'ok', subscribe: 'ok'});
  const client = tern.cacheClient(key.apiKey);
  try {
    assert.equal((await client.createCache(uniqueName('nope'))).errorCode(), DENIED);
  } finally {
    client.close();
  }
  const minted = await tern.authClient(key.apiKey).generateApiKey(SUPER_USER, ExpiresIn.never());
  assert.ok(minted instanceof GenerateApiKey.Error);
  assert.equal(minted.errorCode(), DENIED);
});

test('a fine-grained key allows exactly its topics and roles', async () => {
  const key = await generate({
    permissions: [
      {role: TopicRole.PublishSubscribe, cache: cacheA, topic: 'orders'},
      {role: TopicRole.SubscribeOnly, cache: AllCaches, topic: 'news'},
    ],
  }, ExpiresIn.never());
  assert.deepEqual(await abilities(key.apiKey, cacheA, 'orders'), {publish: 'ok', subscribe: 'ok'});
  assert.deepEqual(await abilities(key.apiKey, cacheB, 'news'), {publish: DENIED, subscribe: 'ok'});
  assert.deepEqual(await abilities(key.apiKey, cacheB, 'orders'), {publish: DENIED, subscribe: DENIED});
  assert.deepEqual(await abilities(key.apiKey, cacheA, 'other'), {publish: DENIED, subscribe: DENIED});
});

test('an expired key is refused, and cannot be refreshed', async () => {
  const key = await generate(SUPER_USER, ExpiresIn.seconds(1));
  await sleep(2_100);
  assert.deepEqual(await abilities(key.apiKey, cacheA, 'orders'), {publish: UNAUTHENTICATED, subscribe: UNAUTHENTICATED});
  const client = tern.cacheClient(key.apiKey);
  try {
    assert.equal((await client.createCache(uniqueName('late'))).errorCode(), UNAUTHENTICATED);
  } finally {
    client.close();
  }
  const refreshed = await tern.authClient(key.apiKey).refreshApiKey(key.refreshToken);
  assert.ok(refreshed instanceof RefreshApiKey.Error);
  assert.ok([UNAUTHENTICATED, MomentoErrorCode.INVALID_ARGUMENT_ERROR].includes(refreshed.errorCode()),
    `refreshing an expired key answered ${refreshed.errorCode()}`);
});

test('refreshApiKey returns a working pair, and the old refresh token cannot be used twice', async () => {
  const key = await generate({permissions: [{role: TopicRole.PublishSubscribe, cache: cacheA, topic: AllTopics}]},
    ExpiresIn.seconds(600));
  await sleep(2_000);
  const refreshed = await tern.authClient(key.apiKey).refreshApiKey(key.refreshToken);
  assert.ok(refreshed instanceof RefreshApiKey.Success, `refreshApiKey answered ${refreshed}`);
  const moved = refreshed.expiresAt.epoch() - key.expiresAt.epoch();
  assert.ok(moved >= 2 && moved <= 12, `expiry moved by ${moved}s`);
  assert.notEqual(refreshed.apiKey, key.apiKey);
  assert.deepEqual(await abilities(refreshed.apiKey, cacheA, 'x'), {publish: 'ok', subscribe: 'ok'});
  assert.deepEqual(await abilities(refreshed.apiKey, cacheB, 'x'), {publish: DENIED, subscribe: DENIED});

  const again = await tern.authClient(key.apiKey).refreshApiKey(key.refreshToken);
  assert.ok(again instanceof RefreshApiKey.Error);
  assert.equal(again.errorCode(), UNAUTHENTICATED);
  const crossed = await tern.authClient(key.apiKey).refreshApiKey(refreshed.refreshToken);
  assert.ok(crossed instanceof RefreshApiKey.Error, 'a refresh token works only with its own key');
  const second = await tern.authClient(refreshed.apiKey).refreshApiKey(refreshed.refreshToken);
  assert.ok(second instanceof RefreshApiKey.Success, `the new pair refreshes: ${second}`);
});

test('an invalid expiry is refused', async () => {
  const negative = await auth.generateApiKey(SUPER_USER, ExpiresIn.seconds(-100));
  assert.ok(negative instanceof GenerateApiKey.Error);
  assert.equal(negative.errorCode(), MomentoErrorCode.INVALID_ARGUMENT_ERROR);
  const zero = await auth.generateApiKey(SUPER_USER, ExpiresIn.seconds(0));
  assert.ok(zero instanceof GenerateApiKey.Error, `a 0 s key answered ${zero}`);
  assert.equal(zero.errorCode(), MomentoErrorCode.INVALID_ARGUMENT_ERROR);
});

test('revoking a key ends its open subscription with an authentication error', async () => {
  const key = await generate(SUPER_USER, ExpiresIn.never());
  const topic = uniqueName('revoked');
  const received = new Received();
  let ended = false;
  const subscription = await tern.topicClient(key.apiKey).subscribe(cacheA, topic,
    {...received.handlers(), onSubscriptionEnd: () => { ended = true; }});
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    await tern.topicClient().publish(cacheA, topic, 'before');
    await received.until(() => received.items.length === 1);
    const listed = await (await fetch(`http://${tern.endpoint}/api-keys`, {headers: {Authorization: tern.superUserKey}})).json();
    const id = JSON.parse(Buffer.from(key.apiKey, 'base64').toString('utf8')).api_key.split('.')[1];
    const claims = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    assert.ok(listed.api_keys.some(k => k.id === claims.jti));
    const revoked = await fetch(`http://${tern.endpoint}/api-keys/${claims.jti}`,
      {method: 'DELETE', headers: {Authorization: tern.superUserKey}});
    assert.equal(revoked.status, 204);
    await received.until(() => received.errors.length > 0, 10_000, 'the subscription to end');
    assert.equal(received.errors[0].errorCode(), UNAUTHENTICATED);
    assert.deepEqual(await abilities(key.apiKey, cacheA, topic), {publish: UNAUTHENTICATED, subscribe: UNAUTHENTICATED});
  } finally {
    subscription.unsubscribe();
  }
  void ended;
});

test('an expiring key ends its open subscription with an authentication error when it expires', async () => {
  const key = await generate(SUPER_USER, ExpiresIn.seconds(2));
  const topic = uniqueName('expiring');
  const received = new Received();
  const subscription = await tern.topicClient(key.apiKey).subscribe(cacheA, topic, received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    await received.until(() => received.errors.length > 0, 10_000, 'the subscription to end');
    assert.equal(received.errors[0].errorCode(), UNAUTHENTICATED);
    assert.match(received.errors[0].message(), /expired/);
  } finally {
    subscription.unsubscribe();
  }
});
