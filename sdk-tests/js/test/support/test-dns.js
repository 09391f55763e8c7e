'use strict';
// Loaded with `node --require` by the v2-key test: resolves every name under TERN_TEST_DOMAIN (e.g. cache.tern.test,
// control.tern.test, token.tern.test, the names the SDK derives from a v2 key's endpoint) to 127.0.0.1, so the test
// needs neither /etc/hosts nor a DNS server. Every other name resolves as usual.
const dns = require('node:dns');

const domain = process.env.TERN_TEST_DOMAIN;
const ours = host => typeof host === 'string' && domain && (host === domain || host.endsWith(`.${domain}`));
const loopback = {address: '127.0.0.1', family: 4};

const lookup = dns.lookup;
dns.lookup = (host, options, callback) => {
  if (!ours(host)) {
    return lookup(host, options, callback);
  }
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => (all ? done(null, [loopback]) : done(null, loopback.address, loopback.family)));
  return undefined;
};

const promiseLookup = dns.promises.lookup;
dns.promises.lookup = (host, options) => {
  if (!ours(host)) {
    return promiseLookup(host, options);
  }
  return Promise.resolve(options && options.all ? [loopback] : loopback);
};

const resolveTxt = dns.promises.resolveTxt;
dns.promises.resolveTxt = host => {
  if (!ours(host)) {
    return resolveTxt(host);
  }
  const error = new Error(`no TXT records for ${host}`);
  error.code = 'ENODATA';
  return Promise.reject(error);
};
