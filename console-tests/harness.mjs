// What every console test starts: a real Tern server (the built jar), optionally a real redis-server, and headless
// Chromium (Debian chromium, driven by Playwright). Environment: TERN_JAR (default ../tern-server/target/tern.jar),
// CHROMIUM_PATH (default /usr/bin/chromium), REDIS_SERVER (default redis-server on the PATH).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
export const screenshots = join(here, 'screenshots');
const jar = process.env.TERN_JAR || join(here, '..', 'tern-server', 'target', 'tern.jar');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Why the browser tests cannot run here (Chromium missing), or false. Under CI=true they must run. */
export const skip = !existsSync(chromiumPath) && process.env.CI !== 'true'
  ? `${chromiumPath} is missing (apt-get install chromium, or set CHROMIUM_PATH)` : false;

/** Resolves once `output` (a child's stdout and stderr) matches `pattern`; rejects if the child exits or 60 s pass. */
function awaitLine(child, pattern, what) {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/** Stops a child with SIGTERM and waits for it to exit. */
async function stopChild(child) {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Starts the jar on a free loopback port with its own data directory and `flags` beside the defaults, and resolves
 * once it listens: { url, port, key (the super-user key), dataDir, stop() }.
 */
export async function startTern(...flags) {
  assert.ok(existsSync(jar), `${jar} is missing: build it with ./mvnw -B -pl tern-server -DskipTests package`);
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-console-test-data-'));
  const child = spawn('java', ['-jar', jar, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
    '--access-log', 'false', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  const match = await awaitLine(child, /Tern listening on [^:\s]+:(\d+)/, 'the server');
  const port = Number(match[1]);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    key: readFileSync(join(dataDir, 'superuser-api-key'), 'utf8').trim(),
    dataDir,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A free loopback port (for programs that cannot be told to pick one, such as redis-server). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Why the Redis browser tests cannot run here (redis-server missing), or false. Under CI=true they must run. */
export const skipRedis = skip || (spawnSync(process.env.REDIS_SERVER || 'redis-server', ['--version']).status !== 0
  && process.env.CI !== 'true' ? 'redis-server is missing (apt-get install redis-server)' : false);

/** Starts a redis-server on a free loopback port, no persistence: { url, stop() }. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tern-console-test-redis-'));
  const child = spawn(process.env.REDIS_SERVER || 'redis-server', ['--port', String(port), '--bind', '127.0.0.1',
    '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await awaitLine(child, /Ready to accept connections/, 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches headless Chromium with a fresh profile: { context, page, pageErrors, close() }. pageErrors collects the
 * page's uncaught errors and Content-Security-Policy refusals, which every test expects to stay empty.
 */
export async function launchBrowser(viewport) {
  const profileDir = mkdtempSync(join(tmpdir(), 'tern-console-test-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...(viewport ? { viewport } : {}),
  });
  const page = context.pages()[0] || await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Waits until check() resolves true, polling every 200 ms; fails with what() after `seconds`. */
export async function eventually(check, what, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(await what());
}
