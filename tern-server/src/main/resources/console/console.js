// Tern console: plain browser JavaScript, no build step. Talks to Tern's HTTP API with fetch, and watches a topic
// with EventSource (Server-Sent Events) or WebSocket. Values from the server are always shown with textContent.
'use strict';

(() => {
  const MAX_ROWS = 500;
  // WebSocket close codes after which reconnecting can succeed (see docs/browser.md).
  const RECONNECTABLE = new Set([1001, 1006, 1011, 1013, 4429]);

  const $ = (id) => document.getElementById(id);
  const state = { server: '', token: '', watcher: null };

  function setStatus(element, text, kind) {
    element.textContent = text;
    element.className = 'status' + (kind ? ' ' + kind : '');
  }

  function topicPath(cache, topic) {
    return `/topics/${encodeURIComponent(cache)}/${encodeURIComponent(topic)}`;
  }

  /** Calls the HTTP API with the token in the Authorization header; throws Error("status: message") on failure. */
  async function call(method, path, body) {
    const headers = { Authorization: state.token };
    if (body !== undefined) {
      headers['Content-Type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
      body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(state.server + path, { method, headers, body });
    const text = await response.text();
    if (!response.ok) {
      const error = new Error(`${response.status}: ${text.trim() || response.statusText}`);
      error.status = response.status;
      throw error;
    }
    const type = response.headers.get('Content-Type') || '';
    return text && type.includes('json') ? JSON.parse(text) : text;
  }

  // ---- connection -------------------------------------------------------------------------------------------

  async function connect(event) {
    event?.preventDefault();
    state.server = $('server-url').value.replace(/\/+$/, '');
    state.token = $('token').value.trim();
    sessionStorage.setItem('tern.server', state.server);
    sessionStorage.setItem('tern.token', state.token);
    const status = $('connection-status');
    setStatus(status, 'Connecting…');
    try {
      const list = await call('GET', '/caches');
      setStatus(status, `Connected to ${state.server} with a super-user key.`, 'ok');
      renderCaches(list.caches);
      await refreshKeys();
    } catch (error) {
      if (error.status === 403) {
        setStatus(status, `Connected to ${state.server} with a topic token: publish and watch work where it permits; `
          + 'managing caches and minting tokens need a super-user key.', 'ok');
        $('cache-list').replaceChildren();
        $('key-list').replaceChildren();
      } else {
        setStatus(status, `Cannot connect: ${error.message}`, 'error');
      }
    }
  }

  // ---- caches -----------------------------------------------------------------------------------------------

  function renderCaches(caches) {
    const rows = caches.map((cache) => {
      const row = document.createElement('tr');
      const limits = cache.topic_limits || {};
      for (const value of [cache.name, limits.max_publish_rate || 'unlimited',
        limits.max_subscription_count || 'unlimited', limits.max_publish_message_size_kb]) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.append(cell);
      }
      const actions = document.createElement('td');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'danger';
      remove.textContent = 'Delete';
      remove.addEventListener('click', () => deleteCache(cache.name));
      actions.append(remove);
      row.append(actions);
      return row;
    });
    $('cache-list').replaceChildren(...rows);
  }

  async function refreshCaches() {
    try {
      renderCaches((await call('GET', '/caches')).caches);
    } catch (error) {
      setStatus($('caches-status'), error.message, 'error');
    }
  }

  async function createCache(event) {
    event.preventDefault();
    const name = $('cache-name').value.trim();
    const limits = {};
    for (const [id, field] of [['cache-rate', 'max_publish_rate'], ['cache-subscriptions', 'max_subscription_count'],
      ['cache-size', 'max_publish_message_size_kb']]) {
      if ($(id).value !== '') {
        limits[field] = Number($(id).value);
      }
    }
    try {
      await call('PUT', `/caches/${encodeURIComponent(name)}`, Object.keys(limits).length ? limits : undefined);
      setStatus($('caches-status'), `Created cache ${name}.`, 'ok');
      for (const id of ['publish-cache', 'watch-cache', 'webhook-cache']) {
        if (!$(id).value) {
          $(id).value = name;
        }
      }
      await refreshCaches();
    } catch (error) {
      setStatus($('caches-status'), error.message, 'error');
    }
  }

  async function deleteCache(name) {
    if (!window.confirm(`Delete cache ${name}? Its subscriptions end and its topics are forgotten.`)) {
      return;
    }
    try {
      await call('DELETE', `/caches/${encodeURIComponent(name)}`);
      setStatus($('caches-status'), `Deleted cache ${name}.`, 'ok');
      await refreshCaches();
    } catch (error) {
      setStatus($('caches-status'), error.message, 'error');
    }
  }

  // ---- webhooks ---------------------------------------------------------------------------------------------

  function webhooksPath(cache, name) {
    return `/caches/${encodeURIComponent(cache)}/webhooks` + (name === undefined ? '' : `/${encodeURIComponent(name)}`);
  }

  function showSecret(name, secret) {
    $('webhook-secret-of').textContent = name;
    $('webhook-secret').value = secret;
    $('webhook-secret-box').hidden = false;
  }

  function renderWebhooks(cache, webhooks) {
    const rows = webhooks.map((webhook) => {
      const row = document.createElement('tr');
      const delivery = webhook.delivery || {};
      const cursor = delivery.sequence_page ? `${delivery.last_sequence_number} (page ${delivery.sequence_page})` : 'none yet';
      const next = delivery.next_attempt_at ? new Date(delivery.next_attempt_at).toLocaleTimeString() : '';
      for (const value of [webhook.name, webhook.topic, webhook.url, cursor,
        delivery.delivering ? String(delivery.lag_messages) : 'other node', delivery.last_error || '', next]) {
        const cell = document.createElement('td');
        cell.textContent = value;
        row.append(cell);
      }
      const actions = document.createElement('td');
      for (const [label, action, className] of [['Secret', () => readSecret(cache, webhook.name)],
        ['Rotate', () => rotateSecret(cache, webhook.name)],
        ['Delete', () => deleteWebhook(cache, webhook.name), 'danger']]) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = label;
        if (className) {
          button.className = className;
        }
        button.addEventListener('click', action);
        actions.append(button);
      }
      row.append(actions);
      return row;
    });
    $('webhook-list').replaceChildren(...rows);
  }

  async function refreshWebhooks() {
    const cache = $('webhook-cache').value.trim();
    if (!cache) {
      setStatus($('webhooks-status'), 'Name a cache to list its webhooks.', 'error');
      return;
    }
    try {
      renderWebhooks(cache, (await call('GET', webhooksPath(cache))).webhooks);
    } catch (error) {
      setStatus($('webhooks-status'), error.message, 'error');
    }
  }

  async function putWebhook(event) {
    event.preventDefault();
    const cache = $('webhook-cache').value.trim();
    const name = $('webhook-name').value;
    try {
      const answer = await call('PUT', webhooksPath(cache, name),
        { topic: $('webhook-topic').value.trim(), url: $('webhook-url').value.trim() });
      setStatus($('webhooks-status'), `Saved webhook ${name}; each message of ${answer.topic} is POSTed to ${answer.url}.`, 'ok');
      showSecret(name, answer.secret);
      await refreshWebhooks();
    } catch (error) {
      setStatus($('webhooks-status'), error.message, 'error');
    }
  }

  async function readSecret(cache, name) {
    try {
      showSecret(name, (await call('GET', webhooksPath(cache, name) + '/secret')).secret);
    } catch (error) {
      setStatus($('webhooks-status'), error.message, 'error');
    }
  }

  async function rotateSecret(cache, name) {
    try {
      showSecret(name, (await call('POST', webhooksPath(cache, name) + '/secret/rotate')).secret);
      setStatus($('webhooks-status'), `Rotated the secret of ${name}: it signs the next attempt on.`, 'ok');
    } catch (error) {
      setStatus($('webhooks-status'), error.message, 'error');
    }
  }

  async function deleteWebhook(cache, name) {
    if (!window.confirm(`Delete webhook ${name}? Its delivery stops at once.`)) {
      return;
    }
    try {
      await call('DELETE', webhooksPath(cache, name));
      setStatus($('webhooks-status'), `Deleted webhook ${name}.`, 'ok');
      $('webhook-secret-box').hidden = true;
      await refreshWebhooks();
    } catch (error) {
      setStatus($('webhooks-status'), error.message, 'error');
    }
  }

  // ---- tokens -----------------------------------------------------------------------------------------------

  async function mint(event) {
    event.preventDefault();
    const role = $('mint-role').value;
    const request = { expires_in_seconds: Number($('mint-expires').value) };
    if ($('mint-token-id').value.trim()) {
      request.token_id = $('mint-token-id').value.trim();
    }
    if (role === 'super_user') {
      request.permissions = 'super_user';
    } else {
      const kind = $('mint-topic-kind').value;
      const topicValue = $('mint-topic').value.trim();
      const topic = kind === 'all' ? '*' : kind === 'prefix' ? { prefix: topicValue } : topicValue;
      request.permissions = [{ role, cache: $('mint-cache').value.trim(), topic }];
    }
    try {
      const minted = await call('POST', '/tokens', request);
      $('minted-token').value = minted.token;
      $('minted').hidden = false;
      setStatus($('mint-status'), `Valid until ${new Date(minted.valid_until * 1000).toLocaleString()}.`, 'ok');
    } catch (error) {
      $('minted').hidden = true;
      setStatus($('mint-status'), error.message, 'error');
    }
  }

  function useMinted() {
    $('token').value = $('minted-token').value;
    connect();
  }

  // ---- API keys and revocation ------------------------------------------------------------------------------

  function describePermissions(permissions) {
    if (permissions === 'super_user') {
      return 'super user';
    }
    return permissions.map((p) => {
      const topic = typeof p.topic === 'object' ? `${p.topic.prefix}*` : p.topic;
      return `${p.role} ${p.cache}/${topic}`;
    }).join(', ');
  }

  function when(epochSeconds) {
    return epochSeconds ? new Date(epochSeconds * 1000).toLocaleString() : 'never';
  }

  function renderKeys(keys) {
    const rows = keys.map((key) => {
      const row = document.createElement('tr');
      row.dataset.id = key.id;
      for (const value of [key.id, key.description || '', describePermissions(key.permissions) + (key.v2 ? ' (v2)' : ''),
        when(key.created), when(key.expires)]) {
        const cell = document.createElement('td');
        cell.textContent = value;
        row.append(cell);
      }
      const actions = document.createElement('td');
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'danger';
      revoke.textContent = 'Revoke';
      revoke.addEventListener('click', () => revokeKey(key.id));
      actions.append(revoke);
      row.append(actions);
      return row;
    });
    $('key-list').replaceChildren(...rows);
  }

  async function refreshKeys() {
    try {
      renderKeys((await call('GET', '/api-keys')).api_keys);
    } catch (error) {
      $('key-list').replaceChildren();
      setStatus($('keys-status'), error.message, 'error');
    }
  }

  async function createKey(event) {
    event.preventDefault();
    const role = $('key-role').value;
    const request = {};
    if (role === 'super_user') {
      request.permissions = 'super_user';
    } else {
      const topic = $('key-topic').value.trim();
      request.permissions = [{ role, cache: $('key-cache').value.trim(),
        topic: topic.length > 1 && topic.endsWith('*') ? { prefix: topic.slice(0, -1) } : topic }];
    }
    if ($('key-expires').value !== '') {
      request.expires_in_seconds = Number($('key-expires').value);
    }
    if ($('key-description').value.trim()) {
      request.description = $('key-description').value.trim();
    }
    if ($('key-v2').checked) {
      request.v2 = true;
    }
    try {
      const created = await call('POST', '/api-keys', request);
      $('created-key-value').value = created.api_key;
      $('created-key-refresh').value = created.refresh_token;
      $('created-key').hidden = false;
      setStatus($('keys-status'), `Created key ${created.id}; copy it now, it is not shown again.`, 'ok');
      await refreshKeys();
    } catch (error) {
      $('created-key').hidden = true;
      setStatus($('keys-status'), error.message, 'error');
    }
  }

  async function revokeKey(id) {
    if (!window.confirm(`Revoke API key ${id}? It stops working everywhere, and its open streams end.`)) {
      return;
    }
    try {
      await call('DELETE', `/api-keys/${encodeURIComponent(id)}`);
      setStatus($('keys-status'), `Revoked key ${id}.`, 'ok');
      await refreshKeys();
    } catch (error) {
      setStatus($('keys-status'), error.message, 'error');
    }
  }

  async function revokeTokens(event) {
    event.preventDefault();
    const tokenId = $('revoke-token-id').value.trim();
    try {
      await call('POST', '/tokens/revoke', { token_id: tokenId });
      setStatus($('revoke-token-status'), `Revoked every token minted so far with token id ${tokenId}.`, 'ok');
    } catch (error) {
      setStatus($('revoke-token-status'), error.message, 'error');
    }
  }

  // ---- publish ----------------------------------------------------------------------------------------------

  async function publish(event) {
    event.preventDefault();
    const cache = $('publish-cache').value.trim();
    const topic = $('publish-topic').value.trim();
    const socket = state.watcher;
    try {
      if (socket?.publish && socket.cache === cache && socket.topic === topic && socket.isOpen()) {
        // Watching this topic over a WebSocket: publish through it, and show the sequence number it was given.
        const published = await socket.publish($('publish-text').value);
        setStatus($('publish-status'), `Published to ${cache}/${topic} over the WebSocket as sequence `
          + `${published.topic_sequence_number}.`, 'ok');
        return;
      }
      await call('POST', topicPath(cache, topic), $('publish-text').value);
      setStatus($('publish-status'), `Published to ${cache}/${topic} at ${new Date().toLocaleTimeString()}.`, 'ok');
    } catch (error) {
      setStatus($('publish-status'), error.message, 'error');
    }
  }

  // ---- watch ------------------------------------------------------------------------------------------------

  function addRow(kind, cells, className) {
    const row = document.createElement('tr');
    if (className) {
      row.className = className;
    }
    for (const value of [new Date().toLocaleTimeString(), kind, ...cells]) {
      const cell = document.createElement('td');
      cell.textContent = value === undefined || value === null ? '' : String(value);
      row.append(cell);
    }
    row.dataset.kind = kind;
    const events = $('events');
    events.prepend(row);
    while (events.children.length > MAX_ROWS) {
      events.lastElementChild.remove();
    }
  }

  function notice(text) {
    addRow('notice', ['', '', '', text], 'notice');
  }

  /** Shows one event in the long-poll item shape; returns the position to resume from after it, if any. */
  function showEvent(message) {
    if (message.item) {
      const item = message.item;
      const isText = item.value && 'text' in item.value;
      addRow(isText ? 'text' : 'binary', [item.sequence_page, item.topic_sequence_number, item.publisher_id,
        isText ? item.value.text : `base64 ${item.value.binary}`], 'item');
      return { sequence: item.topic_sequence_number + 1, page: item.sequence_page };
    }
    if (message.discontinuity) {
      const gap = message.discontinuity;
      addRow('discontinuity', [gap.new_sequence_page, `${gap.last_topic_sequence} → ${gap.new_topic_sequence}`, '',
        `missed messages: last seen ${gap.last_topic_sequence}, next is ${gap.new_topic_sequence}`], 'discontinuity');
      return { sequence: gap.new_topic_sequence, page: gap.new_sequence_page };
    }
    return null;
  }

  function watch(event) {
    event.preventDefault();
    stopWatching();
    const cache = $('watch-cache').value.trim();
    const topic = $('watch-topic').value.trim();
    const from = $('watch-from').value === '' ? null : { sequence: Number($('watch-from').value), page: 0 };
    // Several topics ("a, b") or prefixes ("room-*") are watched on one multi-topic event stream.
    const names = topic.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const many = names.length > 1 || names.some((name) => name.endsWith('*'));
    const watcher = many
      ? watchMany(cache, names)
      : $('watch-transport').value === 'websocket'
        ? watchWebSocket(cache, topic, from)
        : watchEventSource(cache, topic, from);
    state.watcher = watcher;
    $('stop').disabled = false;
  }

  function stopWatching() {
    if (state.watcher) {
      state.watcher.stop();
      state.watcher = null;
      setStatus($('watch-status'), 'Stopped.');
    }
    $('stop').disabled = true;
  }

  /** EventSource with ?format=json: every event is a plain message in the long-poll item shape. */
  function watchEventSource(cache, topic, from) {
    const params = new URLSearchParams({ token: state.token, format: 'json' });
    if (from) {
      params.set('sequence_number', String(from.sequence));
      if (from.page) {
        params.set('sequence_page', String(from.page));
      }
    }
    let lastPosition = null;
    const url = `${state.server}${topicPath(cache, topic)}?${params}`;
    const status = $('watch-status');
    const source = new EventSource(url);
    const watcher = { stop: () => source.close() };
    setStatus(status, `Connecting to ${cache}/${topic} with Server-Sent Events…`);
    source.onopen = () => {
      setStatus(status, `Watching ${cache}/${topic} with Server-Sent Events.`, 'ok');
      notice('stream open');
    };
    source.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.end) {
        source.close();
        const why = data.end.message ? `${data.end.reason}: ${data.end.message}` : data.end.reason;
        notice(`stream ended (${why})`);
        setStatus(status, `Stream ended: ${why}.`, data.end.reason === 'shutdown' ? '' : 'error');
        if (data.end.reason === 'shutdown') {
          // The server is going away: reconnect like EventSource would, from the last event id.
          setTimeout(() => {
            if (state.watcher === watcher) {
              state.watcher = watchEventSource(cache, topic, lastPosition || from);
            }
          }, 2000);
        }
        return;
      }
      const next = showEvent(data);
      if (next) {
        lastPosition = next;
      }
    };
    source.onerror = async () => {
      if (source.readyState === EventSource.CONNECTING) {
        setStatus(status, 'Connection lost; EventSource is reconnecting from the last event id…');
        return;
      }
      // EventSource does not reveal why a stream was refused; ask once with fetch to show the status and message.
      const reason = await refusalOf(url);
      setStatus(status, `Stream refused: ${reason}`, 'error');
    };
    return watcher;
  }

  /** GET /caches/{cache}/events: names and prefixes (written "room-*") on one EventSource, each row naming its topic. */
  function watchMany(cache, names) {
    const params = new URLSearchParams({ token: state.token });
    for (const name of names) {
      if (name.endsWith('*')) {
        params.append('prefix', name.slice(0, -1));
      } else {
        params.append('topic', name);
      }
    }
    const url = `${state.server}/caches/${encodeURIComponent(cache)}/events?${params}`;
    const status = $('watch-status');
    const what = `${cache}: ${names.join(', ')}`;
    const source = new EventSource(url);
    const watcher = { stop: () => source.close() };
    setStatus(status, `Connecting to ${what} with one Server-Sent Events stream…`);
    source.onopen = () => {
      setStatus(status, `Watching ${what} with one Server-Sent Events stream.`, 'ok');
      notice('stream open');
    };
    source.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.end) {
        source.close();
        notice(`stream ended (${data.end.reason})`);
        setStatus(status, `Stream ended: ${data.end.message || data.end.reason}.`, 'error');
        return;
      }
      if (data.error) {
        notice(`${data.topic}: ${data.error.status} ${data.error.message}`);
        return;
      }
      // The topic goes in front of the value; EventSource resumes every topic from the last event id itself.
      if (data.item && data.item.value) {
        const value = data.item.value;
        data.item.value = 'text' in value ? { text: `[${data.topic}] ${value.text}` } : { text: `[${data.topic}] base64 ${value.binary}` };
      }
      showEvent(data);
    };
    source.onerror = async () => {
      if (source.readyState === EventSource.CONNECTING) {
        setStatus(status, 'Connection lost; EventSource is reconnecting from the last event id…');
        return;
      }
      setStatus(status, `Stream refused: ${await refusalOf(url)}`, 'error');
    };
    return watcher;
  }

  async function refusalOf(url) {
    const abort = new AbortController();
    try {
      const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
      if (response.ok) {
        return 'the stream closed';
      }
      return `${response.status}: ${(await response.text()).trim()}`;
    } catch (error) {
      return `cannot reach the server (${error.message})`;
    } finally {
      abort.abort();
    }
  }

  /** WebSocket: JSON frames in the long-poll item shape; reconnects from the last position when the close code says so. */
  function watchWebSocket(cache, topic, from) {
    const status = $('watch-status');
    let position = from;
    let stopped = false;
    let socket = null;
    let attempts = 0;
    let nextRequest = 1;
    const pending = new Map();

    function open() {
      const params = new URLSearchParams({ token: state.token });
      if (position) {
        params.set('sequence_number', String(position.sequence));
        params.set('sequence_page', String(position.page));
      }
      const url = `${state.server.replace(/^http/, 'ws')}${topicPath(cache, topic)}?${params}`;
      setStatus(status, `Connecting to ${cache}/${topic} with WebSocket…`);
      socket = new WebSocket(url);
      socket.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.heartbeat) {
          if (status.textContent.startsWith('Connecting')) {
            attempts = 0;
            setStatus(status, `Watching ${cache}/${topic} with WebSocket.`, 'ok');
            notice('socket open');
          }
          return;
        }
        const answer = data.published || data.error;
        if (answer && pending.has(answer.request_id)) {
          const { resolve, reject } = pending.get(answer.request_id);
          pending.delete(answer.request_id);
          if (data.published) {
            resolve(data.published);
          } else {
            reject(new Error(`${data.error.status}: ${data.error.message}`));
          }
          return;
        }
        if (data.error) {
          notice(`error ${data.error.status}: ${data.error.message}`);
          return;
        }
        const next = showEvent(data);
        if (next) {
          position = next;
        }
      };
      socket.onclose = (close) => {
        for (const { reject } of pending.values()) {
          reject(new Error(`the socket closed (${close.code}) before the answer`));
        }
        pending.clear();
        if (stopped) {
          return;
        }
        const why = `closed with ${close.code}${close.reason ? ` (${close.reason})` : ''}`;
        notice(why);
        if (RECONNECTABLE.has(close.code)) {
          const delay = Math.min(30000, 1000 * 2 ** attempts++);
          setStatus(status, `Socket ${why}; reconnecting in ${delay / 1000} s…`);
          setTimeout(() => { if (!stopped) open(); }, delay);
        } else {
          setStatus(status, `Socket ${why}; not reconnecting.`, 'error');
        }
      };
    }

    open();
    return {
      cache,
      topic,
      isOpen: () => socket?.readyState === WebSocket.OPEN,
      /** Publishes text over the socket; resolves with the `published` answer, rejects with the `error` one. */
      publish: (text) => new Promise((resolve, reject) => {
        const requestId = `console-${nextRequest++}`;
        pending.set(requestId, { resolve, reject });
        socket.send(JSON.stringify({ publish: { text }, request_id: requestId }));
      }),
      stop: () => {
        stopped = true;
        socket?.close(1000, 'stopped');
      },
    };
  }

  // ---- start ------------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('server-url').value = sessionStorage.getItem('tern.server') || window.location.origin;
    $('token').value = sessionStorage.getItem('tern.token') || '';
    $('publish-topic').value = 'demo';
    $('watch-topic').value = 'demo';
    $('connect-form').addEventListener('submit', connect);
    $('create-cache-form').addEventListener('submit', createCache);
    $('refresh-caches').addEventListener('click', refreshCaches);
    $('mint-form').addEventListener('submit', mint);
    $('webhook-form').addEventListener('submit', putWebhook);
    $('refresh-webhooks').addEventListener('click', refreshWebhooks);
    $('use-minted').addEventListener('click', useMinted);
    $('key-form').addEventListener('submit', createKey);
    $('refresh-keys').addEventListener('click', refreshKeys);
    $('revoke-token-form').addEventListener('submit', revokeTokens);
    $('publish-form').addEventListener('submit', publish);
    $('watch-form').addEventListener('submit', watch);
    $('stop').addEventListener('click', stopWatching);
    $('clear').addEventListener('click', () => $('events').replaceChildren());
    if ($('token').value) {
      connect();
    }
  });
})();
