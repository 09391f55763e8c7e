// Tern's live dashboard: reads this server's /metrics every second and charts it with uPlot (served from the jar),
// and explores a cache's topics with GET /caches/{cache}/topics. Every figure shown carries its raw number in
// data-value, so what the page shows can be compared with /metrics.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const POINTS = 120;        // two minutes at one sample a second
  const TRANSPORTS = ['long_poll', 'sse', 'websocket', 'grpc', 'other'];
  const TRANSPORT_NAMES = { long_poll: 'long poll', sse: 'SSE', websocket: 'WebSocket', grpc: 'gRPC', other: 'other' };
  const COLORS = ['#1f6feb', '#067647', '#b54708', '#7a2e98', '#5b6475'];
  const token = () => $('token').value.trim();

  /** Prometheus text format: series (name with its labels, as written) to value. */
  function parseMetrics(text) {
    const values = new Map();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = line.match(/^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+(\S+)/);
      if (match) values.set(match[1], Number(match[2]));
    }
    return values;
  }

  function show(id, value, text) {
    const element = $(id);
    element.dataset.value = String(value);
    element.textContent = text ?? formatNumber(value);
  }

  function formatNumber(value) {
    if (value === null || Number.isNaN(value)) return '–';
    return Math.abs(value) >= 100 || Number.isInteger(value) ? Math.round(value).toLocaleString('en') : value.toFixed(1);
  }

  function chart(element, series, yLabel) {
    const opts = {
      width: Math.max(300, element.clientWidth || 500), height: 200,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: yLabel, size: 60 }],
      series: [{}, ...series.map((name, i) => ({ label: name, stroke: COLORS[i % COLORS.length], width: 2,
        points: { show: false } }))],
      legend: { live: false },
    };
    const data = [[], ...series.map(() => [])];
    const plot = new uPlot(opts, data, element);
    new ResizeObserver(() => plot.setSize({ width: Math.max(300, element.clientWidth), height: 200 })).observe(element);
    return {
      add(time, values) {
        data[0].push(time);
        values.forEach((v, i) => data[i + 1].push(v));
        if (data[0].length > POINTS) data.forEach((column) => column.shift());
        plot.setData(data);
      },
    };
  }

  // ---- server overview ----
  let charts;
  let previous = null;

  function sum(values, name) {
    let total = 0;
    let found = false;
    for (const [series, value] of values) {
      if (series === name || series.startsWith(name + '{')) {
        total += value;
        found = true;
      }
    }
    return found ? total : null;
  }

  async function scrape() {
    let values;
    try {
      const response = await fetch('/metrics', { cache: 'no-store' });
      values = parseMetrics(await response.text());
    } catch (error) {
      $('server-status').textContent = `Cannot read /metrics: ${error.message}`;
      $('server-status').className = 'status not-ready';
      return;
    }
    const now = Date.now() / 1000;
    const sample = {
      time: now,
      publishes: sum(values, 'tern_publishes_total'),
      deliveries: sum(values, 'tern_deliveries_total'),
      lags: sum(values, 'tern_subscriber_lags_total'),
    };
    const rate = (key) => previous && sample.time > previous.time
      ? Math.max(0, (sample[key] - previous[key]) / (sample.time - previous.time)) : null;
    const publishRate = rate('publishes');
    const deliveryRate = rate('deliveries');
    const lagRate = rate('lags');
    previous = sample;

    const ready = values.get('tern_ready');
    $('server-status').textContent = `${ready === 0 ? 'Not ready' : 'Ready'} · updated ${new Date().toLocaleTimeString()}`;
    $('server-status').className = `status ${ready === 0 ? 'not-ready' : 'ready'}`;
    show('stat-publishes', sample.publishes);
    show('stat-deliveries', sample.deliveries);
    show('stat-subscribers', sum(values, 'tern_subscribers'));
    show('stat-topics', sum(values, 'tern_topics'));
    if (publishRate !== null) {
      show('stat-publish-rate', publishRate);
      show('stat-delivery-rate', deliveryRate);
      show('stat-lag-rate', lagRate);
      charts.throughput.add(now, [publishRate, deliveryRate]);
      charts.lags.add(now, [lagRate]);
    }
    const byTransport = TRANSPORTS.map((t) => values.get(`tern_subscribers_by_transport{transport="${t}"}`) ?? 0);
    charts.subscribers.add(now, byTransport);
    const legend = $('subscribers-by-transport');
    legend.textContent = TRANSPORTS.map((t, i) => `${TRANSPORT_NAMES[t]} ${byTransport[i]}`).join(' · ');
    TRANSPORTS.forEach((t, i) => { legend.dataset[t] = String(byTransport[i]); });

    const webhookLag = sum(values, 'tern_webhook_lag_messages');
    document.querySelectorAll('.webhook').forEach((element) => { element.hidden = webhookLag === null; });
    $('no-webhooks').hidden = webhookLag !== null;
    if (webhookLag !== null) {
      charts.webhook ??= chart($('chart-webhook'), ['lag'], 'messages');
      show('stat-webhook-lag', webhookLag);
      charts.webhook.add(now, [webhookLag]);
    }
  }

  // ---- topic explorer ----
  let exploring = null;     // the cache shown
  let watching = null;      // { cache, topic, chart, source }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Authorization: token() }, cache: 'no-store' });
    const body = await response.text();
    if (!response.ok) {
      let message = body;
      try { message = JSON.parse(body).message ?? body; } catch { /* not JSON */ }
      throw new Error(`${response.status}: ${message}`);
    }
    return JSON.parse(body);
  }

  function idle(ms) {
    return ms < 1000 ? `${ms} ms` : ms < 120000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60000)} min`;
  }

  function history(topic) {
    return topic.history_messages === null ? '–' : `${topic.history_messages} msgs, ${topic.history_bytes} B`;
  }

  async function refreshTopics() {
    if (!exploring) return;
    try {
      const list = await getJson(`/caches/${encodeURIComponent(exploring)}/topics?limit=50`);
      const shown = list.topics.length < list.total ? ` (the ${list.topics.length} most active shown)` : '';
      $('topics-status').textContent = `${list.total} live topic${list.total === 1 ? '' : 's'} in ${list.cache}${shown}`
        + (list.scope === 'cluster' ? ` — summed over ${list.nodes} node${list.nodes === 1 ? '' : 's'} (Redis)` : '');
      $('topics-status').className = 'status ok';
      const rows = list.topics.map((topic) => {
        const row = document.createElement('tr');
        row.dataset.topic = topic.topic;
        if (watching && watching.topic === topic.topic) row.className = 'selected';
        const cells = [topic.topic, topic.subscribers.total, topic.subscribers.long_poll, topic.subscribers.sse,
          topic.subscribers.websocket, topic.subscribers.grpc, topic.sequence_page ?? '–', topic.last_sequence_number ?? '–',
          history(topic), topic.publishes_per_second.toFixed(2), idle(topic.idle_ms)];
        for (const value of cells) {
          const cell = document.createElement('td');
          cell.textContent = String(value);
          row.append(cell);
        }
        row.addEventListener('click', () => watchTopic(list.cache, topic.topic));
        return row;
      });
      $('topic-list').replaceChildren(...rows);
    } catch (error) {
      $('topics-status').textContent = `Cannot list topics: ${error.message}`;
      $('topics-status').className = 'status error';
    }
  }

  function explore(event) {
    event.preventDefault();
    sessionStorage.setItem('tern.token', token());
    exploring = $('cache').value.trim();
    refreshTopics();
  }

  function watchTopic(cache, topic) {
    watching?.source?.close();
    $('topic-section').hidden = false;
    $('topic-title').textContent = `Topic ${cache}/${topic}`;
    $('tail').replaceChildren();
    const element = $('chart-topic');
    element.replaceChildren();
    watching = { cache, topic, chart: chart(element, ['subscribers', 'publishes/s'], '') };
    document.querySelectorAll('#topic-list tr').forEach((row) => {
      row.className = row.dataset.topic === topic ? 'selected' : '';
    });
    // The messages themselves, over Server-Sent Events (needs a role that may subscribe).
    const url = `/topics/${encodeURIComponent(cache)}/${encodeURIComponent(topic)}?format=json&token=${encodeURIComponent(token())}`;
    const source = new EventSource(url);
    watching.source = source;
    $('tail-status').textContent = 'Connecting to the topic…';
    source.onopen = () => { $('tail-status').textContent = 'Showing new messages as they arrive.'; };
    source.onerror = () => { $('tail-status').textContent = 'The message stream is interrupted (the token may not allow subscribing); retrying.'; };
    source.onmessage = (message) => {
      const event = JSON.parse(message.data);
      let cells;
      if (event.item) {
        const value = event.item.value.text ?? `(binary, base64) ${event.item.value.binary}`;
        cells = [event.item.topic_sequence_number, event.item.publisher_id ?? '', value];
      } else if (event.discontinuity) {
        cells = ['', '', `missed messages: last seen ${event.discontinuity.last_topic_sequence}, `
          + `next is ${event.discontinuity.new_topic_sequence}`];
      } else {
        $('tail-status').textContent = `The stream ended (${event.end?.reason ?? 'unknown'}).`;
        return;
      }
      const row = document.createElement('tr');
      for (const value of [new Date().toLocaleTimeString(), ...cells]) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.append(cell);
      }
      $('tail').prepend(row);
      while ($('tail').rows.length > 20) $('tail').deleteRow(-1);
    };
    refreshTopic();
  }

  async function refreshTopic() {
    if (!watching) return;
    const current = watching;
    try {
      const topic = await getJson(`/caches/${encodeURIComponent(current.cache)}/topics/${encodeURIComponent(current.topic)}`);
      if (current !== watching) return;
      const details = [
        ['Subscribers', topic.subscribers.total, 'subscribers'],
        ...TRANSPORTS.slice(0, 4).map((t) => [TRANSPORT_NAMES[t], topic.subscribers[t], t]),
        ['Sequence page', topic.sequence_page ?? '–', 'page'],
        ['Last sequence', topic.last_sequence_number ?? '–', 'last-sequence'],
        ['History', history(topic), 'history'],
        ['Publishes/s (1 min)', topic.publishes_per_second.toFixed(2), 'rate'],
        ['Idle', idle(topic.idle_ms), 'idle'],
      ].map(([label, value, key]) => {
        const item = document.createElement('div');
        const term = document.createElement('dt');
        term.textContent = label;
        const definition = document.createElement('dd');
        definition.textContent = String(value);
        definition.dataset.field = key;
        item.append(term, definition);
        return item;
      });
      $('topic-details').replaceChildren(...details);
      current.chart.add(Date.now() / 1000, [topic.subscribers.total, topic.publishes_per_second]);
    } catch (error) {
      $('tail-status').textContent = `Cannot read the topic: ${error.message}`;
    }
  }

  async function suggestCaches() {
    try {
      const { caches } = await getJson('/caches');
      $('cache-names').replaceChildren(...caches.map((cache) => {
        const option = document.createElement('option');
        option.value = cache.name;
        return option;
      }));
      if (!$('cache').value && caches.length > 0) $('cache').value = caches[0].name;
    } catch { /* not a super user: type the cache name */ }
  }

  document.addEventListener('DOMContentLoaded', () => {
    charts = {
      throughput: chart($('chart-throughput'), ['publishes/s', 'deliveries/s'], 'per second'),
      subscribers: chart($('chart-subscribers'), TRANSPORTS.map((t) => TRANSPORT_NAMES[t]), 'subscribers'),
      lags: chart($('chart-lags'), ['lagging/s'], 'per second'),
    };
    $('token').value = sessionStorage.getItem('tern.token') || '';
    $('topics-form').addEventListener('submit', explore);
    $('token').addEventListener('change', suggestCaches);
    if (token()) suggestCaches();
    scrape();
    setInterval(() => { scrape(); refreshTopics(); refreshTopic(); }, 1000);
  });
})();
