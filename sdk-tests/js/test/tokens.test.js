'use strict';
// Disposable tokens minted through the SDK's AuthClient (and, for topic prefixes, which this SDK version cannot
// express, through the raw Token gRPC service) allow and deny exactly what their scope says.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const {token: tokenProtos} = require('@gomomento/generated-types/dist/token');
const {permission_messages: permissions} = require('@gomomento/generated-types/dist/permissionmessages');
const {
  AllCaches, AllTopics, DisposableTokenScopes, ExpiresIn, GenerateDisposableToken, MomentoErrorCode,
  TopicPublish, TopicSubscribe,
} = require('@gomomento/sdk');
const {startTern, Received, uniqueName, sleep} = require('./support/tern');

let tern;
let auth;
let admin;
let cacheA;
let cacheB;

before(async () => {
  tern = await startTern();
  auth = tern.authClient();
  admin = tern.cacheClient();
  cacheA = uniqueName('a');
  cacheB = uniqueName('b');
  await admin.createCache(cacheA);
  await admin.createCache(cacheB);
});

after(async () => {
  admin?.close();
  await tern?.stop();
});

async function mint(scope, options = {}, seconds = 300) {
  const minted = await auth.generateDisposableToken(scope, ExpiresIn.seconds(seconds), options);
  assert.ok(minted instanceof GenerateDisposableToken.Success, `minting answered ${minted}`);
  return minted;
}

/** What a token may do on one topic: 'ok' or the SDK error code, for publish and for subscribe. */
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

const DENIED = MomentoErrorCode.PERMISSION_ERROR;

test('the minted token names the configured endpoint and expires within the hour', async () => {
  const minted = await mint(DisposableTokenScopes.topicPublishSubscribe(cacheA, AllTopics));
  const decoded = JSON.parse(Buffer.from(minted.authToken, 'base64').toString('utf8'));
  assert.equal(decoded.endpoint, `localhost:0`); // --public-endpoint defaults to localhost:<port flag>
  assert.ok(decoded.api_key.length > 20);
  const secondsLeft = minted.expiresAt.epoch() - Math.floor(Date.now() / 1000);
  assert.ok(secondsLeft > 290 && secondsLeft <= 300, `expires in ${secondsLeft}s`);

  const tooLong = await auth.generateDisposableToken(
    DisposableTokenScopes.topicPublishSubscribe(cacheA, AllTopics), ExpiresIn.seconds(3601));
  assert.ok(tooLong instanceof GenerateDisposableToken.Error, `a 3601 s token answered ${tooLong}`);
});

test('each role allows exactly its action', async () => {
  const topic = 'orders';
  const both = await mint(DisposableTokenScopes.topicPublishSubscribe(cacheA, topic));
  const subOnly = await mint(DisposableTokenScopes.topicSubscribeOnly(cacheA, topic));
  const pubOnly = await mint(DisposableTokenScopes.topicPublishOnly(cacheA, topic));
  assert.deepEqual(await abilities(both.authToken, cacheA, topic), {publish: 'ok', subscribe: 'ok'});
  assert.deepEqual(await abilities(subOnly.authToken, cacheA, topic), {publish: DENIED, subscribe: 'ok'});
  assert.deepEqual(await abilities(pubOnly.authToken, cacheA, topic), {publish: 'ok', subscribe: DENIED});
});

test('cache and topic scopes allow exactly their caches and topics', async () => {
  const oneTopic = await mint(DisposableTokenScopes.topicPublishSubscribe(cacheA, 'orders'));
  assert.deepEqual(await abilities(oneTopic.authToken, cacheA, 'other'), {publish: DENIED, subscribe: DENIED});
  assert.deepEqual(await abilities(oneTopic.authToken, cacheB, 'orders'), {publish: DENIED, subscribe: DENIED});

  const oneCache = await mint(DisposableTokenScopes.topicPublishSubscribe(cacheA, AllTopics));
  assert.deepEqual(await abilities(oneCache.authToken, cacheA, 'anything'), {publish: 'ok', subscribe: 'ok'});
  assert.deepEqual(await abilities(oneCache.authToken, cacheB, 'anything'), {publish: DENIED, subscribe: DENIED});

  const everywhere = await mint(DisposableTokenScopes.topicPublishSubscribe(AllCaches, AllTopics));
  assert.deepEqual(await abilities(everywhere.authToken, cacheB, 'anything'), {publish: 'ok', subscribe: 'ok'});
});

test('a topic-prefix permission sent over the Token service allows only matching topics', async () => {
  const client = new tokenProtos.TokenClient(tern.endpoint, grpc.credentials.createInsecure());
  const request = new tokenProtos._GenerateDisposableTokenRequest({
    expires: new tokenProtos._GenerateDisposableTokenRequest.Expires({valid_for_seconds: 300}),
    permissions: new permissions.Permissions({
      explicit: new permissions.ExplicitPermissions({
        permissions: [new permissions.PermissionsType({
          topic_permissions: new permissions.PermissionsType.TopicPermissions({
            role: permissions.TopicRole.TopicReadWrite,
            cache_selector: new permissions.PermissionsType.CacheSelector({cache_name: cacheA}),
            topic_selector: new permissions.PermissionsType.TopicSelector({topic_name_prefix: 'chat-'}),
          }),
        })],
      }),
    }),
  });
  const metadata = new grpc.Metadata();
  metadata.set('authorization', tern.superUserKey);
  const answer = await new Promise((resolve, reject) =>
    client.GenerateDisposableToken(request, metadata, (err, resp) => (err ? reject(err) : resolve(resp))));
  client.close();
  assert.equal(answer.endpoint, 'localhost:0');
  const token = Buffer.from(JSON.stringify({api_key: answer.api_key, endpoint: answer.endpoint})).toString('base64');

  assert.deepEqual(await abilities(token, cacheA, 'chat-room1'), {publish: 'ok', subscribe: 'ok'});
  assert.deepEqual(await abilities(token, cacheA, 'news'), {publish: DENIED, subscribe: DENIED});
  assert.deepEqual(await abilities(token, cacheB, 'chat-room1'), {publish: DENIED, subscribe: DENIED});
});

test('a disposable token cannot manage caches or mint tokens', async () => {
  const minted = await mint(DisposableTokenScopes.topicPublishSubscribe(AllCaches, AllTopics));
  const cacheClient = tern.cacheClient(minted.authToken);
  try {
    const created = await cacheClient.createCache(uniqueName('nope'));
    assert.equal(created.errorCode(), DENIED);
  } finally {
    cacheClient.close();
  }
  const again = await tern.authClient(minted.authToken).generateDisposableToken(
    DisposableTokenScopes.topicPublishSubscribe(cacheA, AllTopics), ExpiresIn.seconds(60));
  assert.ok(again instanceof GenerateDisposableToken.Error);
  assert.equal(again.errorCode(), DENIED);
});

test('an expired token is rejected', async () => {
  const minted = await mint(DisposableTokenScopes.topicPublishSubscribe(cacheA, AllTopics), {}, 1);
  await sleep(2_100);
  const result = await abilities(minted.authToken, cacheA, 'orders');
  assert.deepEqual(result, {publish: MomentoErrorCode.AUTHENTICATION_ERROR, subscribe: MomentoErrorCode.AUTHENTICATION_ERROR});
});

test('the token id arrives as the publisher id of each message', async () => {
  const publisher = await mint(DisposableTokenScopes.topicPublishOnly(cacheA, 'signed'), {tokenId: 'sensor-42'});
  const received = new Received();
  const subscriber = tern.topicClient();
  const subscription = await subscriber.subscribe(cacheA, 'signed', received.handlers());
  assert.ok(subscription instanceof TopicSubscribe.Subscription);
  try {
    assert.ok((await tern.topicClient(publisher.authToken).publish(cacheA, 'signed', 'reading')) instanceof TopicPublish.Success);
    assert.ok((await subscriber.publish(cacheA, 'signed', 'from the super user')) instanceof TopicPublish.Success);
    await received.until(() => received.items.length === 2);
    assert.equal(received.items[0].tokenId(), 'sensor-42');
    assert.ok(!received.items[1].tokenId(), `a key without token id shows none, got ${received.items[1].tokenId()}`);
  } finally {
    subscription.unsubscribe();
  }
});
