'use strict';
// Run by v2-keys.test.js in its own process (NODE_EXTRA_CA_CERTS must be set before Node starts): uses a v2 API key
// exactly as an application would, through fromApiKeyV2 or fromEnvVarV2, and prints what happened as JSON.
const {CacheClient, Configurations, CreateCache, CredentialProvider, TopicClient, TopicConfigurations, TopicPublish,
  TopicSubscribe} = require('@gomomento/sdk');

async function main() {
  const [mode, cacheName] = process.argv.slice(2);
  const credentialProvider = mode === 'env'
    ? CredentialProvider.fromEnvVarV2()
    : CredentialProvider.fromApiKeyV2({apiKey: process.env.TERN_V2_KEY, endpoint: process.env.TERN_V2_ENDPOINT});
  const result = {endpoints: [credentialProvider.getCacheEndpoint(), credentialProvider.getControlEndpoint(),
    credentialProvider.getTokenEndpoint()], secure: credentialProvider.isEndpointSecure()};
  const caches = new CacheClient({configuration: Configurations.Laptop.v1(), credentialProvider, defaultTtlSeconds: 60});
  const topics = new TopicClient({configuration: TopicConfigurations.Default.latest(), credentialProvider});
  try {
    const created = await caches.createCache(cacheName);
    result.createCache = created instanceof CreateCache.Success ? 'ok' : created.toString();
    const received = [];
    let gotIt;
    const arrived = new Promise(resolve => { gotIt = resolve; });
    const subscription = await topics.subscribe(cacheName, 'v2', {
      onItem: item => { received.push(item.valueString()); gotIt(); },
      onError: () => {},
    });
    result.subscribe = subscription instanceof TopicSubscribe.Subscription ? 'ok' : subscription.toString();
    const published = await topics.publish(cacheName, 'v2', 'over a v2 key');
    result.publish = published instanceof TopicPublish.Success ? 'ok' : published.toString();
    await Promise.race([arrived, new Promise(resolve => setTimeout(resolve, 10_000))]);
    result.received = received;
    if (subscription instanceof TopicSubscribe.Subscription) {
      subscription.unsubscribe();
    }
  } finally {
    caches.close();
    if (typeof topics.close === "function") {
      topics.close();
    }
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch(error => {
  process.stdout.write(`RESULT ${JSON.stringify({failed: String(error && error.stack || error)})}\n`);
  process.exit(1);
});
