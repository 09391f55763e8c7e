'use strict';
// Starts a real Tern server (the built jar) for a test file and builds Momento SDK clients pointed at it.
const {spawn} = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  CacheClient,
  Configurations,
  CredentialProvider,
  TopicClient,
  TopicConfigurations,
  AuthClient,
} = require('@gomomento/sdk');

const JAR = process.env.TERN_JAR || path.resolve(__dirname, '../../../../tern-server/target/tern.jar');
const STARTUP_TIMEOUT_MS = 60_000;

/** Starts `tern serve` on a free loopback port with a fresh data directory. */
async function startTern(extraArgs = []) {
  if (!fs.existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it first with ./mvnw -B -DskipTests package`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tern-js-'));
  const args = ['-jar', JAR, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--access-log', 'false', ...extraArgs];
  const child = spawn('java', args, {stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Tern did not start:\n${output}`)), STARTUP_TIMEOUT_MS);
    const scan = chunk => {
      output += chunk.toString();
      const match = /Tern listening on [^:\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', scan);
    child.stderr.on('data', scan);
    child.on('exit', code => {
      clearTimeout(timer);
      reject(new Error(`Tern exited with ${code}:\n${output}`));
    });
  });
  const superUserKey = fs.readFileSync(path.join(dataDir, 'superuser-api-key'), 'utf8').trim();
  const endpoint = `127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    superUserKey,
    dataDir,
    /** Credentials as a user writes them: the key plus Tern's address for every Momento endpoint. */
    credentials(apiKey = superUserKey, host = endpoint) {
      return CredentialProvider.fromString({
        apiKey,
        endpointOverrides: {cacheEndpoint: host, controlEndpoint: host, tokenEndpoint: host, secureConnection: false},
      });
    },
    topicClient(apiKey, host) {
      return new TopicClient({
        configuration: TopicConfigurations.Default.latest(),
        credentialProvider: this.credentials(apiKey, host),
      });
    },
    cacheClient(apiKey) {
      return new CacheClient({
        configuration: Configurations.Laptop.v1(),
        credentialProvider: this.credentials(apiKey),
        defaultTtlSeconds: 60,
      });
    },
    authClient(apiKey) {
      return new AuthClient({credentialProvider: this.credentials(apiKey)});
    },
    /** Stops the server with SIGTERM (graceful shutdown) and removes its data directory. */
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise(resolve => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, {recursive: true, force: true});
    },
  };
}

/** Collects what a subscription delivers, and lets a test wait for a condition on it. */
class Received {
  constructor() {
    this.items = [];
    this.discontinuities = [];
    this.errors = [];
    this.waiters = [];
  }

  handlers() {
    return {
      onItem: item => this.push(this.items, item),
      onDiscontinuity: d => this.push(this.discontinuities, d),
      onError: e => this.push(this.errors, e),
    };
  }

  push(list, value) {
    list.push(value);
    this.waiters = this.waiters.filter(w => !w());
  }

  /** Resolves once `condition()` holds; fails after `timeoutMs`. */
  until(condition, timeoutMs = 10_000, what = 'condition') {
    if (condition()) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; items=${
        JSON.stringify(this.items.map(i => i.sequenceNumber()))} discontinuities=${
        JSON.stringify(this.discontinuities.map(d => d.toString()))} errors=${this.errors.map(e => e.toString())}`)), timeoutMs);
      this.waiters.push(() => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        return false;
      });
    });
  }
}

let counter = 0;
function uniqueName(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

module.exports = {startTern, Received, uniqueName, sleep};
