'use strict';
// The browser SDK, @gomomento/sdk-web, over gRPC-Web on Tern's HTTP port. It runs here under Node with an
// XMLHttpRequest that behaves as a browser's (the CORS side is covered by GrpcWebTest in the Java suite).
global.XMLHttpRequest = require('./support/streaming-xhr');
if (typeof navigator === 'undefined') {
  global.navigator = {userAgent: 'node'}; // read by the SDK's client metadata; Node 21+ has it
}
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const web = require('@gomomento/sdk-web');
const {startTern, Received, uniqueName} = require('./support/tern');

let tern;
let credentialProvider;

before(async () => {
  tern = await startTern();
  const base = `http://${tern.endpoint}`; // sdk-web takes the scheme from the endpoint (https:// when none)
  credentialProvider = web.CredentialProvider.fromString({
    apiKey: tern.superUserKey,
    endpointOverrides: {cacheEndpoint: base, controlEndpoint: base, tokenEndpoint: base},
  });
});

after(async () => {
  await tern?.stop();
});

test('sdk-web manages caches, publishes and subscribes over gRPC-Web', async () => {
  const caches = new web.CacheClient({configuration: web.Configurations.Browser.v1(), credentialProvider, defaultTtlSeconds: 60});
  const cache = uniqueName('web');
  assert.ok((await caches.createCache(cache)) instanceof web.CreateCache.Success);
  const listed = await caches.listCaches();
  assert.ok(listed instanceof web.ListCaches.Success, `list answered ${listed}`);
  assert.ok(listed.getCaches().some(c => c.getName() === cache));

  const topics = new web.TopicClient({configuration: web.TopicConfigurations.Browser.latest(), credentialProvider});
  const received = new Received();
  const subscription = await topics.subscribe(cache, 'page', received.handlers());
  assert.ok(subscription instanceof web.TopicSubscribe.Subscription, `subscribe answered ${subscription.constructor.name}`);
  try {
    assert.ok((await topics.publish(cache, 'page', 'hello browser')) instanceof web.TopicPublish.Success);
    assert.ok((await topics.publish(cache, 'page', new Uint8Array([7, 8, 9]))) instanceof web.TopicPublish.Success);
    await received.until(() => received.items.length === 2);
    assert.deepEqual(received.items.map(i => i.sequenceNumber()), [1, 2]);
    assert.equal(received.items[0].valueString(), 'hello browser');
    assert.deepEqual(Array.from(received.items[1].valueUint8Array()), [7, 8, 9]);
  } finally {
    subscription.unsubscribe();
  }

  const missing = await topics.publish(uniqueName('missing'), 'page', 'x');
  assert.ok(missing instanceof web.TopicPublish.Error);
  assert.equal(missing.errorCode(), web.MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
});

test('sdk-web mints a disposable token that works in the browser SDK', async () => {
  const auth = new web.AuthClient({credentialProvider});
  const cache = uniqueName('web');
  await new web.CacheClient({configuration: web.Configurations.Browser.v1(), credentialProvider, defaultTtlSeconds: 60})
    .createCache(cache);
  const minted = await auth.generateDisposableToken(
    web.DisposableTokenScopes.topicPublishOnly(cache, 'page'), web.ExpiresIn.seconds(60), {tokenId: 'browser-1'});
  assert.ok(minted instanceof web.GenerateDisposableToken.Success, `minting answered ${minted}`);

  const base = `http://${tern.endpoint}`;
  const restricted = new web.TopicClient({
    configuration: web.TopicConfigurations.Browser.latest(),
    credentialProvider: web.CredentialProvider.fromString({
      apiKey: minted.authToken, endpointOverrides: {cacheEndpoint: base, controlEndpoint: base, tokenEndpoint: base},
    }),
  });
  const received = new Received();
  const topics = new web.TopicClient({configuration: web.TopicConfigurations.Browser.latest(), credentialProvider});
  const subscription = await topics.subscribe(cache, 'page', received.handlers());
  try {
    assert.ok((await restricted.publish(cache, 'page', 'signed')) instanceof web.TopicPublish.Success);
    await received.until(() => received.items.length === 1);
    assert.equal(received.items[0].tokenId(), 'browser-1');
    const denied = await restricted.subscribe(cache, 'page', {onItem: () => {}});
    assert.equal(denied.errorCode(), web.MomentoErrorCode.PERMISSION_ERROR);
  } finally {
    subscription.unsubscribe();
  }
});
