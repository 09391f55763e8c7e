'use strict';
// v2 API keys as current SDKs take them: CredentialProvider.fromApiKeyV2({apiKey, endpoint}) and fromEnvVarV2()
// (MOMENTO_API_KEY, MOMENTO_ENDPOINT). The SDK derives cache., control. and token. + endpoint and always dials TLS on
// 443, so Tern serves TLS on 443 with a certificate for those names that the client process trusts
// (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH for grpc-js), and a --require hook resolves the names to 127.0.0.1. Skipped when
// 443 cannot be bound.
const {test, before, after} = require('node:test');
const assert = require('node:assert/strict');
const {spawn, spawnSync} = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {startTern, uniqueName} = require('./support/tern');

const DOMAIN = 'tern.test';
const JAR = process.env.TERN_JAR || path.resolve(__dirname, '../../../tern-server/target/tern.jar');

let tern;
let skipReason;
let certDir;

function canBind443() {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(443, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

before(async () => {
  if (!(await canBind443())) {
    skipReason = 'port 443 cannot be bound here (another test may hold it); the SDK dials v2 endpoints on 443 only';
    console.log(`SKIPPED (v2-keys.test.js): ${skipReason}`);
    return;
  }
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-v2-'));
  const cert = path.join(certDir, 'cert.pem');
  const key = path.join(certDir, 'key.pem');
  const made = spawnSync('java', ['-jar', JAR, 'cert', '--name', `${DOMAIN},cache.${DOMAIN},control.${DOMAIN},token.${DOMAIN}`,
    '--cert-out', cert, '--key-out', key], {encoding: 'utf8'});
  assert.equal(made.status, 0, made.stderr);
  tern = await startTern(['--tls-cert', cert, '--tls-key', key, '--tls-port', '443', '--public-endpoint', DOMAIN]);
});

after(async () => {
  await tern?.stop();
  if (certDir) {
    fs.rmSync(certDir, {recursive: true, force: true});
  }
});

/** Runs support/v2-client.js in a fresh Node process with the test's trust and name resolution. */
function runClient(mode, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', path.join(__dirname, 'support/test-dns.js'),
      path.join(__dirname, 'support/v2-client.js'), mode, uniqueName('v2')], {
      // grpc-js (which the SDK dials with) takes its trusted roots from GRPC_DEFAULT_SSL_ROOTS_FILE_PATH; in this Node
      // version it does not see NODE_EXTRA_CA_CERTS, which other TLS clients (fetch, https) do.
      env: {...process.env, NODE_EXTRA_CA_CERTS: path.join(certDir, 'cert.pem'),
        GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: path.join(certDir, 'cert.pem'), TERN_TEST_DOMAIN: DOMAIN, ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', chunk => { output += chunk; });
    child.stderr.on('data', chunk => { output += chunk; });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`client timed out:\n${output}`)); }, 60_000);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = output.split('\n').find(l => l.startsWith('RESULT '));
      if (!line) {
        reject(new Error(`client printed no result:\n${output}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)));
    });
  });
}

const WORKED = {createCache: 'ok', subscribe: 'ok', publish: 'ok', received: ['over a v2 key']};

test('the v2 super-user key from the data directory works through fromApiKeyV2', async t => {
  if (skipReason) {
    t.skip(skipReason);
    return;
  }
  const v2 = fs.readFileSync(path.join(tern.dataDir, 'superuser-api-key-v2'), 'utf8').trim();
  const result = await runClient('props', {TERN_V2_KEY: v2, TERN_V2_ENDPOINT: DOMAIN});
  assert.deepEqual(result.endpoints, [`cache.${DOMAIN}`, `control.${DOMAIN}`, `token.${DOMAIN}`]);
  assert.equal(result.secure, true);
  assert.deepEqual({createCache: result.createCache, subscribe: result.subscribe, publish: result.publish,
    received: result.received}, WORKED, JSON.stringify(result));
});

test('a v2 key issued over HTTP works through fromEnvVarV2', async t => {
  if (skipReason) {
    t.skip(skipReason);
    return;
  }
  const created = await fetch(`http://${tern.endpoint}/api-keys`, {method: 'POST',
    headers: {Authorization: tern.superUserKey, 'Content-Type': 'application/json'},
    body: JSON.stringify({permissions: 'super_user', v2: true, description: 'v2 via env'})});
  assert.equal(created.status, 201);
  const {api_key: apiKey, endpoint} = await created.json();
  assert.equal(endpoint, DOMAIN);
  const result = await runClient('env', {MOMENTO_API_KEY: apiKey, MOMENTO_ENDPOINT: endpoint});
  assert.deepEqual({createCache: result.createCache, subscribe: result.subscribe, publish: result.publish,
    received: result.received}, WORKED, JSON.stringify(result));
});
