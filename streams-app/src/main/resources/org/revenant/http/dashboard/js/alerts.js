// The alert list: filters in the URL, newest first, refreshed live from the SSE feed.
'use strict';
(() => {
  const {el, clear, alertLink, mirrorLink, datasetLink, getJson, when, badge, showError, live, param} = Revenant;
  const form = document.getElementById('filters');
  const body = document.querySelector('#alerts tbody');
  const message = document.getElementById('message');
  const fresh = new Set();
  let pending = null;

  function query() {
    const params = new URLSearchParams();
    for (const select of form.querySelectorAll('select')) {
      if (select.value) params.set(select.name, select.value);
    }
    return params;
  }

  async function load() {
    const params = query();
    history.replaceState(null, '', params.toString() ? '?' + params : '/');
    // The feed of the same filters, for feed readers (the head link) and people (the heading's link).
    const feed = '/feeds/alerts.atom' + (params.toString() ? '?' + params : '');
    document.getElementById('atom-feed').href = feed;
    document.getElementById('feed-link').href = feed;
    try {
      const result = await getJson('/api/alerts?' + params);
      clear(body);
      for (const a of result.alerts) {
        const row = el('tr', {className: fresh.has(a.alertKey) ? 'fresh' : '', dataset: {key: a.alertKey}},
          el('td', {className: 'mono'}, when(a.lastSeen)),
          el('td', {}, badge(a.lastEvent)),
          el('td', {}, badge(a.state)),
          el('td', {}, badge(a.severity)),
          el('td', {}, a.confidence.toFixed(2)),
          el('td', {}, datasetLink(a.datasetId, a.datasetName)),
          el('td', {}, mirrorLink(a.mirrorKey), ' ', el('span', {className: 'muted'}, '('), alertLink(a.alertKey, 'alert'), el('span', {className: 'muted'}, ')')),
          el('td', {}, a.platform),
          el('td', {}, a.decision ? badge(a.decision) : ''));
        body.append(row);
      }
      fresh.clear();
      document.getElementById('count').textContent = '(' + result.total + (result.partial ? ', some instances did not answer' : '') + ')';
      message.textContent = result.total === 0 ? 'No alerts match. New ones appear here as they happen.' : '';
    } catch (e) {
      showError(message, e);
    }
  }

  async function loadDatasets() {
    try {
      const result = await getJson('/api/datasets');
      const select = document.getElementById('dataset-filter');
      for (const d of result.datasets) select.append(el('option', {value: d.id}, d.name));
    } catch (e) { /* the filter keeps "any" */ }
  }

  async function loadPlatforms() {
    try {
      const result = await getJson('/api/platforms');
      const select = document.getElementById('platform-filter');
      for (const p of result.platforms) {
        if (![...select.options].some((o) => o.value === p)) select.append(el('option', {value: p}, p));
      }
    } catch (e) { /* the filter keeps "any" */ }
  }

  for (const select of form.querySelectorAll('select')) {
    const initial = param(select.name);
    if (initial) {
      if (![...select.options].some((o) => o.value === initial)) select.append(el('option', {value: initial}, initial));
      select.value = initial;
    }
    select.addEventListener('change', load);
  }
  loadPlatforms().then(() => {
    const initial = param('platform');
    if (initial) document.getElementById('platform-filter').value = initial;
  });
  loadDatasets().then(() => {
    const initial = param('dataset');
    if (initial) document.getElementById('dataset-filter').value = initial;
  });
  load();
  live((alert) => {
    fresh.add(alert.alertKey);
    clearTimeout(pending);
    pending = setTimeout(load, 300);
  }, document.getElementById('live'));
})();
