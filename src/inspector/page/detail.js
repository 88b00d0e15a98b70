// The detail pane of one delivery: why it was judged so, its headers and body (pretty, or raw
// with hex for bytes that are not UTF-8), the app's answer, and the actions (replay, re-send,
// copy as curl, download). Uses el, $, state, api, badges, time and size from inspector.js.
'use strict';

async function select(id) {
  state.selected = id;
  for (const record of state.records) record.row.classList.toggle('selected', record.id === id);
  const response = await fetch(`api/events/${id}`, { cache: 'no-store' });
  const doc = await response.json();
  if (state.selected !== id) return;
  const pane = $('detail');
  pane.hidden = false;
  if (!response.ok) { pane.replaceChildren(el('p', { class: 'empty', text: doc.error.message })); return; }
  pane.replaceChildren(...detail(doc));
}

function closeDetail() {
  state.selected = null;
  $('detail').hidden = true;
}

function detail(doc) {
  const title = el('h2', {}, el('span', { text: doc.event || `${doc.method} ${doc.path}` }),
    doc.status !== null ? el('span', { class: `status s${String(doc.status)[0]}`, text: String(doc.status) }) : null,
    badges(doc));
  const when = doc.received_at.replace('T', ' ').replace('Z', ' UTC');
  const sub = el('p', { class: 'sub', text: `#${doc.id} · ${doc.verdict || 'no verdict'} · received ${when} · ${size(doc.size)}`
    + (doc.restored ? ' · read back from the --save file' : '') });
  return [title, sub, actions(doc), why(doc), request(doc), answer(doc), curl(doc)].filter(Boolean);
}

// --- why it was rejected ------------------------------------------------------------------------

function why(doc) {
  if (doc.accepted && !(doc.schema && !doc.schema.ok)) return null;
  const box = el('div', { class: 'why' });
  box.append(el('p', {}, el('span', { class: 'label', text: (doc.verdict || 'rejected').replace(/_/g, ' ') }), doc.detail || ''));
  const diagnosis = doc.diagnosis;
  if (diagnosis) {
    box.append(el('p', {}, el('span', { class: 'label', text: diagnosis.explained ? 'cause:' : 'likely:' }), diagnosis.message));
    if (diagnosis.secret) box.append(el('p', { class: 'note', text: `note: it matches with secret #${diagnosis.secret} once that is undone` }));
    for (const note of diagnosis.notes) box.append(el('p', { class: 'note', text: `note: ${note}` }));
  }
  if (doc.schema && doc.schema.errors.length) {
    box.append(el('ul', {}, doc.schema.errors.map((error) =>
      el('li', {}, el('code', { text: error.pointer || '/' }), ` ${error.message}`))));
  }
  return el('section', {}, el('h3', { text: 'Why' }), box);
}

// --- the request ----------------------------------------------------------------------------------

function headersTable(headers) {
  return el('table', { class: 'kv' }, el('tbody', {}, headers.map(([name, value]) =>
    el('tr', {}, el('td', { text: name }), el('td', { text: value })))));
}

function bytesOf(doc) {
  if (doc.body_encoding === 'utf8') return new TextEncoder().encode(doc.body);
  return Uint8Array.from(atob(doc.body), (c) => c.charCodeAt(0));
}

function prettyBody(doc) {
  const pre = el('pre', { class: 'body' });
  if (doc.body_encoding !== 'utf8') { pre.textContent = 'The body is not UTF-8: see Raw for its bytes.'; return pre; }
  let value;
  try { value = JSON.parse(doc.body); } catch { pre.textContent = doc.body || '(empty body)'; return pre; }
  const text = JSON.stringify(value, null, 2);
  const token = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  let last = 0;
  for (const match of text.matchAll(token)) {
    pre.append(text.slice(last, match.index));
    const kind = match[1] ? (match[2] ? 'k' : 's') : match[3] ? 'l' : 'n';
    pre.append(el('span', { class: kind, text: match[1] || match[0] }));
    if (match[2]) pre.append(match[2]);
    last = match.index + match[0].length;
  }
  pre.append(text.slice(last));
  return pre;
}

// The exact bytes: text with its line endings shown, or a hex dump when it is not UTF-8.
function rawBody(doc) {
  const pre = el('pre', { class: 'body' });
  const bytes = bytesOf(doc);
  if (doc.body_encoding === 'utf8') {
    for (const part of doc.body.split(/(\r\n|\n|\r)/)) {
      if (part === '\n' || part === '\r\n' || part === '\r') {
        pre.append(el('span', { class: 'eol', text: part === '\n' ? '↵' : part === '\r' ? '␍' : '␍↵' }), '\n');
      } else pre.append(part);
    }
  } else {
    const lines = [];
    for (let offset = 0; offset < bytes.length; offset += 16) {
      const chunk = Array.from(bytes.slice(offset, offset + 16));
      const hex = chunk.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47);
      const ascii = chunk.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex}  ${ascii}`);
    }
    pre.textContent = lines.join('\n');
  }
  return pre;
}

function tabs(panes) {
  const holder = el('div');
  const bar = el('div', { class: 'tabs', role: 'tablist' });
  const show = (index) => {
    bar.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-selected', String(i === index)));
    holder.replaceChildren(panes[index][1]());
  };
  panes.forEach(([name], index) => bar.append(el('button', { type: 'button', role: 'tab', text: name, onclick: () => show(index) })));
  show(0);
  return el('div', {}, bar, holder);
}

function request(doc) {
  const bytes = bytesOf(doc);
  const ending = doc.body_encoding === 'utf8' && doc.body.endsWith('\n') ? ', ends with a newline' : '';
  return el('section', {},
    el('h3', { text: `Headers (${doc.headers.length})` }), headersTable(doc.headers),
    el('h3', { text: 'Body' }),
    tabs([['Pretty', () => prettyBody(doc)], ['Raw', () => rawBody(doc)]]),
    el('p', { class: 'bytes', text: `${bytes.length} bytes, ${doc.body_encoding === 'utf8' ? 'UTF-8' : 'not UTF-8 (hex)'}${ending}` }));
}

function answer(doc) {
  const forward = doc.forward;
  if (!forward) return null;
  const parts = [el('h3', { text: 'The app answered' })];
  parts.push(el('p', {}, forward.status !== null
    ? el('span', { class: `status s${String(forward.status)[0]}`, text: String(forward.status) })
    : el('span', { class: 'status s5', text: 'no answer' }), ` in ${forward.millis} ms`));
  if (forward.error) parts.push(el('p', { text: forward.error.message }));
  if (forward.explanation) parts.push(el('div', { class: 'why' }, el('p', { text: forward.explanation.message })));
  if (forward.response) {
    parts.push(headersTable(forward.response.headers));
    parts.push(el('pre', { class: 'body', text: forward.response.body_encoding === 'utf8' ? forward.response.body : `(base64) ${forward.response.body}` }));
  }
  return el('section', {}, parts);
}

// --- actions ----------------------------------------------------------------------------------------

function actions(doc) {
  const targets = [['', `this receiver (${state.info ? state.info.receiver : ''})`]];
  if (state.info && state.info.forward_to) targets.push([state.info.forward_to, `the --forward-to app (${state.info.forward_to})`]);
  targets.push(['url', 'a URL…']);
  const target = el('select', { 'aria-label': 'Send to' }, targets.map(([value, label]) => el('option', { value, text: label })));
  const url = el('input', { type: 'url', placeholder: 'http://localhost:3000/webhook', hidden: true, 'aria-label': 'URL' });
  target.addEventListener('change', () => { url.hidden = target.value !== 'url'; });
  const result = el('p', { class: 'result', hidden: true, role: 'status' });
  const send = async (mode, button) => {
    button.disabled = true;
    const to = target.value === 'url' ? url.value : target.value || null;
    try {
      const response = await api('POST', `api/events/${doc.id}/replay`, { mode, url: to });
      showResult(result, mode, await response.json());
    } catch (err) {
      showResult(result, mode, { ok: false, error: { message: String(err) } });
    } finally { button.disabled = false; }
  };
  const replay = el('button', { type: 'button', class: 'primary replay', title: 'Send the exact bytes and headers again', text: 'Replay' });
  replay.addEventListener('click', () => send('exact', replay));
  const fresh = el('button', { type: 'button', class: 'fresh', title: 'A new timestamp, signed again with the receiver\'s secret', text: 'Re-send as new' });
  fresh.addEventListener('click', () => send('fresh', fresh));
  const copy = el('button', { type: 'button', class: 'copy', text: 'Copy as curl' });
  copy.addEventListener('click', () => copyText(doc.curl, copy));
  if (!token) { replay.disabled = true; fresh.disabled = true; }
  const base = `api/events/${doc.id}/download`;
  const box = el('div', { class: 'actions' }, replay, fresh, el('span', { text: 'to' }), target, url, copy,
    el('a', { href: `${base}?as=http`, download: `delivery-${doc.id}.http`, text: 'Download .http' }),
    el('a', { href: `${base}?as=jsonl`, download: `delivery-${doc.id}.jsonl`, text: '.jsonl' }));
  return el('div', {}, box, result);
}

function showResult(node, mode, doc) {
  node.hidden = false;
  const what = mode === 'exact' ? 'Replayed' : 'Re-sent as new';
  if (!doc.ok) {
    node.className = 'result bad';
    node.textContent = `${what}: not sent: ${doc.error.message}`;
    return;
  }
  node.className = `result ${doc.delivered ? 'ok' : 'bad'}`;
  const body = doc.response ? ` ${doc.response.body.slice(0, 120)}` : '';
  const status = doc.status !== null ? `answered ${doc.status} in ${doc.millis} ms${body}` : `no answer: ${doc.error.message}`;
  node.textContent = `${what} to ${doc.url}: ${status}` + (doc.explanation ? ` — ${doc.explanation.message}` : '');
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el('textarea', {}, text);
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = 'Copy as curl'; }, 1500);
}

function curl(doc) {
  return el('details', { class: 'curl' }, el('summary', { text: 'curl command (the same bytes and signature; never the secret)' }),
    el('pre', { text: doc.curl }));
}
