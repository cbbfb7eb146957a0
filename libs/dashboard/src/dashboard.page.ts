/**
 * The dashboard: one self-contained HTML page (no build step, nothing fetched from elsewhere) that polls
 * `/api/snapshot` every two seconds and redraws. Every number sits in an element with a `data-k` attribute
 * (`entity.account.loaded`, `lag.<group>`), which is how the browser test reads it.
 */
export function dashboardPage(migration: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>Ferry · ${escapeHtml(migration)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header .muted { color: #aab2c0; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 14px; padding: 14px 20px; }
  section { background: #fff; border-radius: 6px; padding: 10px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 2px 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: right; padding: 3px 8px; border-bottom: 1px solid #eceef2; white-space: nowrap; }
  th:first-child, td:first-child, td.text, th.text { text-align: left; }
  td.text { white-space: normal; min-width: 240px; }
  td.cell { white-space: normal; max-width: 260px; word-break: break-word; text-align: left; font-size: 13px; }
  th { color: #5b6475; font-weight: 600; }
  .bar { display: inline-block; width: 90px; height: 8px; background: #e4e7ec; border-radius: 4px; vertical-align: middle; }
  .bar > span { display: block; height: 8px; background: #2f9e6b; border-radius: 4px; }
  .ok { color: #2f9e6b; font-weight: 600; } .warn { color: #c27a00; font-weight: 600; } .bad { color: #c0392b; font-weight: 600; }
  .click { cursor: pointer; } .click:hover { background: #f0f4ff; }
  .note { color: #5b6475; font-size: 13px; }
  #error { color: #c0392b; }
</style></head>
<body>
<header><h1>Ferry · <span id="migration">${escapeHtml(migration)}</span></h1>
  <span class="muted">map <span data-k="mapVersion">…</span></span>
  <span>state <span data-k="state">…</span></span>
  <span>ETA <span data-k="eta">…</span></span>
  <span>restarts <span data-k="restarts">…</span></span>
  <span class="muted">updated <span data-k="generatedAt">…</span></span>
  <span id="error"></span></header>
<main>
  <section class="wide"><h2>Source objects</h2><div id="sources"></div></section>
  <section class="wide"><h2>Destination entities</h2><div id="entities"></div></section>
  <section><h2>Consumer lag</h2><div id="lag"></div></section>
  <section class="wide"><h2>Dead letters by reason</h2><div id="dlq"></div><div id="dlq-records"></div></section>
  <section><h2>Owner queue</h2><div id="owners"></div></section>
  <section><h2>Extraction checkpoints and delta freshness</h2><div id="extraction"></div></section>
  <section class="wide"><h2>Cutover and parity</h2><div id="cutover"></div></section>
  <section class="wide"><h2>Service health and restarts</h2><div id="health"></div></section>
</main>
<script>
"use strict";
const token = new URLSearchParams(location.search).get('token');
const headers = token ? { Authorization: 'Bearer ' + token } : {};
const $ = (id) => document.getElementById(id);
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null) continue;
    if (k === 'on') e.addEventListener('click', v); else if (k === 'cls') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of kids.flat()) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const num = (n, k) => h('span', { 'data-k': k }, n == null ? '–' : Number(n).toLocaleString('en-US'));
const rate = (r) => (r == null ? '–' : r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString('en-US')) + '/s';
function dur(s) {
  if (s == null) return '–';
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}
function bar(done, total) {
  const p = total > 0 ? Math.min(100, Math.round((100 * done) / total)) : 0;
  return h('span', { cls: 'bar', title: p + '%' }, h('span', { style: 'width:' + p + '%' }));
}
function table(head, rows, textCols) {
  const t = textCols || [];
  return h('table', {}, h('thead', {}, h('tr', {}, head.map((x, i) => h('th', { cls: t.includes(i) ? 'text' : null }, x)))),
    h('tbody', {}, rows));
}
const td = (x, cls) => h('td', { cls }, x);
const clip = (t, n) => (t.length > n ? t.slice(0, n - 1) + '…' : t);
const when = (d) => (d ? new Date(d).toLocaleString() : '–');
function generic(rows, empty) {
  if (rows == null) return h('p', { cls: 'note' }, empty);
  if (!rows.length) return h('p', { cls: 'note' }, 'no rows yet for this migration');
  const cols = Object.keys(rows[0]).filter((c) => c !== 'migration_id');
  return table(cols, rows.map((r) => h('tr', {}, cols.map((c) => td(clip(typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : String(r[c] ?? ''), 160), 'cell')))), cols.map((_, i) => i));
}

function render(s) {
  const st = s.status;
  const q = (sel, v) => { for (const e of document.querySelectorAll('[data-k="' + sel + '"]')) e.textContent = v; };
  q('mapVersion', st.mapVersion);
  q('generatedAt', new Date(s.generatedAt).toLocaleTimeString());
  const reconciled = st.sources.every((x) => x.reconciled) && st.entities.every((x) => x.reconciled);
  const lagTotal = st.consumerGroups.reduce((a, g) => a + g.totalLag, 0);
  q('state', reconciled && lagTotal === 0 ? (s.pace.extractionComplete ? 'reconciled' : 'caught up, extraction reading') : 'migrating');
  q('eta', s.pace.etaSeconds === 0 ? 'done' : dur(s.pace.etaSeconds));

  $('sources').replaceChildren(table(['object', 'extracted', 'mapped', 'rejected', 'partly rejected', 'in flight', 'progress', 'mapped/s', 'ETA', ''],
    st.sources.map((x) => { const p = s.pace.sources[x.object] || { rates: {} }; const k = 'source.' + x.object + '.';
      return h('tr', {}, td(x.object), td(num(x.extracted, k + 'extracted')), td(num(x.transformed, k + 'transformed')), td(num(x.rejected, k + 'rejected')),
        td(num(x.partial, k + 'partial')), td(num(x.inFlight, k + 'inFlight')), td(bar(x.transformed + x.rejected, x.extracted)),
        td(rate(p.rates.transformed)), td(dur(p.etaSeconds)), td(x.reconciled ? 'ok' : '…', x.reconciled ? 'ok' : 'warn')); })));
  $('entities').replaceChildren(table(['entity', 'transformed', 'resolved', 'loaded', 'rejected', 'waiting', 'in flight', 'progress', 'loaded/s', 'ETA', ''],
    st.entities.map((x) => { const p = s.pace.entities[x.entity] || { rates: {} }; const k = 'entity.' + x.entity + '.';
      return h('tr', {}, td(x.entity), td(num(x.transformed, k + 'transformed')), td(num(x.resolved, k + 'resolved')), td(num(x.loaded, k + 'loaded')),
        td(num(x.rejected, k + 'rejected')), td(num(x.waiting, k + 'waiting')), td(num(x.inFlight, k + 'inFlight')), td(bar(x.loaded + x.rejected, x.transformed)),
        td(rate(p.rates.loaded)), td(dur(p.etaSeconds)), td(x.reconciled ? 'ok' : '…', x.reconciled ? 'ok' : 'warn')); })));

  const lagRows = [];
  for (const g of st.consumerGroups) {
    lagRows.push(h('tr', {}, td(h('b', {}, g.group)), td(g.state, g.members ? 'ok' : 'warn'), td(g.members), td(''), td(num(g.totalLag, 'lag.' + g.group))));
    const lagging = g.partitions.filter((p) => p.lag > 0).sort((a, b) => b.lag - a.lag);
    if (lagging.length > 6) lagRows.push(h('tr', {}, td(h('span', { cls: 'note' }, lagging.length + ' partitions lag; the 6 with most shown'), 'text')));
    for (const p of lagging.slice(0, 6)) {
      lagRows.push(h('tr', {}, td(p.topic.split('.').slice(2).join('.') + ' [' + p.partition + ']'), td(''), td(''), td((p.committed ?? '–') + ' / ' + p.end), td(num(p.lag, 'lag.' + g.group + '.' + p.topic + '.' + p.partition))));
    }
  }
  $('lag').replaceChildren(table(['group / topic [partition]', 'state', 'members', 'committed / end', 'lag'], lagRows), h('p', { cls: 'note' }, 'partitions with no lag are not listed'));

  $('dlq').replaceChildren(s.dlq.length ? table(['side', 'object or entity', 'phase', 'code', 'records', 'example'],
    s.dlq.map((d) => h('tr', { cls: 'click', title: 'show the records', on: () => drill(d) }, td(d.side), td(d.name), td(d.phase), td(d.code, 'bad'),
      td(num(d.records, 'dlq.' + d.side + '.' + d.name + '.' + d.code)), td(clip(d.exampleKey + ': ' + d.exampleReason, 140), 'text'))), [5])
    : h('p', { cls: 'note' }, 'nothing rejected'));

  const owners = s.owners.report;
  $('owners').replaceChildren(owners.length ? table(['source owner', 'status', 'destination user', 'records'],
    owners.map((o) => h('tr', {}, td(o.sourceEmail || '(no owner)'), td(o.status, o.status === 'matched' || o.status === 'mapped' ? 'ok' : 'warn'), td(o.systemUserId || '–'), td(num(o.records))))) : h('p', { cls: 'note' }, 'no owners assigned yet'),
    s.owners.queued.length ? h('p', {}, h('b', {}, 'waiting for an owner: '), s.owners.queued.map((x) => (x.sourceEmail || '(no owner)') + ' ' + x.records).join(', '),
      h('br'), h('span', { cls: 'note' }, 'settle with ferry owners map <source email> <user>')) : h('p', { cls: 'note' }, 'no record waits for an owner'));

  $('extraction').replaceChildren(table(['stream', 'snapshot', 'reading at', 'live', 'deleted', 'last checkpoint', 'age'],
    st.extraction.streams.map((x) => h('tr', {}, td(x.stream), td(x.snapshotComplete ? 'complete' : 'reading', x.snapshotComplete ? 'ok' : 'warn'), td(x.position, 'text'),
      td(num(x.live, 'stream.' + x.stream + '.live')), td(num(x.deleted)), td(when(x.updatedAt)), td(dur(s.freshness[x.stream])))), [2]));

  const c = s.cutover;
  $('cutover').replaceChildren(h('p', {}, c.completedAt ? h('span', { cls: 'ok' }, 'cut over: extraction frozen at ' + when(c.completedAt))
    : c.requestedAt ? h('span', { cls: 'warn' }, 'cutover requested at ' + when(c.requestedAt) + '; final pass not finished') : 'not requested (delta runs until ferry cutover)'),
    verdictLine(c.verdicts),
    h('h3', { style: 'font-size:13px' }, 'parity verdicts (ferry.cutover_verdict, newest first)'), generic(c.verdicts, 'no verdict recorded: this database has no ferry.cutover_verdict table yet'));

  const sb = s.servedBy;
  $('health').replaceChildren(
    table(['phase (consumer group)', 'state', 'consumers', 'lag'], s.health.phases.map((p) => h('tr', {}, td(p.phase + ' · ' + p.group), td(p.state, p.members ? 'ok' : 'warn'), td(num(p.members, 'members.' + p.phase)), td(num(p.lag))))),
    h('p', {}, 'served by ' + sb.service + ' (pid ' + sb.pid + ', up ' + dur(sb.uptimeSeconds) + ', ' + sb.rssMb + ' MB)'),
    h('h3', { style: 'font-size:13px' }, 'supervised services and restarts (ferry.service_state)'),
    generic(s.health.services, 'not recorded: the supervisor (ferry run) keeps services and restarts in ferry.service_state, which this database does not have yet'),
    h('h3', { style: 'font-size:13px' }, 'runs (ferry.migration_run)'),
    generic(s.health.runs, 'not recorded: this database has no ferry.migration_run table yet'));
  const restarts = (s.health.services || []).reduce((a, x) => a + (Number(x.restarts) || 0), 0);
  q('restarts', String(restarts));
}

function verdictLine(rows) {
  const v = rows && rows[0];
  if (!v || typeof v.passed !== 'boolean') return h('p', { cls: 'note' }, 'no parity verdict yet (ferry cutover checks parity once every phase is drained)');
  return h('p', {}, 'parity ', h('span', { cls: v.passed ? 'ok' : 'bad', 'data-verdict': v.passed ? 'passed' : 'failed' }, v.passed ? 'PASSED' : 'FAILED'),
    ' at ' + when(v.checked_at) + (v.mismatch_count != null ? ', ' + v.mismatch_count + ' mismatch(es)' : '') + (v.sample_size != null ? ', sample of ' + v.sample_size + ' per object' : ''));
}

async function drill(d) {
  const p = new URLSearchParams({ side: d.side, name: d.name, code: d.code });
  const r = await fetch('api/dlq?' + p, { headers });
  const body = await r.json();
  $('dlq-records').replaceChildren(h('h3', { style: 'font-size:13px' }, d.name + ' · ' + d.code + ' (' + body.records.length + ' shown)'),
    table(['key', 'phase', 'reason', 'when'], body.records.map((x) => h('tr', { 'data-dlq-key': x.key }, td(x.key), td(x.phase), td(clip(x.reason, 300), 'text'), td(when(x.at)))), [2]));
}

async function tick() {
  try {
    const r = await fetch('api/snapshot', { headers });
    if (!r.ok) throw new Error((await r.json()).error || r.statusText);
    render(await r.json());
    $('error').textContent = '';
  } catch (e) {
    $('error').textContent = 'cannot refresh: ' + e.message;
  }
  setTimeout(tick, 2000);
}
tick();
</script></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
