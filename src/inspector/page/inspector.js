// titancard-wh inspector: the deliveries of `listen --ui`, live. Plain JavaScript, no library.
// Everything a delivery carries is put in the page as text (textContent), never as HTML.
'use strict';

const CAPACITY = 1000;
const VERDICTS = ['accepted', 'duplicate', 'invalid_signature', 'malformed_json', 'invalid_payload',
  'event_mismatch', 'simulated_failure', 'forward_failed', 'forward_unreachable', 'save_failed',
  'not_found', 'method_not_allowed', 'too_large', 'body_incomplete'];
// The payload's identifying fields, in the order the list shows them.
const KEY_FIELDS = ['full_name', 'name', 'card_name', 'contact_name', 'email', 'contact_email'];
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const $ = (id) => document.getElementById(id);

const state = {
  run: null, info: null, records: [], byId: new Map(), selected: null,
  paused: false, held: [], heldOver: 0, older: 0, lost: 0, missed: 0, queue: [], frame: 0,
  filter: [], source: null,
};

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// --- the list -------------------------------------------------------------------------------

function time(record) {
  const at = new Date(record.received_at);
  if (isNaN(at)) return record.received_at;
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
}

function size(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function badges(record) {
  const out = [];
  const sig = record.signature;
  if (sig) out.push(sig.ok
    ? el('span', { class: 'badge ok sig', title: 'the signature matched', text: `signature ✓ #${sig.secret}` })
    : el('span', { class: 'badge bad sig', title: sig.problem || '', text: 'signature ✗' }));
  const schema = record.schema;
  if (schema) out.push(schema.ok
    ? el('span', { class: 'badge ok schema', text: 'schema ✓' })
    : el('span', { class: 'badge bad schema', title: `${schema.errors.length} errors`, text: 'schema ✗' }));
  if (record.verdict === 'duplicate') out.push(el('span', { class: 'badge dup', text: 'duplicate' }));
  else if (record.verdict && !['accepted', 'invalid_signature', 'invalid_payload'].includes(record.verdict)) {
    out.push(el('span', { class: 'badge info', text: record.verdict.replace(/_/g, ' ') }));
  }
  return out;
}

function statusCell(status) {
  if (status === null || status === undefined) return el('td', { text: '–' });
  return el('td', {}, el('span', { class: `status s${String(status)[0]}`, text: String(status) }));
}

// An event name that may break after its dot when the list is narrow.
function eventName(text) {
  const name = el('span', { class: 'name' });
  text.split('.').forEach((part, index) => {
    if (index > 0) name.append('.', el('wbr'));
    name.append(part);
  });
  return name;
}

// The event and who it is about, and for a failed delivery why, in a line under them. An email
// may break anywhere; names and reasons only between words.
function what(record) {
  const values = KEY_FIELDS.map((key) => (record.fields || {})[key]).filter(Boolean);
  const who = el('span', { class: 'who' });
  values.forEach((value, index) => {
    if (index > 0) who.append(' · ');
    who.append(el('span', { class: value.includes('@') ? 'email' : null, text: value }));
  });
  return el('td', { class: 'event' },
    eventName(record.event || `${record.method} ${record.path}`),
    values.length ? who : null,
    record.reason ? el('div', { class: 'reason', title: record.reason, text: record.reason }) : null);
}

function row(record) {
  const forward = record.forward;
  const app = !forward ? '' : forward.status !== null ? `→ ${forward.status}` : '→ no answer';
  const tr = el('tr', { 'data-id': record.id, 'data-verdict': record.verdict || '', onclick: () => select(record.id) },
    el('td', { class: 'time', text: time(record) }),
    what(record),
    el('td', { class: 'checks' }, badges(record)),
    statusCell(record.status),
    el('td', { class: 'num', text: size(record.size) }),
    el('td', { class: `app status ${forward && forward.status !== null && forward.status < 300 ? 's2' : 's5'}`, text: app }));
  return tr;
}

function add(records, fresh) {
  for (const record of records) {
    if (state.byId.has(record.id)) continue;
    state.byId.set(record.id, record);
    state.queue.push({ record, fresh });
  }
  if (!state.frame) state.frame = requestAnimationFrame(flush);
}

// New rows go in once a frame, however fast they come; past the capacity the oldest go.
function flush() {
  state.frame = 0;
  const tbody = $('rows');
  const batch = state.queue.splice(0).sort((a, b) => b.record.id - a.record.id);
  // Rows that would be pushed out at once are never built.
  for (const { record } of batch.splice(CAPACITY)) {
    state.byId.delete(record.id);
    state.older += 1;
  }
  const fragment = document.createDocumentFragment();
  for (const { record, fresh } of batch) {
    record.row = row(record);
    if (fresh) record.row.classList.add('fresh');
    record.row.hidden = !matches(record);
    fragment.append(record.row);
  }
  const newest = state.records[0];
  if (batch.length && (!newest || batch[batch.length - 1].record.id > newest.id)) {
    tbody.prepend(fragment);
    state.records = batch.map((b) => b.record).concat(state.records);
  } else {
    tbody.append(fragment);
    state.records = state.records.concat(batch.map((b) => b.record)).sort((a, b) => b.id - a.id);
    state.records.forEach((r) => tbody.append(r.row));
  }
  while (state.records.length > CAPACITY) {
    const old = state.records.pop();
    old.row.remove();
    state.byId.delete(old.id);
    state.older += 1;
  }
  counts();
}

function counts() {
  const shown = state.records.filter((r) => !r.row.hidden).length;
  $('shown').textContent = `${shown} shown of ${state.records.length}` + (state.records[0] ? ` · newest #${state.records[0].id}` : '');
  $('empty').hidden = state.records.length > 0;
  $('no-match').hidden = !(state.records.length > 0 && shown === 0);
  const parts = [];
  const older = state.older + state.missed;
  if (older > 0) {
    parts.push(state.info && state.info.save
      ? `${older} older deliveries are not shown here; they are in ${state.info.save} (titancard-wh verify reads it).`
      : `${older} older deliveries were dropped: the inspector keeps the last ${CAPACITY} (run listen with --save FILE to keep them all).`);
  }
  if (state.lost > 0) parts.push(`${state.lost} deliveries arrived faster than the inspector could take them and are not shown.`);
  $('notice').textContent = parts.join(' ');
  $('notice').hidden = parts.length === 0;
  $('pending').textContent = state.paused ? `paused: ${state.held.length + state.heldOver} new` : '';
}

// --- the filter -----------------------------------------------------------------------------

// Each word must match: a status (401, 4xx), a verdict, an event (card.created or card), a
// path:value (data.email:jane@example.com, event:card.viewed), or else text in the body.
function parseFilter(text) {
  return text.trim().split(/\s+/).filter(Boolean).map((word) => {
    const lower = word.toLowerCase();
    if (/^[1-5]\d\d$/.test(word)) return (r) => String(r.status) === word;
    if (/^[1-5]xx$/i.test(word)) return (r) => String(r.status)[0] === word[0];
    if (VERDICTS.includes(lower)) return (r) => r.verdict === lower;
    const colon = word.indexOf(':');
    if (colon > 0 && !word.includes('://')) {
      const path = word.slice(0, colon).split('.');
      const want = word.slice(colon + 1).toLowerCase();
      return (r) => {
        let value = payload(r);
        for (const key of path) value = value && typeof value === 'object' ? value[key] : undefined;
        if (value === undefined) return false;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        return text.toLowerCase().includes(want);
      };
    }
    if (/^[a-z_]+(\.[a-z_]+)?$/.test(lower) && !/\s/.test(lower)) {
      return (r) => (r.event && (r.event === lower || r.event.startsWith(`${lower}.`))) || text(r).includes(lower);
    }
    return (r) => text(r).includes(lower);
  });
}

function payload(record) {
  if (record.parsed === undefined) {
    try { record.parsed = record.body_encoding === 'utf8' ? JSON.parse(record.body) : null; } catch { record.parsed = null; }
  }
  return record.parsed;
}

function text(record) {
  if (record.lower === undefined) {
    record.lower = [record.body_encoding === 'utf8' ? record.body : '', record.event || '',
      ...Object.values(record.fields || {}), record.detail || '', record.reason || ''].join('\n').toLowerCase();
  }
  return record.lower;
}

function matches(record) {
  return state.filter.every((test) => test(record));
}

function refilter() {
  state.filter = parseFilter($('filter').value);
  for (const record of state.records) record.row.hidden = !matches(record);
  counts();
}

// --- loading and the stream ------------------------------------------------------------------

async function load() {
  const response = await fetch('api/events', { cache: 'no-store' });
  const doc = await response.json();
  state.run = doc.run;
  state.info = doc;
  state.older = doc.counts.older;
  state.lost = doc.counts.lost;
  state.missed = 0;
  $('receiver').textContent = doc.receiver;
  $('example').textContent = `titancard-wh send card.created --url ${doc.receiver}`;
  $('forward').hidden = !doc.forward_to;
  document.body.classList.toggle('no-forward', !doc.forward_to);
  $('forward-url').textContent = doc.forward_to || '';
  $('save').hidden = !doc.save;
  $('save-file').textContent = doc.save || '';
  reset();
  add(doc.events, false);
  return doc.events.length ? doc.events[0].id : 0;
}

function reset() {
  state.records.forEach((r) => r.row.remove());
  state.records = []; state.byId.clear(); state.queue = []; state.held = []; state.heldOver = 0;
}

function connect(after) {
  if (state.source) state.source.close();
  const source = new EventSource(`api/stream?after=${after}`);
  state.source = source;
  const live = (on) => { const s = $('state'); s.className = `state ${on ? 'live' : 'reconnecting'}`; s.textContent = on ? 'live' : 'reconnecting…'; };
  source.onopen = () => live(true);
  source.onerror = () => live(false);
  source.addEventListener('hello', (event) => {
    live(true);
    const hello = JSON.parse(event.data);
    // Another run of listen: its ids start afresh, so reload the list from it.
    if (state.run && hello.run !== state.run) load().then(connect);
  });
  source.addEventListener('delivery', (event) => {
    const record = JSON.parse(event.data);
    if (state.paused) {
      if (state.held.length < CAPACITY) state.held.push(record); else state.heldOver += 1;
      counts();
    } else add([record], true);
  });
  source.addEventListener('dropped', (event) => { state.missed += JSON.parse(event.data).missed; counts(); });
  source.addEventListener('cleared', () => { reset(); state.older = 0; state.missed = 0; closeDetail(); counts(); });
}

function togglePause() {
  state.paused = !state.paused;
  $('pause').setAttribute('aria-pressed', String(state.paused));
  $('pause').textContent = state.paused ? 'Resume' : 'Pause';
  if (!state.paused) {
    state.missed += state.heldOver;
    const held = state.held;
    state.held = []; state.heldOver = 0;
    add(held, true);
  }
  counts();
}

async function clearAll() {
  const response = await api('DELETE', 'api/events');
  if (!response.ok) alert((await response.json()).error.message);
}

function api(method, path, body) {
  return fetch(path, {
    method, cache: 'no-store',
    headers: { 'Content-Type': 'application/json', 'X-Inspector-Token': token || '' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

window.inspector = { state, api, select: (id) => select(id) };

document.addEventListener('DOMContentLoaded', () => {
  $('no-token').hidden = Boolean(token);
  $('clear').disabled = !token;
  let pending = 0;
  $('filter').addEventListener('input', () => { clearTimeout(pending); pending = setTimeout(refilter, 80); });
  $('pause').addEventListener('click', togglePause);
  $('clear').addEventListener('click', clearAll);
  load().then(connect).catch((err) => { $('state').textContent = `cannot load: ${err}`; });
});
