// A dataset of the registry: its facts, its mirrors (one alert each) and detections per day; or
// the list of all datasets when no id is given.
'use strict';
(() => {
  const {el, clear, externalLink, alertLink, mirrorLink, datasetLink, getJson, when, badge, showError, live, param} = Revenant;
  const id = param('id');
  const summary = document.getElementById('summary');
  let chart = null;

  async function list() {
    document.getElementById('list').hidden = false;
    try {
      const result = await getJson('/api/datasets');
      const body = clear(document.querySelector('#datasets tbody'));
      for (const d of result.datasets) {
        body.append(el('tr', {}, el('td', {}, datasetLink(d.id, d.name)), el('td', {}, d.retractedOn || '—'),
          el('td', {}, d.retractedBy || '—'), el('td', {}, d.parent ? datasetLink(d.parent) : '—'), el('td', {}, String(d.signatures.length))));
      }
    } catch (e) {
      showError(summary, e);
    }
  }

  /** Detections per day: each mirror counts on the day it was first seen. */
  function perDay(alerts) {
    const counts = new Map();
    for (const a of alerts) {
      const day = (a.firstSeen || '').slice(0, 10);
      counts.set(day, (counts.get(day) || 0) + 1);
    }
    const days = [...counts.keys()].sort();
    return {days, counts: days.map((d) => counts.get(d))};
  }

  async function detail() {
    document.getElementById('detail').hidden = false;
    try {
      const d = await getJson('/api/datasets/' + encodeURIComponent(id));
      clear(document.getElementById('title')).append(d.name);
      const feed = '/feeds/alerts.atom?dataset=' + encodeURIComponent(d.id);
      document.getElementById('atom-feed').href = feed;
      const dl = el('dl', {className: 'facts'});
      const sources = el('span', {});
      for (const s of d.sources) sources.append(externalLink(s.url, s.title), el('br'));
      const pairs = [
        ['Id', el('span', {className: 'mono'}, d.id)],
        ['Retracted on', d.retractedOn || '—'],
        ['Retracted by', d.retractedBy || '—'],
        ['Reasons', d.reasons.join('; ') || '—'],
        ['Derivative of', d.parent ? datasetLink(d.parent) : '—'],
        ['Aliases', d.aliases.join(', ') || '—'],
        ['Signatures', String(d.signatures.length)],
        ['Sources', sources],
        ['Feed', el('a', {href: feed, id: 'dataset-feed'}, 'Atom feed of its alert events')],
      ];
      for (const [name, value] of pairs) dl.append(el('dt', {}, name), el('dd', {}, value));
      clear(summary).append(dl);

      const alerts = (await getJson('/api/alerts?limit=5000&dataset=' + encodeURIComponent(id))).alerts;
      const body = clear(document.querySelector('#mirrors tbody'));
      for (const a of alerts) {
        body.append(el('tr', {}, el('td', {}, mirrorLink(a.mirrorKey)), el('td', {}, a.platform), el('td', {}, badge(a.state)),
          el('td', {}, badge(a.severity)), el('td', {className: 'mono'}, when(a.firstSeen)), el('td', {className: 'mono'}, when(a.lastSeen)),
          el('td', {}, String(a.reappearances)), el('td', {}, alertLink(a.alertKey, 'open alert'))));
      }
      const census = (await getJson('/api/census?dataset=' + encodeURIComponent(id))).datasets;
      RevenantCensus.table(document.getElementById('census'), census, 'Dataset');
      RevenantCensus.weeklyChart(document.getElementById('census-chart'), RevenantCensus.weeks(census), 'Mirrors per week: ' + id);
      const {days, counts} = perDay(alerts);
      if (chart) chart.destroy();
      if (window.Chart) {
        chart = new window.Chart(document.getElementById('chart'), {
          type: 'bar',
          data: {labels: days, datasets: [{label: 'mirrors first seen', data: counts, backgroundColor: '#7a1f2b'}]},
          options: {animation: false, maintainAspectRatio: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
        });
      }
    } catch (e) {
      showError(summary, e);
    }
  }

  if (id) {
    detail();
    live((event) => { if (event.datasetId === id) detail(); }, document.getElementById('live'));
  } else {
    list();
    live(() => {}, document.getElementById('live'));
  }
})();
