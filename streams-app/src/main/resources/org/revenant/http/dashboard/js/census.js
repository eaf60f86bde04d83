// The Census page: every dataset's and platform's census, and the weeks of all datasets together.
'use strict';
(() => {
  const {showError, live, param} = Revenant;
  const summary = document.getElementById('summary');
  const since = param('since');

  async function load() {
    try {
      const census = await Revenant.getJson('/api/census' + (since ? '?since=' + encodeURIComponent(since) : ''));
      RevenantCensus.table(document.getElementById('census-datasets'), census.datasets, 'Dataset');
      RevenantCensus.table(document.getElementById('census-platforms'), census.platforms, 'Platform');
      RevenantCensus.weeklyChart(document.getElementById('census-chart'), RevenantCensus.weeks(census.datasets),
        'Mirrors per week, all datasets');
      summary.textContent = (census.partial ? 'Partial: an instance did not answer. ' : '')
        + (since ? 'Weeks and medians from ' + since + '. ' : '') + 'Counts of open, resolved and suppressed mirrors are as of now.';
    } catch (e) {
      showError(summary, e);
    }
  }

  async function loadSources() {
    const body = Revenant.clear(document.querySelector('#coverage tbody'));
    try {
      const answer = await Revenant.getJson('/api/sources');
      const rows = new Map();
      for (const s of answer.sources) rows.set(s.source, {source: s.source, state: s.state, lastError: s.lastError});
      for (const c of answer.coverage) rows.set(c.source, Object.assign(rows.get(c.source) || {source: c.source}, c));
      for (const r of [...rows.values()].sort((a, b) => a.source.localeCompare(b.source))) {
        body.append(Revenant.el('tr', {},
          Revenant.el('td', {}, String(r.source)),
          Revenant.el('td', {}, r.state ? Revenant.badge(r.state) : ''),
          Revenant.el('td', {}, r.known ? String(r.examined) : ''),
          Revenant.el('td', {}, r.known ? String(r.known) : ''),
          Revenant.el('td', {}, r.known ? (100 * r.ratio).toFixed(1) + ' %' : ''),
          Revenant.el('td', {className: 'muted'}, r.state === 'DEGRADED' && r.lastError ? String(r.lastError) : '')));
      }
      if (rows.size === 0) body.append(Revenant.el('tr', {}, Revenant.el('td', {colSpan: 6, className: 'muted'}, 'No crawler has reported yet.')));
    } catch (e) {
      showError(summary, e);
    }
  }

  load();
  loadSources();
  let pending = null;
  live(() => { if (!pending) pending = setTimeout(() => { pending = null; load(); }, 2000); }, document.getElementById('live'));
})();
