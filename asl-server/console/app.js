// asl console: a small web console for `asl serve`, reading the Step Functions API (AWS JSON
// 1.0) at the same origin. Plain ES2020, no framework, no build step; the server embeds this
// file and serves it at /app.js.
//
// Routes (hash):
//   #/                                  state machines
//   #/machine/<arn>[?status=FAILED]     one machine: its executions (statusFilter) and definition
//   #/execution/<arn>[?state=<name>]    one execution: graph, states, input/output, history
//
// Elements tests may rely on are listed in tests/console/check_console.py. A classic (deferred)
// script, wrapped in one function so that nothing leaks into the page's globals.

(() => {
'use strict';

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(type, message, status, action) {
    super(message);
    this.type = type;
    this.status = status;
    this.action = action;
  }
}

// `com.amazonaws.states#ExecutionDoesNotExist` and `ExecutionDoesNotExist:http://…` → the name.
function shortErrorType(t) {
  let s = String(t || '');
  if (s.includes('#')) s = s.slice(s.lastIndexOf('#') + 1);
  if (s.includes(':')) s = s.slice(0, s.indexOf(':'));
  return s || 'Error';
}

async function api(action, body = {}) {
  let res;
  try {
    res = await fetch('/', {
      method: 'POST',
      headers: {
        'X-Amz-Target': `AWSStepFunctions.${action}`,
        'Content-Type': 'application/x-amz-json-1.0',
      },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', `${action}: the server could not be reached (${e.message})`, 0, action);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (_) {
      if (res.ok) throw new ApiError('InvalidResponse', `${action}: the answer is not JSON`, res.status, action);
    }
  }
  if (!res.ok) {
    const type = shortErrorType((data && (data.__type || data.code || data.Code)) ||
      res.headers.get('x-amzn-ErrorType') || `HTTP ${res.status}`);
    const message = (data && (data.message || data.Message)) || text || res.statusText || 'request failed';
    throw new ApiError(type, message, res.status, action);
  }
  return data && typeof data === 'object' ? data : {};
}

// ---------------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const SVGNS = 'http://www.w3.org/2000/svg';

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function appendKids(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k == null || k === false) continue;
    el.append(typeof k === 'object' ? k : document.createTextNode(String(k)));
  }
}

// Replaces an element's children (null and false are skipped, unlike replaceChildren).
function setKids(el, ...kids) {
  el.replaceChildren();
  appendKids(el, kids);
  return el;
}

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  appendKids(el, kids);
  return el;
}

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  setAttrs(el, attrs);
  appendKids(el, kids);
  return el;
}

const enc = encodeURIComponent;

function safeDecode(v) {
  try {
    return decodeURIComponent(v);
  } catch (_) {
    return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

// AWS JSON 1.0 timestamps are epoch seconds (numbers); ISO strings are accepted too.
function toMs(v) {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return v > 1e11 ? v : v * 1000;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return toMs(Number(v));
  const p = Date.parse(v);
  return Number.isNaN(p) ? null : p;
}

const dateFmt = (() => {
  try {
    return new Intl.DateTimeFormat(undefined, {
      year: 'numeric', month: 'short', day: 'numeric',
      hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false,
    });
  } catch (_) {
    return null;
  }
})();

function fmtDate(v) {
  const ms = toMs(v);
  if (ms == null) return '–';
  const d = new Date(ms);
  return dateFmt ? dateFmt.format(d) : d.toISOString();
}

function isoDate(v) {
  const ms = toMs(v);
  return ms == null ? '' : new Date(ms).toISOString();
}

function timeEl(v) {
  return h('time', { datetime: isoDate(v) || null, title: isoDate(v) || null }, fmtDate(v));
}

function fmtDuration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(3)} s`;
  const totalS = ms / 1000;
  const hh = Math.floor(totalS / 3600);
  const mm = Math.floor((totalS % 3600) / 60);
  const ss = totalS % 60;
  return hh ? `${hh} h ${mm} min ${Math.floor(ss)} s` : `${mm} min ${ss.toFixed(1)} s`;
}

function truncate(str, n) {
  str = String(str);
  return str.length > n ? `${str.slice(0, n - 1)}…` : str;
}

// A JSON text (state input, output, cause) pretty-printed; other text as it is.
function prettyJsonText(v, limit = 200000) {
  if (v == null) return '';
  let out;
  if (typeof v === 'string') {
    try {
      out = JSON.stringify(JSON.parse(v), null, 2);
    } catch (_) {
      out = v;
    }
  } else {
    out = JSON.stringify(v, null, 2);
  }
  if (out.length > limit) out = `${out.slice(0, limit)}\n… (${out.length - limit} more characters not shown)`;
  return out;
}

const EXEC_STATUS_LABEL = {
  RUNNING: 'Running', SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Timed out',
  ABORTED: 'Aborted', PENDING_REDRIVE: 'Pending redrive',
};
const EXEC_STATUSES = Object.keys(EXEC_STATUS_LABEL);

const STATE_STATUS_LABEL = {
  'not-visited': 'Not run', running: 'In progress', succeeded: 'Succeeded', failed: 'Failed',
  caught: 'Caught error', aborted: 'Cancelled',
};

function execBadge(status, attrs = {}) {
  const st = String(status || 'UNKNOWN');
  return h('span', { class: `badge exec-${st.toLowerCase().replace(/_/g, '-')}`, 'data-status': st, ...attrs },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), EXEC_STATUS_LABEL[st] || st);
}

function stateBadge(status) {
  return h('span', { class: `badge st-${status}`, 'data-status': status },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), STATE_STATUS_LABEL[status] || status);
}

function arnName(arn) {
  const parts = String(arn || '').split(':');
  // arn:aws:states:region:account:stateMachine:Name[:version]  /  …:execution:Machine:Exec
  if (parts.length >= 8 && (parts[5] === 'execution' || parts[5] === 'express')) return parts[7];
  if (parts.length >= 7) return parts[6];
  return parts[parts.length - 1] || String(arn || '');
}

// ---------------------------------------------------------------------------------------------
// Error banner
// ---------------------------------------------------------------------------------------------

function showError(err, opts = {}) {
  const banner = $('#banner');
  if (!banner) return;
  const type = (err && err.type) || (err && err.name) || 'Error';
  const message = (err && err.message) || String(err);
  const key = opts.key || '';
  if (key) for (const old of banner.querySelectorAll(`[data-key="${key}"]`)) old.remove();
  const item = h('div', { class: 'banner-item', 'data-error-type': type, 'data-key': key || null },
    h('strong', { class: 'error-type' }, type),
    h('span', { class: 'error-message' }, message),
    opts.context ? h('span', { class: 'error-context' }, ` (${opts.context})`) : null,
    h('button', {
      type: 'button', class: 'banner-close', 'aria-label': 'Dismiss this message',
      onclick: () => {
        item.remove();
        if (!banner.children.length) banner.hidden = true;
      },
    }, '×'));
  banner.append(item);
  banner.hidden = false;
}

function clearErrors(key) {
  const banner = $('#banner');
  if (!banner) return;
  if (key) {
    for (const old of banner.querySelectorAll(`[data-key="${key}"]`)) old.remove();
  } else {
    banner.replaceChildren();
  }
  if (!banner.children.length) banner.hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Router
// ---------------------------------------------------------------------------------------------

let generation = 0;
let cleanups = [];
const isCurrent = (g) => g === generation;

function parseRoute() {
  let hash = location.hash.replace(/^#/, '');
  if (!hash) hash = '/';
  let query = '';
  const q = hash.indexOf('?');
  if (q >= 0) {
    query = hash.slice(q + 1);
    hash = hash.slice(0, q);
  }
  const params = new URLSearchParams(query);
  const m = hash.match(/^\/(machine|execution)\/(.+)$/);
  if (m) return { view: m[1], arn: safeDecode(m[2]), params };
  return { view: 'machines', params };
}

const machineHref = (arn, status) => `#/machine/${enc(arn)}${status ? `?status=${enc(status)}` : ''}`;
const executionHref = (arn, state) => `#/execution/${enc(arn)}${state ? `?state=${enc(state)}` : ''}`;

function route() {
  generation += 1;
  const my = generation;
  for (const f of cleanups.splice(0)) {
    try {
      f();
    } catch (_) { /* ignore */ }
  }
  clearErrors();
  const r = parseRoute();
  const app = $('#app');
  app.replaceChildren();
  app.dataset.view = r.view;
  app.dataset.ready = 'false';
  delete app.dataset.live;
  for (const a of document.querySelectorAll('.topnav a')) {
    a.classList.toggle('active', a.dataset.nav === 'machines');
  }
  let p;
  if (r.view === 'machine') p = viewMachine(app, my, r.arn, r.params.get('status') || '');
  else if (r.view === 'execution') p = viewExecution(app, my, r.arn, r.params.get('state') || '');
  else p = viewMachines(app, my);
  Promise.resolve(p)
    .catch((err) => {
      if (isCurrent(my)) {
        showError(err);
        console.error(err);
      }
    })
    .finally(() => {
      if (isCurrent(my)) app.dataset.ready = 'true';
    });
}

function crumbs(items) {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('ol', null, items.map((it, i) => h('li', null,
      it.href && i < items.length - 1 ? h('a', { href: it.href }, it.label)
        : h('span', { 'aria-current': i === items.length - 1 ? 'page' : null }, it.label)))));
}

function panel(title, attrs, ...kids) {
  return h('section', { class: 'panel', ...attrs },
    title ? h('header', { class: 'panel-head' }, typeof title === 'string' ? h('h2', null, title) : title) : null,
    h('div', { class: 'panel-body' }, kids));
}

function loadingEl(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

// ---------------------------------------------------------------------------------------------
// View 1: state machines
// ---------------------------------------------------------------------------------------------

async function viewMachines(app, my) {
  document.title = 'State machines · asl console';
  const count = h('span', { class: 'count', id: 'machines-count' });
  const body = h('div', null, loadingEl());
  app.append(
    crumbs([{ label: 'State machines' }]),
    h('div', { class: 'page-head' },
      h('h1', null, 'State machines ', count),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: route }, 'Refresh'))),
    panel(null, { id: 'machines-panel' }, body));

  const machines = [];
  let token = null;
  for (let page = 0; page < 100; page++) {
    const req = { maxResults: 1000 };
    if (token) req.nextToken = token;
    const r = await api('ListStateMachines', req);
    if (!isCurrent(my)) return;
    machines.push(...(Array.isArray(r.stateMachines) ? r.stateMachines : []));
    token = r.nextToken;
    if (!token) break;
  }
  count.textContent = `(${machines.length})`;
  if (!machines.length) {
    setKids(body, h('div', { class: 'empty', id: 'machines-empty' },
      h('p', null, h('strong', null, 'No state machines')),
      h('p', null, 'Create one with the CreateStateMachine API (for example ',
        h('code', null, 'aws stepfunctions create-state-machine --endpoint-url …'), ').')));
    return;
  }
  setKids(body, h('table', { class: 'data-table', id: 'machines-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Creation date'))),
    h('tbody', null, machines.map((m) => h('tr', {
      class: 'machine-row', 'data-arn': m.stateMachineArn, 'data-name': m.name, 'data-type': m.type,
    },
    h('td', null, h('a', { href: machineHref(m.stateMachineArn), class: 'machine-link' }, m.name || arnName(m.stateMachineArn)),
      h('div', { class: 'sub mono' }, m.stateMachineArn)),
    h('td', null, h('span', { class: `type-tag type-${String(m.type || '').toLowerCase()}` }, m.type || '–')),
    h('td', null, timeEl(m.creationDate)))))));
}

// ---------------------------------------------------------------------------------------------
// View 2: one state machine and its executions
// ---------------------------------------------------------------------------------------------

async function viewMachine(app, my, arn, statusFilter) {
  document.title = `${arnName(arn)} · asl console`;
  if (statusFilter && !EXEC_STATUSES.includes(statusFilter)) statusFilter = '';
  const title = h('h1', { id: 'machine-name' }, arnName(arn));
  const typeTag = h('span', { class: 'type-tag' });
  const info = h('dl', { class: 'summary', id: 'machine-summary' }, h('dt', null, 'ARN'), h('dd', { class: 'mono' }, arn));
  const select = h('select', { id: 'status-filter', 'aria-label': 'Filter executions by status' },
    h('option', { value: '' }, 'All statuses'),
    EXEC_STATUSES.map((st) => h('option', { value: st, selected: st === statusFilter }, EXEC_STATUS_LABEL[st])));
  select.addEventListener('change', () => {
    location.hash = machineHref(arn, select.value);
  });
  const tbody = h('tbody');
  const table = h('table', { class: 'data-table', id: 'executions-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Started'),
      h('th', { scope: 'col' }, 'Ended'), h('th', { scope: 'col' }, 'Duration'))),
    tbody);
  const execBody = h('div', null, loadingEl('Loading executions…'));
  const more = h('button', { type: 'button', class: 'btn', id: 'load-more', hidden: true }, 'Load more');
  const execCount = h('span', { class: 'count', id: 'executions-count' });
  const defBody = h('div', { class: 'definition-body' });

  app.append(
    crumbs([{ label: 'State machines', href: '#/' }, { label: arnName(arn) }]),
    h('div', { class: 'page-head' }, h('div', { class: 'title-line' }, title, typeTag),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: route }, 'Refresh'))),
    panel('Details', { id: 'machine-details' }, info),
    panel(h('div', { class: 'panel-title-row' },
      h('h2', null, 'Executions ', execCount),
      h('label', { class: 'filter' }, h('span', null, 'Status'), select)), { id: 'executions-panel' },
    execBody, h('div', { class: 'more-row' }, more)),
    panel('Definition', { id: 'definition-panel' }, defBody));

  const listReq = (token) => {
    const req = { stateMachineArn: arn, maxResults: 25 };
    if (statusFilter) req.statusFilter = statusFilter;
    if (token) req.nextToken = token;
    return api('ListExecutions', req);
  };
  const [descR, listR] = await Promise.allSettled([api('DescribeStateMachine', { stateMachineArn: arn }), listReq(null)]);
  if (!isCurrent(my)) return;

  if (descR.status === 'fulfilled') {
    const d = descR.value;
    title.textContent = d.name || arnName(arn);
    document.title = `${title.textContent} · asl console`;
    typeTag.textContent = d.type || '';
    typeTag.className = `type-tag type-${String(d.type || '').toLowerCase()}`;
    setKids(info,
      h('dt', null, 'ARN'), h('dd', { class: 'mono' }, d.stateMachineArn || arn),
      h('dt', null, 'Type'), h('dd', null, d.type || '–'),
      h('dt', null, 'Status'), h('dd', null, d.status || '–'),
      h('dt', null, 'Creation date'), h('dd', null, timeEl(d.creationDate)),
      d.roleArn ? [h('dt', null, 'IAM role'), h('dd', { class: 'mono' }, d.roleArn)] : null,
      d.revisionId ? [h('dt', null, 'Revision'), h('dd', { class: 'mono' }, d.revisionId)] : null,
      d.description ? [h('dt', null, 'Description'), h('dd', null, d.description)] : null);
    renderDefinitionPanel(defBody, d.definition);
  } else {
    showError(descR.reason, { context: 'DescribeStateMachine' });
    setKids(defBody, h('p', { class: 'muted' }, 'The definition could not be loaded.'));
  }

  let shown = 0;
  const addRows = (r) => {
    const list = Array.isArray(r.executions) ? r.executions : [];
    for (const e of list) {
      tbody.append(h('tr', {
        class: 'execution-row', 'data-arn': e.executionArn, 'data-name': e.name, 'data-status': e.status,
      },
      h('td', null, h('a', { href: executionHref(e.executionArn), class: 'execution-link' }, e.name || arnName(e.executionArn))),
      h('td', null, execBadge(e.status)),
      h('td', null, timeEl(e.startDate)),
      h('td', null, e.stopDate != null ? timeEl(e.stopDate) : '–'),
      h('td', null, e.stopDate != null ? fmtDuration(toMs(e.stopDate) - toMs(e.startDate)) : '–')));
    }
    shown += list.length;
    execCount.textContent = `(${shown}${r.nextToken ? '+' : ''})`;
    more.hidden = !r.nextToken;
    more.dataset.token = r.nextToken || '';
  };
  if (listR.status === 'rejected') {
    showError(listR.reason, { context: 'ListExecutions' });
    setKids(execBody, h('p', { class: 'muted' }, 'The executions could not be listed.'));
    return;
  }
  addRows(listR.value);
  if (!shown) {
    setKids(execBody, h('div', { class: 'empty', id: 'executions-empty' },
      h('p', null, h('strong', null, statusFilter ? `No ${EXEC_STATUS_LABEL[statusFilter].toLowerCase()} executions` : 'No executions')),
      h('p', null, 'Start one with the StartExecution API.')));
  } else {
    setKids(execBody, table);
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    more.textContent = 'Loading…';
    try {
      const r = await listReq(more.dataset.token);
      if (!isCurrent(my)) return;
      addRows(r);
    } catch (e) {
      if (isCurrent(my)) showError(e, { context: 'loading more executions' });
    } finally {
      more.disabled = false;
      more.textContent = 'Load more';
    }
  });
}

function renderDefinitionPanel(body, definition) {
  const wrap = h('div', { class: 'graph-wrap', id: 'graph-wrap' });
  const src = h('details', { class: 'source' }, h('summary', null, 'Definition (JSON)'),
    h('pre', { class: 'json', id: 'definition-json' }, prettyJsonText(definition)));
  setKids(body, wrap, src);
  let parsed;
  try {
    parsed = typeof definition === 'string' ? JSON.parse(definition) : definition;
  } catch (e) {
    setKids(wrap, h('div', { class: 'graph-error', role: 'note' }, `The definition is not valid JSON: ${e.message}`));
    return;
  }
  const g = drawGraph(parsed, { interactive: false });
  if (g.error) setKids(wrap, h('div', { class: 'graph-error', role: 'note' }, `The graph cannot be drawn: ${g.error}`));
  else {
    setKids(wrap, g.svg);
    fitGraph(wrap, g, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Definition model
// ---------------------------------------------------------------------------------------------

// Short text of a Choice rule (JSONPath rules, Condition for JSONata, And/Or/Not).
function ruleText(r, depth = 0) {
  if (!r || typeof r !== 'object') return '';
  if (depth > 4) return '…';
  if (typeof r.Condition === 'string') return r.Condition.replace(/^\s*\{%\s*/, '').replace(/\s*%\}\s*$/, '');
  if (typeof r.Condition === 'boolean') return String(r.Condition);
  if (Array.isArray(r.And)) return r.And.map((x) => ruleText(x, depth + 1)).join(' and ');
  if (Array.isArray(r.Or)) return r.Or.map((x) => ruleText(x, depth + 1)).join(' or ');
  if (r.Not) return `not (${ruleText(r.Not, depth + 1)})`;
  const v = typeof r.Variable === 'string' ? r.Variable : '';
  const op = Object.keys(r).find((k) => !['Variable', 'Next', 'Comment', 'Assign', 'Output'].includes(k));
  if (!op) return v;
  const val = r[op];
  const shown = op.endsWith('Path') ? String(val) : JSON.stringify(val);
  let sym;
  if (/^Is/.test(op)) return val === false ? `not ${op.slice(2).toLowerCase()}(${v})` : `${op.slice(2).toLowerCase()}(${v})`;
  if (/LessThanEquals/.test(op)) sym = '<=';
  else if (/GreaterThanEquals/.test(op)) sym = '>=';
  else if (/LessThan/.test(op)) sym = '<';
  else if (/GreaterThan/.test(op)) sym = '>';
  else if (/Equals/.test(op)) sym = '==';
  else if (/Matches/.test(op)) sym = 'matches';
  else sym = op;
  return `${v} ${sym} ${shown}`;
}

// One scope of states (the machine, a Parallel branch, a Map processor) as nodes and edges.
// `info` collects every state's type and enclosing container, machine-wide.
function buildScope(def, path, info, parent) {
  if (!def || typeof def !== 'object' || Array.isArray(def)) throw new Error(`${path} is not an object`);
  if (!def.States || typeof def.States !== 'object' || Array.isArray(def.States)) throw new Error(`${path} has no "States" object`);
  if (typeof def.StartAt !== 'string') throw new Error(`${path} has no "StartAt"`);
  const scope = { startAt: def.StartAt, states: [], edges: [] };
  for (const [name, raw] of Object.entries(def.States)) {
    const st = raw && typeof raw === 'object' ? raw : {};
    const type = typeof st.Type === 'string' ? st.Type : '?';
    const node = { name, type, def: st, children: null, terminal: false };
    if (info) info.set(name, { type, parent, def: st });
    if (type === 'Parallel' && Array.isArray(st.Branches)) {
      node.children = st.Branches.map((b, i) => buildScope(b, `${name}.Branches[${i}]`, info, name));
    } else if (type === 'Map') {
      const p = st.ItemProcessor || st.Iterator;
      if (p) node.children = [buildScope(p, `${name}.${st.ItemProcessor ? 'ItemProcessor' : 'Iterator'}`, info, name)];
    }
    const add = (to, kind, label, title) => {
      if (typeof to === 'string') scope.edges.push({ from: name, to, kind, label: label || '', title: title || label || '' });
    };
    if (type === 'Choice') {
      (Array.isArray(st.Choices) ? st.Choices : []).forEach((rule, i) => {
        const text = ruleText(rule);
        add(rule && rule.Next, 'choice', truncate(`#${i + 1}${text ? ` ${text}` : ''}`, 30), `Rule ${i + 1}: ${text}`);
      });
      add(st.Default, 'default', 'Default', 'Default');
    } else {
      add(st.Next, 'next');
    }
    (Array.isArray(st.Catch) ? st.Catch : []).forEach((c, i) => {
      const errs = c && Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(', ') : '';
      add(c && c.Next, 'catch', truncate(errs || `Catch ${i + 1}`, 30), `Catch ${i + 1}: ${errs}`);
    });
    node.terminal = st.End === true || type === 'Succeed' || type === 'Fail';
    scope.states.push(node);
  }
  return scope;
}

// ---------------------------------------------------------------------------------------------
// Layout: layered (longest path from StartAt), barycentric ordering, compound clusters
// ---------------------------------------------------------------------------------------------

const G = {
  nodeH: 50, minW: 150, maxW: 270, padX: 16, dot: 18,
  gapX: 40, gapDummy: 16, gapY: 64, dummyW: 12,
  clusterPad: 16, clusterHead: 38, mapHead: 66, branchPad: 14, branchGap: 18, clusterMinW: 280,
  markerW: 74, markerH: 28, margin: 24, selfLoop: 34, branchLabel: 14,
};

let measureCtx = null;
let fontFamily = 'system-ui, sans-serif';
function textWidth(str, size = 13, weight = 400) {
  if (measureCtx === null && typeof document !== 'undefined') {
    try {
      measureCtx = document.createElement('canvas').getContext('2d') || false;
      fontFamily = getComputedStyle(document.body).fontFamily || fontFamily;
    } catch (_) {
      measureCtx = false;
    }
  }
  if (measureCtx) {
    measureCtx.font = `${weight} ${size}px ${fontFamily}`;
    return measureCtx.measureText(str).width;
  }
  let w = 0;
  for (const ch of String(str)) w += /[A-Z0-9WMmw@#%]/.test(ch) ? 0.68 : /[ilj.,'|!:;()\s]/.test(ch) ? 0.3 : 0.55;
  return w * size * (weight >= 600 ? 1.06 : 1);
}

function fitText(str, maxWidth, size, weight) {
  if (textWidth(str, size, weight) <= maxWidth) return str;
  let lo = 0;
  let hi = str.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${str.slice(0, mid)}…`, size, weight) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${str.slice(0, lo)}…`;
}

function nodeSize(st) {
  const nameW = textWidth(st.name, 13, 600);
  const typeW = textWidth(`${st.type} · 999 visits`, 11, 400);
  const w = Math.min(G.maxW, Math.max(G.minW, Math.ceil(Math.max(nameW, typeW) + G.padX * 2 + G.dot)));
  return { w, h: G.nodeH };
}

const START = '\u0000start';
const END = '\u0000end';

function layoutScope(scope, root) {
  const nodes = [];
  const byId = new Map();
  const mk = (n) => {
    nodes.push(n);
    byId.set(n.id, n);
    return n;
  };
  if (root) mk({ id: START, kind: 'start', w: G.markerW, h: G.markerH });
  for (const st of scope.states) {
    if (st.children && st.children.length) {
      const inner = st.children.map((c) => layoutScope(c, false));
      const head = st.type === 'Map' ? G.mapHead : G.clusterHead;
      const top = st.type === 'Parallel' ? G.branchLabel : 0;
      const innerW = inner.reduce((a, l) => a + l.w + 2 * G.branchPad, 0) + G.branchGap * (inner.length - 1);
      const innerH = Math.max(...inner.map((l) => l.h + 2 * G.branchPad)) + top;
      const headW = textWidth(st.name, 13, 600) + textWidth(st.type, 11) + 60;
      const w = Math.ceil(Math.max(innerW + 2 * G.clusterPad, headW, G.clusterMinW));
      mk({ id: st.name, kind: 'cluster', state: st, inner, innerW, innerH, head, top, w, h: head + innerH + G.clusterPad });
    } else {
      mk({ id: st.name, kind: 'state', state: st, ...nodeSize(st) });
    }
  }
  if (root) mk({ id: END, kind: 'end', w: G.markerW, h: G.markerH });

  // Edges; parallel ones between the same two states are merged (their labels joined).
  const edges = [];
  const seen = new Map();
  const addEdge = (from, to, kind, label, title) => {
    if (!byId.has(from) || !byId.has(to)) return;
    const cls = kind === 'catch' ? 'catch' : 'flow';
    const key = `${from}\u0001${to}\u0001${cls}`;
    const ex = seen.get(key);
    if (ex) {
      if (label) ex.labels.push(label);
      if (title) ex.titles.push(title);
      return;
    }
    const e = { from, to, kind, labels: label ? [label] : [], titles: title ? [title] : [] };
    seen.set(key, e);
    edges.push(e);
  };
  if (root) addEdge(START, scope.startAt, 'start');
  for (const e of scope.edges) addEdge(e.from, e.to, e.kind, e.label, e.title);
  // Terminal states lead to the End marker; Fail states only when nothing else does (they are
  // often error handlers high up the graph, and long edges down to End would clutter it).
  if (root) {
    const ends = scope.states.filter((st) => st.terminal && st.type !== 'Fail');
    for (const st of ends.length ? ends : scope.states.filter((x) => x.terminal)) addEdge(st.name, END, 'end');
  }

  // Depth-first search from the start: edges back to a state on the stack close a loop.
  const out = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (e.from === e.to) {
      e.self = true;
      byId.get(e.from).selfLoop = true;
    } else {
      out.get(e.from).push(e);
    }
  }
  const mark = new Map();
  const dfsIndex = new Map();
  const dfs = (v) => {
    mark.set(v, 1);
    dfsIndex.set(v, dfsIndex.size);
    for (const e of out.get(v)) {
      const m = mark.get(e.to);
      if (m === 1) e.back = true;
      else if (!m) dfs(e.to);
    }
    mark.set(v, 2);
  };
  const roots = [root ? START : scope.startAt, ...nodes.filter((n) => n.id !== END).map((n) => n.id), END];
  for (const r of roots) if (byId.has(r) && !mark.get(r)) dfs(r);

  // Longest-path layering on the DAG (back edges reversed).
  const dag = edges.filter((e) => !e.self).map((e) => (e.back ? { u: e.to, v: e.from, e } : { u: e.from, v: e.to, e }));
  const indeg = new Map(nodes.map((n) => [n.id, 0]));
  const succ = new Map(nodes.map((n) => [n.id, []]));
  for (const d of dag) {
    indeg.set(d.v, indeg.get(d.v) + 1);
    succ.get(d.u).push(d);
  }
  const layer = new Map(nodes.map((n) => [n.id, 0]));
  const queue = nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id)
    .sort((a, b) => dfsIndex.get(a) - dfsIndex.get(b));
  while (queue.length) {
    const u = queue.shift();
    for (const d of succ.get(u)) {
      layer.set(d.v, Math.max(layer.get(d.v), layer.get(u) + 1));
      indeg.set(d.v, indeg.get(d.v) - 1);
      if (indeg.get(d.v) === 0) queue.push(d.v);
    }
  }
  // States that start nothing below them (not reached, no predecessors) move down next to
  // their first successor; the End marker goes to the bottom.
  for (const n of nodes) {
    if (n.id === START || n.id === END) continue;
    const hasPred = dag.some((d) => d.v === n.id);
    const outs = succ.get(n.id);
    if (!hasPred && outs.length && n.id !== scope.startAt) {
      layer.set(n.id, Math.max(0, Math.min(...outs.map((d) => layer.get(d.v))) - 1));
    }
  }
  if (root) {
    let maxL = 0;
    for (const n of nodes) if (n.id !== END) maxL = Math.max(maxL, layer.get(n.id));
    layer.set(END, maxL + 1);
  }

  // Layers with dummy nodes on edges spanning several layers.
  const nLayers = Math.max(0, ...layer.values()) + 1;
  const L = Array.from({ length: nLayers }, () => []);
  for (const n of nodes) {
    n.layer = layer.get(n.id);
    n.order = dfsIndex.has(n.id) ? dfsIndex.get(n.id) : 1e6;
    L[n.layer].push(n);
  }
  const upN = new Map();
  const downN = new Map();
  const link = (a, b) => {
    if (!downN.has(a)) downN.set(a, []);
    if (!upN.has(b)) upN.set(b, []);
    downN.get(a).push(b);
    upN.get(b).push(a);
  };
  let dummyCount = 0;
  for (const d of dag) {
    const a = byId.get(d.u);
    const b = byId.get(d.v);
    const chain = [a];
    for (let l = a.layer + 1; l < b.layer; l++) {
      const dn = { id: `\u0002${dummyCount++}`, kind: 'dummy', w: G.dummyW, h: 0, layer: l, order: a.order + 0.5 };
      L[l].push(dn);
      chain.push(dn);
    }
    chain.push(b);
    for (let i = 0; i + 1 < chain.length; i++) link(chain[i], chain[i + 1]);
    d.chain = chain;
    d.e.chain = chain;
    d.e.reversed = !!d.e.back;
  }

  // Ordering within layers: barycenter sweeps, keeping the order with the fewest crossings.
  for (const row of L) row.sort((a, b) => a.order - b.order);
  const setPos = () => L.forEach((row) => row.forEach((n, i) => { n.pos = i; }));
  setPos();
  const crossings = () => {
    let c = 0;
    for (let i = 0; i + 1 < L.length; i++) {
      const segs = [];
      for (const a of L[i]) for (const b of downN.get(a) || []) segs.push([a.pos, b.pos]);
      for (let x = 0; x < segs.length; x++) {
        for (let y = x + 1; y < segs.length; y++) {
          if ((segs[x][0] - segs[y][0]) * (segs[x][1] - segs[y][1]) < 0) c++;
        }
      }
    }
    return c;
  };
  let best = L.map((row) => row.slice());
  let bestC = crossings();
  const bary = (n, nb) => {
    const list = nb.get(n);
    if (!list || !list.length) return n.pos;
    return list.reduce((a, m) => a + m.pos, 0) / list.length;
  };
  for (let iter = 0; iter < 16 && bestC > 0; iter++) {
    const down = iter % 2 === 0;
    const idx = down ? [...Array(L.length).keys()].slice(1) : [...Array(L.length).keys()].reverse().slice(1);
    for (const i of idx) {
      const nb = down ? upN : downN;
      const keyed = L[i].map((n) => ({ n, k: bary(n, nb) }));
      keyed.sort((a, b) => a.k - b.k || a.n.pos - b.n.pos);
      L[i] = keyed.map((x) => x.n);
      L[i].forEach((n, j) => { n.pos = j; });
    }
    const c = crossings();
    if (c < bestC) {
      bestC = c;
      best = L.map((row) => row.slice());
    }
  }
  for (let i = 0; i < L.length; i++) L[i] = best[i];
  setPos();

  // X coordinates: start packed, then pull each node towards its neighbours, keeping the
  // order and the minimum gaps (so nodes never overlap).
  const sep = (a, b) => a.w / 2 + b.w / 2 + (a.kind === 'dummy' || b.kind === 'dummy' ? G.gapDummy : G.gapX) +
    (a.selfLoop ? G.selfLoop : 0);
  for (const row of L) {
    let x = 0;
    row.forEach((n, i) => {
      if (i) x += sep(row[i - 1], n);
      n.cx = x;
    });
  }
  const place = (row, desired) => {
    const m = row.length;
    if (!m) return;
    const a = new Array(m);
    const b = new Array(m);
    for (let i = 0; i < m; i++) a[i] = i ? Math.max(desired[i], a[i - 1] + sep(row[i - 1], row[i])) : desired[i];
    for (let i = m - 1; i >= 0; i--) b[i] = i < m - 1 ? Math.min(desired[i], b[i + 1] - sep(row[i], row[i + 1])) : desired[i];
    for (let i = 0; i < m; i++) row[i].cx = (a[i] + b[i]) / 2;
  };
  const mean = (list, fallback) => (list && list.length ? list.reduce((acc, n) => acc + n.cx, 0) / list.length : fallback);
  for (let iter = 0; iter < 10; iter++) {
    for (let i = 1; i < L.length; i++) place(L[i], L[i].map((n) => mean(upN.get(n), n.cx)));
    for (let i = L.length - 2; i >= 0; i--) place(L[i], L[i].map((n) => mean(downN.get(n), n.cx)));
  }
  for (let i = 0; i < L.length; i++) {
    place(L[i], L[i].map((n) => mean([...(upN.get(n) || []), ...(downN.get(n) || [])], n.cx)));
  }

  // Straighten the dummy chains of long edges where the neighbours leave room.
  for (const d of dag) {
    const dummies = d.chain.slice(1, -1);
    if (!dummies.length) continue;
    const xs = dummies.map((n) => n.cx).sort((p, q) => p - q);
    const target = xs[Math.floor(xs.length / 2)];
    for (const n of dummies) {
      const row = L[n.layer];
      const i = n.pos;
      const lo = i > 0 ? row[i - 1].cx + sep(row[i - 1], n) : -Infinity;
      const hi = i < row.length - 1 ? row[i + 1].cx - sep(n, row[i + 1]) : Infinity;
      if (lo <= hi) n.cx = Math.min(hi, Math.max(lo, target));
    }
  }

  // Y coordinates: one row per layer, nodes at the top of their row (an edge leaving a node
  // shorter than its row runs straight down to the row's bottom first, never across a
  // neighbour such as a tall cluster).
  const rowTop = [];
  const rowH = [];
  let y = 0;
  for (let i = 0; i < L.length; i++) {
    rowH[i] = Math.max(0, ...L[i].map((n) => n.h));
    if (!rowH[i]) rowH[i] = 8;
    rowTop[i] = y;
    y += rowH[i] + G.gapY;
  }
  for (const row of L) {
    for (const n of row) {
      n.x = n.cx - n.w / 2;
      n.y = rowTop[n.layer];
    }
  }

  // Edge points: ports spread along the bottom and top of each node, sorted by where the edge
  // goes, then through the dummies of the edge (vertical through their row).
  const ports = new Map(); // node id + side → [{e, end, other}]
  const addPort = (n, side, e, end, otherX) => {
    const k = `${n.id}\u0001${side}`;
    if (!ports.has(k)) ports.set(k, []);
    ports.get(k).push({ e, end, otherX, n });
  };
  for (const e of edges) {
    if (e.self) continue;
    const ch = e.chain;
    const top = ch[0];
    const bottom = ch[ch.length - 1];
    addPort(top, 'bottom', e, 'top', ch[1].cx);
    addPort(bottom, 'top', e, 'bottom', ch[ch.length - 2].cx);
  }
  for (const list of ports.values()) {
    list.sort((p, q) => p.otherX - q.otherX);
    const n = list[0].n;
    const m = list.length;
    const spread = Math.min(18, (n.w * 0.6) / Math.max(1, m));
    list.forEach((p, i) => {
      const x = n.cx + (i - (m - 1) / 2) * spread;
      if (p.end === 'top') p.e.p0 = x;
      else p.e.p1 = x;
    });
  }
  for (const e of edges) {
    if (e.self) {
      const n = byId.get(e.from);
      e.points = null;
      e.loop = { x: n.x + n.w, y: n.y, h: n.h };
      e.labelAt = { x: n.x + n.w + G.selfLoop - 4, y: n.y + n.h / 2 };
      continue;
    }
    const ch = e.chain;
    const a = ch[0];
    const b = ch[ch.length - 1];
    const pts = [[e.p0, a.y + a.h]];
    const rowBottom = rowTop[a.layer] + rowH[a.layer];
    if (a.y + a.h < rowBottom - 0.5) pts.push([e.p0, rowBottom]);
    for (let i = 1; i < ch.length - 1; i++) {
      const dmy = ch[i];
      pts.push([dmy.cx, rowTop[dmy.layer]], [dmy.cx, rowTop[dmy.layer] + rowH[dmy.layer]]);
    }
    pts.push([e.p1, b.y]);
    // Label: in the gap below the upper end (forward edge) or above the lower end (loop).
    const gapMid = e.reversed
      ? rowTop[b.layer] - G.gapY / 2
      : rowTop[a.layer] + rowH[a.layer] + G.gapY / 2;
    e.points = e.reversed ? pts.slice().reverse() : pts;
    e.labelAt = { x: pointOnPath(pts, gapMid), y: gapMid };
  }

  // Bounds (labels included); then shift everything to start at 0,0.
  let minX = Infinity;
  let maxX = -Infinity;
  let maxY = 0;
  for (const n of nodes) {
    if (n.kind === 'dummy') continue;
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x + n.w + (n.selfLoop ? G.selfLoop : 0));
    maxY = Math.max(maxY, n.y + n.h);
  }
  spreadLabels(edges);
  for (const e of edges) {
    if (!e.labels.length || !e.labelAt) continue;
    const lw = labelWidth(e);
    minX = Math.min(minX, e.labelAt.x - lw / 2);
    maxX = Math.max(maxX, e.labelAt.x + lw / 2);
  }
  for (const n of nodes) if (n.kind === 'dummy') { minX = Math.min(minX, n.cx); maxX = Math.max(maxX, n.cx); }
  if (!Number.isFinite(minX)) {
    minX = 0;
    maxX = 0;
  }
  const shift = -minX;
  for (const n of nodes) {
    n.x += shift;
    n.cx += shift;
  }
  for (const e of edges) {
    if (e.points) e.points = e.points.map(([px, py]) => [px + shift, py]);
    if (e.loop) e.loop.x += shift;
    if (e.labelAt) e.labelAt.x += shift;
  }
  return { w: Math.ceil(maxX - minX), h: Math.ceil(maxY), nodes: nodes.filter((n) => n.kind !== 'dummy'), edges };
}

function labelText(e) {
  return e.labels.join(' · ');
}

function labelWidth(e) {
  return textWidth(labelText(e), 11, 400) + 12;
}

// Labels in the same band are pushed apart horizontally so they never overlap.
function spreadLabels(edges) {
  const bands = new Map();
  for (const e of edges) {
    if (!e.labels.length || !e.labelAt || e.self) continue;
    const k = Math.round(e.labelAt.y);
    if (!bands.has(k)) bands.set(k, []);
    bands.get(k).push(e);
  }
  for (const list of bands.values()) {
    list.sort((a, b) => a.labelAt.x - b.labelAt.x);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const cur = list[i];
      const min = prev.labelAt.x + labelWidth(prev) / 2 + 6 + labelWidth(cur) / 2;
      if (cur.labelAt.x < min) cur.labelAt.x = min;
    }
  }
}

// x of a path (drawn as vertical-tangent curves between consecutive points) at height y.
function pointOnPath(pts, y) {
  for (let i = 0; i + 1 < pts.length; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[i + 1];
    if ((y - y0) * (y - y1) <= 0 && y0 !== y1) {
      // cubic with control points (x0, ym) and (x1, ym): solve y(t) = y by bisection
      const ym = (y0 + y1) / 2;
      let lo = 0;
      let hi = 1;
      const yAt = (t) => (1 - t) ** 3 * y0 + 3 * (1 - t) ** 2 * t * ym + 3 * (1 - t) * t * t * ym + t ** 3 * y1;
      const inc = y1 > y0;
      for (let k = 0; k < 30; k++) {
        const mid = (lo + hi) / 2;
        if ((yAt(mid) < y) === inc) lo = mid;
        else hi = mid;
      }
      const t = (lo + hi) / 2;
      return (1 - t) ** 3 * x0 + 3 * (1 - t) ** 2 * t * x0 + 3 * (1 - t) * t * t * x1 + t ** 3 * x1;
    }
  }
  return pts[0][0];
}

function pathD(pts) {
  let d = `M${pts[0][0].toFixed(1)},${pts[0][1].toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    if (Math.abs(x0 - x1) < 0.5) d += ` L${x1.toFixed(1)},${y1.toFixed(1)}`;
    else {
      const ym = ((y0 + y1) / 2).toFixed(1);
      d += ` C${x0.toFixed(1)},${ym} ${x1.toFixed(1)},${ym} ${x1.toFixed(1)},${y1.toFixed(1)}`;
    }
  }
  return d;
}

// Absolute positions: clusters' inner layouts are placed inside their boxes, recursively.
function flatten(layout, ox, oy, out, depth) {
  for (const n of layout.nodes) {
    const x = n.x + ox;
    const y = n.y + oy;
    if (n.kind === 'cluster') {
      out.clusters.push({ n, x, y, depth });
      out.order.push({ kind: 'cluster', n, x, y, depth });
      let bx = x + (n.w - n.innerW) / 2;
      n.inner.forEach((l, i) => {
        const bw = l.w + 2 * G.branchPad;
        out.branches.push({ x: bx, y: y + n.head, w: bw, h: n.innerH, owner: n.state.name, index: i, type: n.state.type, depth });
        flatten(l, bx + G.branchPad, y + n.head + G.branchPad + n.top, out, depth + 1);
        bx += bw + G.branchGap;
      });
    } else {
      out.order.push({ kind: n.kind, n, x, y, depth });
    }
  }
  for (const e of layout.edges) {
    out.edges.push({
      e,
      points: e.points ? e.points.map(([px, py]) => [px + ox, py + oy]) : null,
      loop: e.loop ? { x: e.loop.x + ox, y: e.loop.y + oy, h: e.loop.h } : null,
      labelAt: e.labelAt ? { x: e.labelAt.x + ox, y: e.labelAt.y + oy } : null,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Graph drawing (SVG)
// ---------------------------------------------------------------------------------------------

function drawGraph(definition, opts = {}) {
  let scope;
  let lay;
  const info = new Map();
  try {
    scope = buildScope(definition, 'the definition', info, null);
    lay = layoutScope(scope, true);
  } catch (e) {
    return { error: e.message, info };
  }
  const out = { clusters: [], branches: [], order: [], edges: [] };
  flatten(lay, G.margin, G.margin, out, 0);
  const W = lay.w + 2 * G.margin;
  const H = lay.h + 2 * G.margin;
  const nodeEls = new Map();
  const boxEls = new Map();
  const progressEls = new Map();

  const defs = s('defs', null,
    ['flow', 'catch'].map((k) => s('marker', {
      id: `arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8,
      markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse',
    }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrowhead arrowhead-${k}` }))));

  const back = s('g', { class: 'clusters' });
  for (const c of out.clusters) {
    const box = s('rect', {
      class: `cluster-box cluster-${c.n.state.type.toLowerCase()} st-not-visited`, x: c.x, y: c.y, width: c.n.w, height: c.n.h, rx: 8,
      'data-state': c.n.state.name,
    });
    boxEls.set(c.n.state.name, box);
    back.append(box);
  }
  for (const b of out.branches) {
    back.append(s('rect', { class: 'branch-box', x: b.x, y: b.y, width: b.w, height: b.h, rx: 6 }));
    if (b.type === 'Parallel') back.append(s('text', { class: 'branch-label', x: b.x + 8, y: b.y + 13 }, `Branch ${b.index + 1}`));
  }

  const edgeG = s('g', { class: 'edges' });
  for (const fe of out.edges) {
    const e = fe.e;
    const kind = e.kind === 'catch' ? 'catch' : 'flow';
    const g = s('g', {
      class: `edge edge-${e.kind}`, 'data-from': e.from.startsWith('\u0000') ? e.from.slice(1) : e.from,
      'data-to': e.to.startsWith('\u0000') ? e.to.slice(1) : e.to,
    });
    let d;
    if (fe.loop) {
      const { x, y, h: lh } = fe.loop;
      d = `M${x},${y + lh * 0.3} C${x + G.selfLoop + 6},${y - 4} ${x + G.selfLoop + 6},${y + lh + 4} ${x},${y + lh * 0.7}`;
    } else {
      d = pathD(fe.points);
    }
    g.append(s('path', { class: 'edge-path', d, 'marker-end': `url(#arrow-${kind})` }));
    if (e.labels.length && fe.labelAt) {
      const text = labelText(e);
      const lw = labelWidth(e);
      g.append(s('title', null, e.titles.join('\n') || text),
        s('rect', { class: 'edge-label-bg', x: fe.labelAt.x - lw / 2, y: fe.labelAt.y - 9, width: lw, height: 18, rx: 9 }),
        s('text', { class: 'edge-label', x: fe.labelAt.x, y: fe.labelAt.y + 4, 'text-anchor': 'middle' }, text));
    }
    edgeG.append(g);
  }

  const nodeG = s('g', { class: 'nodes' });
  for (const o of out.order) {
    const n = o.n;
    if (o.kind === 'start' || o.kind === 'end') {
      nodeG.append(s('g', { class: `marker marker-${o.kind}`, transform: `translate(${o.x},${o.y})`, 'data-marker': o.kind },
        s('rect', { width: n.w, height: n.h, rx: n.h / 2 }),
        s('text', { x: n.w / 2, y: n.h / 2 + 4, 'text-anchor': 'middle' }, o.kind === 'start' ? 'Start' : 'End')));
      continue;
    }
    const st = n.state;
    const isCluster = o.kind === 'cluster';
    const attrs = {
      class: `state state-not-visited${isCluster ? ` cluster cluster-${st.type.toLowerCase()}` : ''}`,
      'data-state': st.name, 'data-type': st.type, 'data-status': 'not-visited',
      transform: `translate(${o.x},${o.y})`,
    };
    if (opts.interactive !== false) {
      Object.assign(attrs, { tabindex: 0, role: 'button', 'aria-pressed': 'false', 'aria-label': `${st.name}, ${st.type} state` });
    }
    const g = s('g', attrs);
    const title = s('title', null, `${st.name} (${st.type})`);
    if (isCluster) {
      const headH = n.head - 6;
      g.append(title,
        s('rect', { class: 'cluster-head', width: n.w, height: headH, rx: 8 }),
        s('circle', { class: 'node-dot', cx: 16, cy: 19, r: 5 }),
        s('text', { class: 'node-name', x: 28, y: 23 }, fitText(st.name, n.w - 120, 13, 600)),
        s('text', { class: 'node-type', x: n.w - 12, y: 23, 'text-anchor': 'end' }, st.type));
      if (st.type === 'Map') {
        const barW = n.w - 32;
        const pg = s('g', {
          class: 'map-progress', 'data-state': st.name, transform: 'translate(16,34)',
          'data-length': '', 'data-started': 0, 'data-succeeded': 0, 'data-failed': 0, 'data-aborted': 0, 'data-running': 0,
        },
        s('rect', { class: 'progress-track', width: barW, height: 6, rx: 3 }),
        s('rect', { class: 'progress-succeeded', width: 0, height: 6, rx: 3 }),
        s('rect', { class: 'progress-failed', width: 0, height: 6 }),
        s('rect', { class: 'progress-running', width: 0, height: 6 }),
        s('text', { class: 'progress-text', x: 0, y: 21 }, 'Iterations: not started'));
        progressEls.set(st.name, { g: pg, barW });
        g.append(pg);
      }
    } else {
      const name = fitText(st.name, n.w - G.padX * 2 - G.dot + 4, 13, 600);
      g.append(title,
        s('rect', { class: 'node-box', width: n.w, height: n.h, rx: 6 }),
        s('circle', { class: 'node-dot', cx: G.padX, cy: n.h / 2, r: 5 }),
        s('text', { class: 'node-name', x: G.padX + G.dot - 4, y: 21 }, name),
        s('text', { class: 'node-type', x: G.padX + G.dot - 4, y: 37 }, st.type));
    }
    nodeEls.set(st.name, g);
    nodeG.append(g);
  }

  const svg = s('svg', {
    id: 'graph', class: opts.interactive === false ? 'graph static' : 'graph', viewBox: `0 0 ${W} ${H}`, width: W, height: H,
    role: 'group', 'aria-label': 'State machine graph', 'data-width': W, 'data-height': H,
  }, defs, back, edgeG, nodeG);
  return { svg, W, H, nodeEls, boxEls, progressEls, info, scope };
}

function setZoom(wrap, g, z) {
  g.zoom = Math.max(0.2, Math.min(2.5, z));
  g.svg.setAttribute('width', Math.round(g.W * g.zoom));
  g.svg.setAttribute('height', Math.round(g.H * g.zoom));
  wrap.dataset.zoom = g.zoom.toFixed(2);
}

function fitGraph(wrap, g, maxZoom = 1) {
  const avail = Math.max(200, (wrap.clientWidth || 900) - 4);
  setZoom(wrap, g, Math.min(maxZoom, Math.max(0.45, avail / g.W)));
}

// ---------------------------------------------------------------------------------------------
// History analysis: visits, statuses, Map progress
// ---------------------------------------------------------------------------------------------

function detailsOf(ev) {
  for (const k of Object.keys(ev || {})) {
    if (k.endsWith('EventDetails') && ev[k] && typeof ev[k] === 'object') return [k, ev[k]];
  }
  return [null, null];
}

function isFailureType(t) {
  return /(Failed|TimedOut)$/.test(t) && !t.startsWith('Execution') && t !== 'MapIterationFailed';
}

const STATUS_RANK = ['running', 'failed', 'caught', 'aborted', 'succeeded'];

// The state type an event type belongs to, when the event type says.
function typeHint(t) {
  if (/^ParallelState/.test(t)) return 'Parallel';
  if (/^(MapState|MapIteration|MapRun)/.test(t)) return 'Map';
  if (/^(Task|Activity|LambdaFunction)/.test(t) && !t.endsWith('StateEntered')) return 'Task';
  if (/^WaitState/.test(t)) return 'Wait';
  return null;
}

const ATTEMPT_OUTCOME = /^(Task|Activity|LambdaFunction)(Succeeded|Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;

// Whether event type `t` can come next in visit `v`'s life.
function phaseAccepts(v, t) {
  const ph = v.phase;
  if (/^(Task|Activity|LambdaFunction)Scheduled$/.test(t)) return ph === 'entered' || ph === 'failed';
  if (/^(Task|Activity|LambdaFunction)Started$/.test(t)) return ph === 'scheduled';
  if (t === 'TaskSubmitted' || t === 'ActivityStarted') return ph === 'started' || ph === 'scheduled';
  if (ATTEMPT_OUTCOME.test(t)) return ph === 'started' || ph === 'scheduled';
  if (t.endsWith('StateExited')) return ph !== 'scheduled' && ph !== 'started';
  return true;
}

function nextPhase(v, t) {
  if (/Scheduled$/.test(t)) v.phase = 'scheduled';
  else if (/^(Task|Activity|LambdaFunction)Started$/.test(t)) v.phase = 'started';
  else if (ATTEMPT_OUTCOME.test(t)) v.phase = /Succeeded$/.test(t) ? 'done' : 'failed';
  else if (isFailureType(t)) v.phase = 'failed';
}

// Whether a task event's resource (AWS: resourceType "lambda" + resource "invoke"; asl: the
// Resource ARN itself) can be the Task state's `Resource`. Unknown means yes.
function resourceMatches(def, d) {
  const R = def && typeof def.Resource === 'string' ? def.Resource : null;
  if (!R || R.includes('.$') || R.startsWith('{%')) return true;
  const res = d.resource;
  if (res === R || R.endsWith(`:${res}`)) return true;
  const rt = d.resourceType;
  return !!rt && (R === `arn:aws:states:::${rt}:${res}` || R.startsWith(`arn:aws:states:::${rt}:${res}.`) ||
    R.startsWith(`arn:aws:states:::aws-sdk:${rt}:${res}`));
}

// Whether a state's Retry may retry `error` after `retries` retries (ASL: the first retrier
// whose ErrorEquals matches decides; States.ALL matches all, States.TaskFailed all but
// States.Timeout-like States.* errors; MaxAttempts defaults to 3).
function mayRetry(def, error, retries) {
  if (!def || !Array.isArray(def.Retry) || error == null) return false;
  const e = String(error);
  for (const r of def.Retry) {
    const list = r && Array.isArray(r.ErrorEquals) ? r.ErrorEquals : [];
    const hit = list.some((x) => x === e || x === 'States.ALL' ||
      (x === 'States.TaskFailed' && (!e.startsWith('States.') || e === 'States.TaskFailed')));
    if (hit) return retries < (Number.isInteger(r.MaxAttempts) ? r.MaxAttempts : 3);
  }
  return false;
}

// Reads the events (in id order) and returns per state its visits and status. `info` maps
// state names to {type, parent} from the definition (may be empty).
function analyze(events, info) {
  const states = new Map();
  const getState = (name) => {
    let st = states.get(name);
    if (!st) {
      st = { name, type: (info.get(name) || {}).type || null, visits: [], status: 'not-visited', firstEvent: null };
      states.set(name, st);
    }
    return st;
  };
  const visitOf = new Map();
  const evById = new Map();
  const open = [];
  const exec = { status: null, error: null, cause: null, input: undefined, output: undefined, startMs: null, endMs: null };

  const isInside = (v, anc) => {
    for (let p = v.parent; p; p = p.parent) if (p === anc) return true;
    return false;
  };
  // A failed visit ends at its failure event, not at whatever closed it later.
  const failedAt = (v) => (v.failure && evById.get(v.failure.id)) || null;
  const closeVisit = (v, status, ev) => {
    if (v.closed) return;
    v.closed = true;
    v.status = status;
    v.endId = ev ? ev.id : null;
    v.endMs = ev ? toMs(ev.timestamp) : null;
    const i = open.indexOf(v);
    if (i >= 0) open.splice(i, 1);
    // States still open inside a container that closed did not finish.
    for (const o of open.filter((x) => isInside(x, v))) {
      closeVisit(o, o.failure ? 'failed' : status === 'succeeded' ? 'succeeded' : 'aborted', failedAt(o) || ev);
    }
  };
  const chainInformative = events.some((e) => e && e.id > 1 && e.previousEventId != null && e.previousEventId !== e.id - 1);

  // Which visit an event belongs to. AWS chains each event to the previous one of its own
  // branch or iteration (previousEventId), which decides. A store may instead give id - 1:
  // then the state's name (when the details have it), the state type the event type implies,
  // where each visit is in its life (phase), the task's resource, and, for an abort, a visit
  // that did not fail itself, narrow the open visits down.
  const findVisit = (name, ev, t, d) => {
    const hint = typeHint(t);
    const fits = (v) => !v.closed && (!name || v.name === name) && (!hint || !v.type || v.type === hint) && phaseAccepts(v, t);
    const pv = visitOf.get(ev.previousEventId);
    const cands = [];
    for (let p = pv; p; p = p.parent) if (fits(p)) cands.push(p);
    if (chainInformative && cands.length) return cands[0];
    const pool = open.filter((v) => (!name || v.name === name) && (!hint || !v.type || v.type === hint));
    for (const v of name ? pool : pool.slice().reverse()) if (fits(v) && !cands.includes(v)) cands.push(v);
    const prefer = (v) => {
      if (t.endsWith('StateAborted')) return !v.failure;
      if (d && typeof d.resource === 'string') return resourceMatches((info.get(v.name) || {}).def, d);
      return true;
    };
    return cands.find(prefer) || cands[0] || (name ? pool[0] : pool[pool.length - 1]) || null;
  };

  for (const ev of events) {
    if (!ev || typeof ev !== 'object') continue;
    evById.set(ev.id, ev);
    const t = String(ev.type || '');
    const [, d] = detailsOf(ev);
    const ms = toMs(ev.timestamp);
    let v = null;
    if (t === 'ExecutionStarted') {
      exec.startMs = ms;
      exec.input = d ? d.input : undefined;
      exec.status = 'RUNNING';
    } else if (t === 'ExecutionRedriven') {
      exec.status = 'RUNNING';
      exec.endMs = null;
    } else if (t === 'ExecutionSucceeded') {
      exec.status = 'SUCCEEDED';
      exec.output = d ? d.output : undefined;
      exec.endMs = ms;
      for (const o of open.slice().reverse()) closeVisit(o, o.failure ? 'failed' : 'succeeded', ev);
    } else if (t === 'ExecutionFailed' || t === 'ExecutionTimedOut' || t === 'ExecutionAborted') {
      exec.status = { ExecutionFailed: 'FAILED', ExecutionTimedOut: 'TIMED_OUT', ExecutionAborted: 'ABORTED' }[t];
      exec.error = d ? d.error : null;
      exec.cause = d ? d.cause : null;
      exec.endMs = ms;
      // The state the execution failed in: the one the event follows (a Fail state, a task
      // whose error was not caught), else any open state with a failure, else the latest
      // open state (an error such as States.Runtime that has no event of its own).
      let culprit = visitOf.get(ev.previousEventId) || null;
      if (culprit && culprit.closed && culprit.status !== 'failed') culprit = null;
      if (t === 'ExecutionFailed') {
        if (!culprit && !open.some((o) => o.failure)) culprit = open[open.length - 1] || null;
        if (culprit && !culprit.lastFailure) culprit.lastFailure = { error: exec.error, cause: exec.cause, type: t, id: ev.id };
      }
      // Failed: the culprit, open states with a failure, and the states enclosing them.
      const failing = new Set();
      for (const o of open) {
        if (o.failure || o === culprit || t === 'ExecutionTimedOut') {
          for (let p = o; p; p = p.parent) failing.add(p);
        }
      }
      if (culprit) for (let p = culprit.parent; p; p = p.parent) failing.add(p);
      // innermost first, so a container's closing does not decide for its children
      for (const o of open.slice().reverse()) {
        closeVisit(o, failing.has(o) && (t !== 'ExecutionAborted' || o.failure) ? 'failed' : 'aborted', failedAt(o) || ev);
      }
    } else if (t.endsWith('StateEntered')) {
      const name = d && typeof d.name === 'string' ? d.name : null;
      if (name) {
        const pv = visitOf.get(ev.previousEventId);
        const pe = evById.get(ev.previousEventId);
        const parentName = (info.get(name) || {}).parent;
        let parent = null;
        if (parentName) {
          for (let p = pv; p && !parent; p = p.parent) if (p.name === parentName && !p.closed) parent = p;
          if (!parent) parent = open.slice().reverse().find((o) => o.name === parentName) || null;
        } else if (!info.size && pv) {
          parent = pe && /^(MapIterationStarted|ParallelStateStarted)$/.test(pe.type) ? pv : pv.parent;
        }
        // Which Map iteration: from the chain of previous events. When every previousEventId
        // is just id - 1, that chain says nothing while several iterations run at once.
        let iteration = null;
        const m = parent && parent.map;
        const trusted = chainInformative || !m || m.started - m.succeeded - m.failed - m.aborted <= 1;
        if (!trusted) {
          iteration = null;
        } else if (pe && pe.type === 'MapIterationStarted') {
          const pd = detailsOf(pe)[1];
          iteration = pd && pd.index != null ? pd.index : null;
        } else if (pv && parent && pv.parent === parent) {
          iteration = pv.iteration;
        }
        const st = getState(name);
        if (!st.type) st.type = t.replace(/StateEntered$/, '') || null;
        v = {
          name, type: st.type, phase: 'entered', n: st.visits.length + 1, enteredId: ev.id, enteredMs: ms, input: d.input, output: undefined,
          status: 'running', closed: false, failure: null, lastFailure: null, retries: 0, parent, iteration,
          map: null, endId: null, endMs: null,
        };
        st.visits.push(v);
        open.push(v);
        if (t === 'FailStateEntered') closeVisit(v, 'failed', ev);
      }
    } else if (t.endsWith('StateExited')) {
      const name = d && typeof d.name === 'string' ? d.name : null;
      v = findVisit(name, ev, t, d);
      if (v) {
        v.output = d ? d.output : undefined;
        closeVisit(v, v.failure ? 'caught' : 'succeeded', ev);
      }
    } else {
      let name = null;
      if (d && typeof d.name === 'string') name = d.name;
      else if (d && typeof d.state === 'string') name = d.state;
      v = findVisit(name, ev, t, d);
      if (v) {
        nextPhase(v, t);
        if (isFailureType(t)) {
          let f = { error: d ? d.error : null, cause: d ? d.cause : null, type: t, id: ev.id };
          // ParallelStateFailed / MapStateFailed carry no error: take the failing child's
          if (f.error == null && f.cause == null && v.innerFailure) f = { ...v.innerFailure, type: t, id: ev.id };
          v.failure = f;
          v.lastFailure = f;
          for (let p = v.parent; p; p = p.parent) p.innerFailure = f;
        } else if (/Scheduled$/.test(t) || t === 'ParallelStateStarted' || t === 'MapStateStarted') {
          if (v.failure) {
            v.retries += 1;
            v.failure = null;
          }
        } else if (t.endsWith('StateAborted')) {
          closeVisit(v, v.failure ? 'failed' : 'aborted', ev);
        }
        if (t.startsWith('Map')) {
          if (!v.map || (t === 'MapStateStarted' && v.map.started)) {
            v.map = { length: null, started: 0, succeeded: 0, failed: 0, aborted: 0, mapRunArn: null };
          }
          const m = v.map;
          if (t === 'MapStateStarted') m.length = d && d.length != null ? d.length : null;
          else if (t === 'MapIterationStarted') m.started += 1;
          else if (t === 'MapIterationSucceeded') m.succeeded += 1;
          else if (t === 'MapIterationFailed') m.failed += 1;
          else if (t === 'MapIterationAborted') m.aborted += 1;
          else if (t === 'MapRunStarted') m.mapRunArn = d ? d.mapRunArn : null;
        }
      }
    }
    if (v) visitOf.set(ev.id, v);
  }

  for (const st of states.values()) {
    let best = null;
    const def = (info.get(st.name) || {}).def;
    for (const v of st.visits) {
      // an open visit whose error a Retry of the state still covers is waiting to retry
      v.retrying = !v.closed && !!v.failure && mayRetry(def, v.failure.error, v.retries);
      const vs = v.closed ? v.status : v.failure && !v.retrying ? 'failed' : 'running';
      v.shownStatus = vs;
      if (best === null || STATUS_RANK.indexOf(vs) < STATUS_RANK.indexOf(best)) best = vs;
    }
    st.status = best || 'not-visited';
    const withMap = st.visits.filter((x) => x.map);
    st.map = withMap.length ? withMap[withMap.length - 1].map : null;
  }
  return { states, exec, visitOf };
}

// ---------------------------------------------------------------------------------------------
// View 3: one execution
// ---------------------------------------------------------------------------------------------

async function viewExecution(app, my, arn, preselect) {
  document.title = `${arnName(arn)} · asl console`;
  const ctx = {
    my, arn, desc: null, machine: null, events: [], seen: new Set(), tailToken: null,
    info: new Map(), graph: null, analysis: null, selected: preselect || null, rows: new Map(),
    historyFilter: '', panelSig: '', els: {},
  };
  const E = ctx.els;
  E.crumbs = crumbs([{ label: 'State machines', href: '#/' }, { label: '…' }, { label: arnName(arn) }]);
  E.status = h('span', { id: 'execution-status', class: 'badge', 'data-status': '' }, '…');
  E.live = h('span', { class: 'live', id: 'live-indicator', hidden: true, role: 'status' },
    h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Live: updating every second');
  E.summary = h('dl', { class: 'summary', id: 'execution-summary' });
  E.error = h('div', { class: 'error-box', id: 'execution-error', hidden: true, role: 'note' });
  E.graphWrap = h('div', { class: 'graph-wrap', id: 'graph-wrap' }, loadingEl('Loading the definition…'));
  E.statePanel = h('aside', { class: 'panel state-panel', id: 'state-panel', 'aria-live': 'polite' });
  E.statesBody = h('tbody');
  E.historyBody = h('tbody');
  E.historyCount = h('span', { class: 'count', id: 'history-count' });
  E.input = h('pre', { class: 'json', id: 'execution-input' }, '…');
  E.output = h('pre', { class: 'json', id: 'execution-output' }, '…');
  const zoomBtn = (label, text, f) => h('button', { type: 'button', class: 'btn btn-small', 'aria-label': label, title: label, onclick: f }, text);
  const filter = h('input', {
    type: 'search', id: 'history-filter', placeholder: 'Filter by type or state', 'aria-label': 'Filter events by type or state name',
  });
  filter.addEventListener('input', () => {
    ctx.historyFilter = filter.value.trim().toLowerCase();
    for (const tr of E.historyBody.querySelectorAll('tr.event')) applyHistoryFilter(ctx, tr);
  });

  app.append(
    E.crumbs,
    h('div', { class: 'page-head' },
      h('div', { class: 'title-line' }, h('h1', { id: 'execution-name' }, arnName(arn)), E.status, E.live)),
    E.error,
    panel('Execution details', { id: 'execution-details' }, E.summary),
    h('div', { class: 'split' },
      panel(h('div', { class: 'panel-title-row' }, h('h2', null, 'Graph view'),
        h('div', { class: 'zoom', role: 'group', 'aria-label': 'Zoom' },
          zoomBtn('Zoom out', '−', () => ctx.graph && setZoom(E.graphWrap, ctx.graph, ctx.graph.zoom / 1.25)),
          zoomBtn('Zoom in', '+', () => ctx.graph && setZoom(E.graphWrap, ctx.graph, ctx.graph.zoom * 1.25)),
          zoomBtn('Fit to width', 'Fit', () => ctx.graph && fitGraph(E.graphWrap, ctx.graph, 2)),
          zoomBtn('Actual size', '1:1', () => ctx.graph && setZoom(E.graphWrap, ctx.graph, 1)))),
      { id: 'graph-panel', class: 'panel graph-panel' }, legend(), E.graphWrap),
      E.statePanel),
    panel('States', { id: 'states-panel' },
      h('table', { class: 'data-table compact', id: 'states-table' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Visits'), h('th', { scope: 'col' }, 'Progress'))),
        E.statesBody)),
    h('div', { class: 'io-row' },
      panel('Execution input', { id: 'input-panel' }, E.input),
      panel('Execution output', { id: 'output-panel' }, E.output)),
    panel(h('div', { class: 'panel-title-row' }, h('h2', null, 'Events ', E.historyCount), filter), { id: 'history-panel' },
      h('div', { class: 'table-scroll' },
        h('table', { class: 'data-table compact', id: 'history' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, 'ID'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col' }, 'Elapsed'), h('th', { scope: 'col' }, 'Timestamp'), h('th', { scope: 'col' }, 'Details'))),
          E.historyBody))));
  renderStatePanel(ctx);

  let desc;
  try {
    desc = await api('DescribeExecution', { executionArn: arn });
  } catch (e) {
    if (!isCurrent(my)) return;
    showError(e, { context: 'DescribeExecution' });
    setKids(app, crumbs([{ label: 'State machines', href: '#/' }, { label: arnName(arn) }]),
      h('div', { class: 'page-head' }, h('h1', { id: 'execution-name' }, arnName(arn))),
      panel(null, { id: 'execution-missing' }, h('div', { class: 'empty' },
        h('p', null, h('strong', null, 'This execution could not be loaded.')),
        h('p', { class: 'mono' }, arn),
        h('p', null, h('a', { href: '#/' }, 'Back to the state machines')))));
    return;
  }
  if (!isCurrent(my)) return;
  ctx.desc = desc;
  renderSummary(ctx);

  const machineArn = desc.stateMachineVersionArn || desc.stateMachineArn;
  const [defR, histR] = await Promise.allSettled([
    machineArn ? api('DescribeStateMachine', { stateMachineArn: machineArn }) : Promise.reject(new ApiError('Error', 'the execution has no stateMachineArn')),
    loadHistory(ctx),
  ]);
  if (!isCurrent(my)) return;
  if (defR.status === 'fulfilled') {
    ctx.machine = defR.value;
  } else {
    showError(defR.reason, { context: 'loading the definition' });
  }
  if (histR.status === 'rejected') showError(histR.reason, { context: 'loading the history' });
  renderSummary(ctx);
  renderGraphInto(ctx);
  update(ctx, ctx.events);
  if (ctx.desc.status === 'RUNNING') startPolling(ctx);
}

function legend() {
  return h('ul', { class: 'legend', 'aria-label': 'Legend' },
    ['succeeded', 'running', 'failed', 'caught', 'aborted', 'not-visited'].map((st) => h('li', null,
      h('span', { class: `swatch st-${st}`, 'aria-hidden': 'true' }), STATE_STATUS_LABEL[st])),
    h('li', null, h('span', { class: 'swatch-line catch', 'aria-hidden': 'true' }), 'Catch'));
}

// Loads the events not seen yet. The page token that fetched the last (incomplete) page is
// kept, so a refresh asks only for that page and what follows it; events are kept by id.
async function loadHistory(ctx) {
  let token = ctx.tailToken;
  let restarted = false;
  const fresh = [];
  for (let pages = 0; pages < 200; pages++) {
    const req = { executionArn: ctx.arn, includeExecutionData: true, maxResults: 1000 };
    if (token) req.nextToken = token;
    let r;
    try {
      r = await api('GetExecutionHistory', req);
    } catch (e) {
      if (token && token === ctx.tailToken && !restarted && e.status !== 0) {
        // the kept token was refused (expired): start again from the first page
        restarted = true;
        ctx.tailToken = null;
        token = null;
        continue;
      }
      throw e;
    }
    for (const ev of Array.isArray(r.events) ? r.events : []) {
      if (!ev || typeof ev !== 'object') continue;
      const key = ev.id != null ? ev.id : `${ev.type}|${ev.timestamp}`;
      if (ctx.seen.has(key)) continue;
      ctx.seen.add(key);
      fresh.push(ev);
    }
    if (!r.nextToken || r.nextToken === token) {
      ctx.tailToken = token;
      break;
    }
    token = r.nextToken;
  }
  if (fresh.length) {
    const last = ctx.events.length ? ctx.events[ctx.events.length - 1].id : -Infinity;
    ctx.events.push(...fresh);
    if (fresh.some((ev) => !(ev.id > last))) ctx.events.sort((a, b) => (a.id || 0) - (b.id || 0));
  }
  return fresh;
}

function startPolling(ctx) {
  const app = $('#app');
  app.dataset.live = 'true';
  ctx.els.live.hidden = false;
  let timer = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  cleanups.push(stop);
  const tick = async () => {
    if (!isCurrent(ctx.my)) return;
    try {
      const desc = await api('DescribeExecution', { executionArn: ctx.arn });
      if (!isCurrent(ctx.my)) return;
      ctx.desc = desc;
      const fresh = await loadHistory(ctx);
      if (!isCurrent(ctx.my)) return;
      clearErrors('poll');
      renderSummary(ctx);
      if (fresh.length) update(ctx, fresh);
      if (desc.status !== 'RUNNING') {
        delete app.dataset.live;
        ctx.els.live.hidden = true;
        update(ctx, []);
        return;
      }
    } catch (e) {
      if (!isCurrent(ctx.my)) return;
      showError(e, { context: 'while refreshing; retrying', key: 'poll' });
    }
    timer = setTimeout(tick, 1000);
  };
  timer = setTimeout(tick, 1000);
}

function renderSummary(ctx) {
  const d = ctx.desc || {};
  const E = ctx.els;
  const status = d.status || 'UNKNOWN';
  E.status.replaceWith(E.status = execBadge(status, { id: 'execution-status' }));
  const machineName = (ctx.machine && ctx.machine.name) || arnName(d.stateMachineArn);
  if (d.stateMachineArn) {
    E.crumbs.replaceWith(E.crumbs = crumbs([
      { label: 'State machines', href: '#/' },
      { label: machineName, href: machineHref(d.stateMachineArn) },
      { label: d.name || arnName(ctx.arn) }]));
  }
  $('#execution-name').textContent = d.name || arnName(ctx.arn);
  document.title = `${d.name || arnName(ctx.arn)} · asl console`;
  const start = toMs(d.startDate);
  const stop = toMs(d.stopDate);
  setKids(E.summary,
    h('div', null, h('dt', null, 'Status'), h('dd', null, execBadge(status))),
    h('div', null, h('dt', null, 'Started'), h('dd', null, timeEl(d.startDate))),
    h('div', null, h('dt', null, 'Ended'), h('dd', null, stop != null ? timeEl(d.stopDate) : '–')),
    h('div', null, h('dt', null, 'Duration'), h('dd', { id: 'execution-duration' },
      start != null ? fmtDuration((stop != null ? stop : Date.now()) - start) : '–')),
    h('div', null, h('dt', null, 'State machine'), h('dd', null,
      d.stateMachineArn ? h('a', { href: machineHref(d.stateMachineArn) }, machineName) : '–')),
    h('div', { class: 'wide' }, h('dt', null, 'Execution ARN'), h('dd', { class: 'mono', id: 'execution-arn' }, d.executionArn || ctx.arn)),
    d.stateMachineVersionArn ? h('div', { class: 'wide' }, h('dt', null, 'Version'), h('dd', { class: 'mono' }, d.stateMachineVersionArn)) : null,
    d.stateMachineAliasArn ? h('div', { class: 'wide' }, h('dt', null, 'Alias'), h('dd', { class: 'mono' }, d.stateMachineAliasArn)) : null,
    d.redriveCount ? h('div', null, h('dt', null, 'Redrives'), h('dd', null, String(d.redriveCount))) : null,
    d.mapRunArn ? h('div', { class: 'wide' }, h('dt', null, 'Map run'), h('dd', { class: 'mono' }, d.mapRunArn)) : null);

  const a = ctx.analysis;
  const error = d.error || (a && a.exec.error);
  const cause = d.cause || (a && a.exec.cause);
  if (error || cause) {
    E.error.hidden = false;
    setKids(E.error,
      h('div', { class: 'error-title' }, h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '!'),
        `Execution ${(EXEC_STATUS_LABEL[status] || status).toLowerCase()}`),
      h('dl', null,
        h('dt', null, 'Error'), h('dd', { id: 'execution-error-name', class: 'mono' }, error || '–'),
        h('dt', null, 'Cause'), h('dd', null, h('pre', { id: 'execution-cause', class: 'json' }, cause ? prettyJsonText(cause) : '–'))));
  } else {
    E.error.hidden = true;
    setKids(E.error);
  }
  const input = d.input !== undefined ? d.input : a && a.exec.input;
  const output = d.output !== undefined ? d.output : a && a.exec.output;
  E.input.textContent = input != null ? prettyJsonText(input) : '–';
  E.output.textContent = output != null ? prettyJsonText(output)
    : status === 'RUNNING' ? '(the execution is still running)' : '–';
}

function renderGraphInto(ctx) {
  const E = ctx.els;
  const m = ctx.machine;
  if (!m) {
    setKids(E.graphWrap, h('div', { class: 'graph-error', role: 'note' },
      'The state machine could not be loaded, so the graph is not shown. The history below is complete.'));
    return;
  }
  let parsed;
  try {
    parsed = typeof m.definition === 'string' ? JSON.parse(m.definition) : m.definition;
  } catch (e) {
    setKids(E.graphWrap, h('div', { class: 'graph-error', role: 'note' },
      `The definition is not valid JSON (${e.message}), so the graph is not shown. The history below is complete.`));
    return;
  }
  const g = drawGraph(parsed, { interactive: true });
  ctx.info = g.info || new Map();
  if (g.error) {
    setKids(E.graphWrap, h('div', { class: 'graph-error', role: 'note' },
      `The graph cannot be drawn: ${g.error}. The history below is complete.`));
    return;
  }
  ctx.graph = g;
  setKids(E.graphWrap, g.svg);
  fitGraph(E.graphWrap, g, 1);
  const select = (name) => selectState(ctx, name, true);
  for (const [name, el] of g.nodeEls) {
    el.addEventListener('click', () => select(name));
    el.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select(name);
      }
    });
  }
  for (const [name, el] of g.boxEls) el.addEventListener('click', () => select(name));
}

function selectState(ctx, name, updateHash) {
  ctx.selected = name;
  ctx.panelSig = '';
  if (updateHash) {
    try {
      history.replaceState(null, '', executionHref(ctx.arn, name));
    } catch (_) { /* ignore */ }
  }
  markGraph(ctx);
  renderStatesTable(ctx);
  renderStatePanel(ctx);
  if (updateHash && name) {
    const r = ctx.els.statePanel.getBoundingClientRect();
    if (r.top > window.innerHeight || r.bottom < 0) ctx.els.statePanel.scrollIntoView({ block: 'nearest' });
  }
}

function update(ctx, fresh) {
  ctx.analysis = analyze(ctx.events, ctx.info);
  markGraph(ctx);
  renderStatesTable(ctx);
  appendHistory(ctx, fresh);
  renderSummary(ctx);
  renderStatePanel(ctx);
}

function markGraph(ctx) {
  const g = ctx.graph;
  if (!g) return;
  const a = ctx.analysis;
  for (const [name, el] of g.nodeEls) {
    const st = a ? a.states.get(name) : null;
    const status = st ? st.status : 'not-visited';
    const type = el.getAttribute('data-type');
    const cluster = el.classList.contains('cluster') ? ` cluster cluster-${type.toLowerCase()}` : '';
    const sel = ctx.selected === name;
    el.setAttribute('class', `state state-${status}${cluster}${sel ? ' selected' : ''}`);
    el.setAttribute('data-status', status);
    el.setAttribute('data-visits', st ? st.visits.length : 0);
    if (el.hasAttribute('role')) {
      el.setAttribute('aria-pressed', sel ? 'true' : 'false');
      el.setAttribute('aria-label', `${name}, ${type} state, ${STATE_STATUS_LABEL[status]}${st && st.visits.length > 1 ? `, ${st.visits.length} visits` : ''}`);
    }
    const title = el.querySelector('title');
    if (title) title.textContent = `${name} (${type}): ${STATE_STATUS_LABEL[status]}${st && st.visits.length ? `, ${st.visits.length} visit${st.visits.length > 1 ? 's' : ''}` : ''}`;
    const typeText = el.querySelector('.node-type');
    if (typeText && !cluster) typeText.textContent = st && st.visits.length > 1 ? `${type} · ${st.visits.length} visits` : type;
    const box = g.boxEls.get(name);
    if (box) box.setAttribute('class', `cluster-box cluster-${type.toLowerCase()} st-${status}${sel ? ' selected' : ''}`);
    const pe = g.progressEls.get(name);
    if (pe) updateProgress(pe, st && st.map, status);
  }
  const end = g.svg.querySelector('.marker-end');
  const es = a && a.exec.status ? a.exec.status : ctx.desc && ctx.desc.status;
  if (end) end.setAttribute('class', `marker marker-end${es && es !== 'RUNNING' ? ` end-${es.toLowerCase()}` : ''}`);
  const start = g.svg.querySelector('.marker-start');
  if (start) start.setAttribute('class', `marker marker-start${ctx.events.length ? ' reached' : ''}`);
}

function progressText(m) {
  if (!m) return 'Iterations: not started';
  const done = m.succeeded + m.failed + m.aborted;
  const running = Math.max(0, m.started - done);
  const total = m.length != null ? m.length : '?';
  const parts = [`${m.succeeded} of ${total} succeeded`];
  if (running) parts.push(`${running} running`);
  if (m.failed) parts.push(`${m.failed} failed`);
  if (m.aborted) parts.push(`${m.aborted} aborted`);
  if (m.started < (m.length || 0)) parts.push(`${(m.length || 0) - m.started} waiting`);
  return `Iterations: ${parts.join(' · ')}`;
}

function updateProgress(pe, m, status) {
  const { g, barW } = pe;
  const len = m && m.length != null ? m.length : null;
  g.setAttribute('data-length', len == null ? '' : len);
  for (const k of ['started', 'succeeded', 'failed', 'aborted']) g.setAttribute(`data-${k}`, m ? m[k] : 0);
  const running = m ? Math.max(0, m.started - m.succeeded - m.failed - m.aborted) : 0;
  g.setAttribute('data-running', running);
  const total = len || (m ? Math.max(m.started, 1) : 1);
  const wS = m ? (barW * m.succeeded) / total : 0;
  const wF = m ? (barW * (m.failed + m.aborted)) / total : 0;
  const wR = (barW * running) / total;
  const [, succ, fail, run] = g.querySelectorAll('rect');
  succ.setAttribute('width', Math.min(barW, wS).toFixed(1));
  fail.setAttribute('x', Math.min(barW, wS).toFixed(1));
  fail.setAttribute('width', Math.max(0, Math.min(barW - wS, wF)).toFixed(1));
  run.setAttribute('x', Math.min(barW, wS + wF).toFixed(1));
  run.setAttribute('width', Math.max(0, Math.min(barW - wS - wF, wR)).toFixed(1));
  const full = m ? progressText(m) : status === 'not-visited' ? 'Iterations: not started' : 'Iterations: starting…';
  const short = textWidth(full, 11) <= barW ? full : full.replace(/^Iterations: /, '');
  g.querySelector('text').textContent = fitText(short, barW, 11, 400);
  let title = g.querySelector('title');
  if (!title) g.prepend(title = s('title'));
  title.textContent = full;
}

function progressCell(m) {
  if (!m) return '';
  const len = m.length != null ? m.length : 0;
  const pct = len ? Math.round((100 * (m.succeeded + m.failed + m.aborted)) / len) : 0;
  return h('div', { class: 'progress-cell' },
    h('progress', { max: len || 1, value: m.succeeded + m.failed + m.aborted, 'aria-label': `${pct}% of the iterations done` }),
    h('span', { class: 'progress-label' }, progressText(m).replace(/^Iterations: /, '')));
}

// Names of every state: definition order first, then any the history names that the
// definition does not (so an unparsable definition still lists the states that ran).
function allStateNames(ctx) {
  const names = [...ctx.info.keys()];
  if (ctx.analysis) for (const n of ctx.analysis.states.keys()) if (!ctx.info.has(n)) names.push(n);
  return names;
}

function renderStatesTable(ctx) {
  const a = ctx.analysis;
  for (const name of allStateNames(ctx)) {
    let row = ctx.rows.get(name);
    const st = a ? a.states.get(name) : null;
    const type = (ctx.info.get(name) || {}).type || (st && st.type) || '?';
    if (!row) {
      const depth = (() => {
        let dd = 0;
        for (let p = (ctx.info.get(name) || {}).parent; p && dd < 20; p = (ctx.info.get(p) || {}).parent) dd++;
        return dd;
      })();
      row = {
        tr: h('tr', { class: 'state-row', 'data-state': name }),
        status: h('td'), visits: h('td', { class: 'num' }), progress: h('td'),
      };
      const btn = h('button', { type: 'button', class: 'link-button', style: depth ? `padding-left:${depth * 16}px` : null }, name);
      btn.addEventListener('click', () => selectState(ctx, name, true));
      row.tr.append(h('td', null, btn), h('td', null, type), row.status, row.visits, row.progress);
      ctx.els.statesBody.append(row.tr);
      ctx.rows.set(name, row);
    }
    const status = st ? st.status : 'not-visited';
    if (row.tr.dataset.status !== status) {
      row.tr.dataset.status = status;
      setKids(row.status, stateBadge(status));
    }
    row.visits.textContent = st ? String(st.visits.length) : '0';
    setKids(row.progress, st && st.map ? progressCell(st.map) : '');
    row.tr.classList.toggle('selected', ctx.selected === name);
  }
}

function eventSummary(ev, d) {
  if (!d) return '';
  if (d.error || d.cause) return truncate([d.error, d.cause].filter(Boolean).join(': '), 90);
  if (ev.type === 'MapStateStarted' && d.length != null) return `${d.length} items`;
  if (/^MapIteration/.test(ev.type) && d.index != null) return `iteration ${d.index}`;
  if (d.resource) return truncate(`${d.resourceType ? `${d.resourceType}:` : ''}${d.resource}`, 90);
  const text = d.output != null ? d.output : d.input;
  if (text != null) return truncate(String(text).replace(/\s+/g, ' '), 90);
  return truncate(Object.keys(d).join(', '), 90);
}

function eventDetailsForDisplay(ev) {
  const out = {};
  for (const [k, v] of Object.entries(ev)) {
    if (['id', 'previousEventId', 'timestamp', 'type'].includes(k)) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = {};
      for (const [kk, vv] of Object.entries(v)) {
        if (typeof vv === 'string' && ['input', 'output', 'parameters', 'cause', 'definition'].includes(kk)) {
          try {
            o[kk] = JSON.parse(vv);
            continue;
          } catch (_) { /* keep the text */ }
        }
        o[kk] = vv;
      }
      out[k] = o;
    } else {
      out[k] = v;
    }
  }
  return out;
}

function appendHistory(ctx, fresh) {
  if (!fresh || !fresh.length) {
    ctx.els.historyCount.textContent = `(${ctx.events.length})`;
    return;
  }
  const a = ctx.analysis;
  const startMs = a && a.exec.startMs != null ? a.exec.startMs : ctx.events.length ? toMs(ctx.events[0].timestamp) : null;
  const frag = document.createDocumentFragment();
  // Re-sort when an event arrives out of order (rare): rebuild the whole table.
  const rebuild = ctx.historyRebuild || (ctx.lastRowId != null && fresh.some((ev) => ev.id < ctx.lastRowId));
  const list = rebuild ? ctx.events : fresh;
  if (rebuild) ctx.els.historyBody.replaceChildren();
  ctx.historyRebuild = false;
  for (const ev of list) {
    const t = String(ev.type || 'Unknown');
    const [, d] = detailsOf(ev);
    const v = a ? a.visitOf.get(ev.id) : null;
    const stateName = v ? v.name : d && typeof d.name === 'string' ? d.name : '';
    const failure = isFailureType(t) || t === 'ExecutionFailed' || t === 'ExecutionTimedOut' || t === 'ExecutionAborted' || t === 'MapIterationFailed';
    const ok = t === 'ExecutionSucceeded' || t.endsWith('StateExited') || t.endsWith('Succeeded');
    const ms = toMs(ev.timestamp);
    const details = h('details', { class: 'event-details' }, h('summary', null, eventSummary(ev, d) || 'Details'));
    details.addEventListener('toggle', () => {
      if (details.open && !details.dataset.filled) {
        details.dataset.filled = '1';
        details.append(h('pre', { class: 'json' }, prettyJsonText(eventDetailsForDisplay(ev))));
      }
    }, { once: false });
    const stateCell = stateName
      ? h('button', { type: 'button', class: 'link-button', onclick: () => selectState(ctx, stateName, true) }, stateName)
      : '';
    const tr = h('tr', {
      class: `event${failure ? ' event-failed' : ok ? ' event-ok' : ''}`, 'data-event-id': ev.id, 'data-type': t,
      'data-state': stateName || null,
    },
    h('td', { class: 'num' }, ev.id != null ? String(ev.id) : ''),
    h('td', { class: 'event-type' }, h('span', { class: 'type-dot', 'aria-hidden': 'true' }), t),
    h('td', null, stateCell),
    h('td', { class: 'num' }, ms != null && startMs != null ? fmtDuration(ms - startMs) : ''),
    h('td', null, timeEl(ev.timestamp)),
    h('td', { class: 'details-cell' }, details));
    applyHistoryFilter(ctx, tr);
    frag.append(tr);
    if (ev.id != null) ctx.lastRowId = Math.max(ctx.lastRowId || 0, ev.id);
  }
  ctx.els.historyBody.append(frag);
  ctx.els.historyCount.textContent = `(${ctx.events.length})`;
}

function applyHistoryFilter(ctx, tr) {
  const f = ctx.historyFilter;
  if (!f) {
    tr.hidden = false;
    return;
  }
  const hay = `${tr.dataset.type || ''} ${tr.dataset.state || ''} ${tr.dataset.eventId || ''}`.toLowerCase();
  tr.hidden = !hay.includes(f);
}

function renderStatePanel(ctx) {
  const P = ctx.els.statePanel;
  const name = ctx.selected;
  const a = ctx.analysis;
  if (!name) {
    if (ctx.panelSig !== 'none') {
      ctx.panelSig = 'none';
      P.removeAttribute('data-state');
      setKids(P, h('header', { class: 'panel-head' }, h('h2', null, 'State details')),
        h('div', { class: 'panel-body' }, h('p', { class: 'muted' },
          'Select a state in the graph (or in the States table) to see its input and output for each visit.')));
    }
    return;
  }
  const st = a ? a.states.get(name) : null;
  const inf = ctx.info.get(name) || {};
  const status = st ? st.status : 'not-visited';
  const sig = `${name}|${status}|${st ? st.visits.map((v) => `${v.enteredId}:${v.shownStatus}:${v.endId}:${v.retries}`).join(',') : ''}|${st && st.map ? JSON.stringify(st.map) : ''}`;
  if (sig === ctx.panelSig) return;
  ctx.panelSig = sig;
  const openVisits = new Set([...P.querySelectorAll('details.visit[open]')].map((x) => x.dataset.visit));
  const samePanel = P.dataset.state === name;
  const scroll = samePanel ? P.scrollTop : 0;
  const type = inf.type || (st && st.type) || '?';
  const visits = st ? st.visits : [];
  const MAX = 100;
  const shown = visits.length > MAX ? visits.slice(visits.length - MAX) : visits;
  P.dataset.state = name;
  setKids(P,
    h('header', { class: 'panel-head' },
      h('h2', { id: 'state-panel-title' }, name),
      h('div', { class: 'state-meta' }, h('span', { class: 'type-tag' }, type), stateBadge(status),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Close state details', onclick: () => selectState(ctx, null, true) }, 'Close'))),
    h('div', { class: 'panel-body' },
      st && st.map ? h('div', { class: 'map-summary', 'data-state': name }, progressCell(st.map),
        st.map.mapRunArn ? h('p', { class: 'mono sub' }, st.map.mapRunArn) : null) : null,
      !visits.length ? h('p', { class: 'muted' }, status === 'not-visited' ? 'This state has not run in this execution.' : '') : null,
      visits.length > MAX ? h('p', { class: 'muted' }, `The last ${MAX} of ${visits.length} visits are shown.`) : null,
      shown.map((v, i) => {
        const key = String(v.enteredId);
        const isOpen = samePanel && openVisits.size ? openVisits.has(key) : i === shown.length - 1 || shown.length <= 3;
        const endMs = v.endMs != null ? v.endMs : v.closed ? null : Date.now();
        const f = v.lastFailure;
        return h('details', { class: `visit visit-${v.shownStatus}`, 'data-visit': key, open: isOpen },
          h('summary', null,
            h('span', { class: 'visit-title' }, `Visit ${v.n}`, v.iteration != null ? ` · iteration ${v.iteration}` : '',
              v.retrying ? ' · retrying' : ''),
            stateBadge(v.shownStatus),
            h('span', { class: 'visit-time' }, v.enteredMs != null && endMs != null ? fmtDuration(endMs - v.enteredMs) : '')),
          h('dl', { class: 'visit-meta' },
            h('dt', null, 'Entered'), h('dd', null, timeEl(v.enteredMs != null ? v.enteredMs / 1000 : null), ` (event ${v.enteredId})`),
            v.endId != null ? [h('dt', null, 'Ended'), h('dd', null, timeEl(v.endMs != null ? v.endMs / 1000 : null), ` (event ${v.endId})`)] : null,
            v.retries ? [h('dt', null, 'Retries'), h('dd', null, String(v.retries))] : null),
          f && (f.error != null || f.cause != null) ? h('div', { class: 'visit-error' },
            h('div', null, h('strong', null, 'Error: '), h('span', { class: 'mono' }, f.error || '–')),
            f.cause ? h('pre', { class: 'json' }, prettyJsonText(f.cause)) : null) : null,
          h('div', { class: 'io' },
            h('div', null, h('h3', null, 'Input'), h('pre', { class: 'json visit-input' }, v.input != null ? prettyJsonText(v.input) : '–')),
            h('div', null, h('h3', null, 'Output'), h('pre', { class: 'json visit-output' },
              v.output != null ? prettyJsonText(v.output) : v.closed ? '–' : '(not finished)'))));
      }),
      inf.def ? h('details', { class: 'state-definition' }, h('summary', null, 'Definition of this state'),
        h('pre', { class: 'json' }, prettyJsonText(stripNested(inf.def)))) : null));
  P.scrollTop = scroll;
}

// The state's own fields, without the nested states of a Parallel or Map.
function stripNested(def) {
  const o = { ...def };
  if (Array.isArray(o.Branches)) o.Branches = `[${o.Branches.length} branches]`;
  if (o.ItemProcessor) o.ItemProcessor = { ...o.ItemProcessor, States: '{…}' };
  if (o.Iterator) o.Iterator = { ...o.Iterator, States: '{…}' };
  return o;
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

function boot() {
  window.__aslConsole = true;
  window.addEventListener('hashchange', route);
  // A bug in this script shows in the banner too (and so fails check_console.py's checks).
  window.addEventListener('error', (e) => {
    const where = e.filename ? ` (${String(e.filename).split('/').pop()}:${e.lineno})` : '';
    showError({ type: 'ScriptError', message: `${e.message}${where}` }, { context: 'console bug', key: 'script' });
  });
  window.addEventListener('unhandledrejection', (e) => {
    showError(e.reason || new Error('unexpected error'), { context: 'unexpected', key: 'unexpected' });
  });
  route();
}

if (typeof window !== 'undefined' && typeof document !== 'undefined' && document.getElementById('app')) boot();

// For tests that load this file outside a browser.
if (typeof globalThis !== 'undefined') {
  globalThis.aslConsoleInternals = { analyze, buildScope, layoutScope, flatten, ruleText, detailsOf, toMs, fmtDuration, shortErrorType, labelWidth, G };
}
})();
