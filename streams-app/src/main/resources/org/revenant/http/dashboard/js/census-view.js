// The census (per dataset and per platform, docs/decisions/019) as tables and an inline SVG chart.
// Names come from crawled data: they reach the page only as text nodes, the chart is built with
// createElementNS and textContent, never from markup strings.
'use strict';

const RevenantCensus = (() => {
  const {el, clear, datasetLink} = Revenant;
  const SVG = 'http://www.w3.org/2000/svg';

  /** A duration in milliseconds as days and hours ("5 d 3 h"), or '—'. */
  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    const hours = Math.round(ms / 3600000);
    const days = Math.floor(hours / 24);
    return days > 0 ? days + ' d ' + (hours % 24) + ' h' : hours + ' h';
  }

  function rate(r) {
    return r === null || r === undefined ? '—' : (Math.round(r * 1000) / 10) + ' %';
  }

  const COLUMNS = ['Mirrors', 'Open', 'Resolved', 'Suppressed', 'Reappeared', 'Reappearance rate',
    'Takedown requests', 'Removed after request', 'Median lifetime', 'Median time to removal', 'Derivatives found'];

  function cells(c) {
    return [String(c.mirrors), String(c.open), String(c.resolved), String(c.suppressed),
      c.reappeared + ' (' + c.reappearances + '×)', rate(c.reappearanceRate), String(c.takedownRequests),
      String(c.removedAfterRequest), duration(c.medianLifetimeMillis), duration(c.medianTimeToRemovalMillis),
      c.scope === 'DATASET' ? c.derivativeMirrors + (c.derivatives.length ? ' (' + c.derivatives.join(', ') + ')' : '') : '—'];
  }

  /** A table of censuses: the first column names each (a dataset links to its page). */
  function table(table, rows, firstColumn) {
    const head = clear(table.querySelector('thead'));
    head.append(el('tr', {}, el('th', {}, firstColumn), ...COLUMNS.map((c) => el('th', {}, c))));
    const body = clear(table.querySelector('tbody'));
    for (const c of rows) {
      const name = c.scope === 'DATASET' ? datasetLink(c.name) : el('span', {className: 'mono'}, c.name);
      body.append(el('tr', {}, el('td', {}, name), ...cells(c).map((v) => el('td', {}, v))));
    }
    if (rows.length === 0) body.append(el('tr', {}, el('td', {colSpan: COLUMNS.length + 1}, 'Nothing counted yet.')));
  }

  /** The weekly series of several censuses added up, oldest week first. */
  function weeks(censuses) {
    const byWeek = new Map();
    for (const c of censuses) {
      for (const w of c.weeks) {
        const sum = byWeek.get(w.weekStart) || {weekStart: w.weekStart, opened: 0, resolved: 0, reappeared: 0, requested: 0};
        sum.opened += w.opened; sum.resolved += w.resolved; sum.reappeared += w.reappeared; sum.requested += w.requested;
        byWeek.set(w.weekStart, sum);
      }
    }
    return [...byWeek.values()].sort((a, b) => (a.weekStart < b.weekStart ? -1 : 1));
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  const SERIES = [['opened', 'new mirrors', 'bar-opened'], ['resolved', 'resolved', 'bar-resolved'], ['reappeared', 'reappeared', 'bar-reappeared']];

  /** Grouped bars per week (new, resolved, reappeared mirrors) as an inline SVG in {@code container}. */
  function weeklyChart(container, series, title) {
    clear(container);
    const width = 900, height = 240, left = 40, bottom = 40, top = 24;
    const chart = svg('svg', {viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'census-chart'});
    chart.append(svg('title', {}, title));
    const max = Math.max(1, ...series.flatMap((w) => SERIES.map(([k]) => w[k])));
    const plotHeight = height - top - bottom;
    const slot = (width - left - 10) / Math.max(1, series.length);
    const bar = Math.max(2, Math.min(24, (slot - 6) / SERIES.length));
    chart.append(svg('line', {x1: left, y1: top + plotHeight, x2: width - 10, y2: top + plotHeight, class: 'axis'}));
    chart.append(svg('text', {x: left - 6, y: top + 4, 'text-anchor': 'end', class: 'tick'}, max));
    chart.append(svg('text', {x: left - 6, y: top + plotHeight, 'text-anchor': 'end', class: 'tick'}, 0));
    series.forEach((w, i) => {
      const x0 = left + i * slot + 3;
      SERIES.forEach(([key, label, cls], j) => {
        const h = (w[key] / max) * plotHeight;
        const rect = svg('rect', {x: x0 + j * bar, y: top + plotHeight - h, width: bar - 1, height: h, class: cls});
        rect.append(svg('title', {}, w.weekStart + ': ' + w[key] + ' ' + label));
        chart.append(rect);
      });
      if (series.length <= 26 || i % Math.ceil(series.length / 26) === 0) {
        chart.append(svg('text', {x: x0, y: height - bottom + 16, class: 'tick'}, w.weekStart.slice(5)));
      }
    });
    SERIES.forEach(([, label, cls], j) => {
      chart.append(svg('rect', {x: left + j * 130, y: 4, width: 10, height: 10, class: cls}));
      chart.append(svg('text', {x: left + j * 130 + 14, y: 13, class: 'tick'}, label));
    });
    if (series.length === 0) chart.append(svg('text', {x: left + 10, y: top + plotHeight / 2, class: 'tick'}, 'no activity yet'));
    container.append(chart);
  }

  return {duration, rate, table, weeks, weeklyChart};
})();
