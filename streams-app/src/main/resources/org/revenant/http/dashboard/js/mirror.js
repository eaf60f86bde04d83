// One mirror: what its last snapshot said, its alerts, its change history and its files.
'use strict';
(() => {
  const {el, clear, externalLink, keyPath, alertLink, datasetLink, getJson, when, bytes, badge, showError, live, param} = Revenant;
  const key = param('key');
  const file = param('file');
  const summary = document.getElementById('summary');

  function hashes(f) {
    return ['sha256', 'sha1', 'md5', 'gitBlobSha1', 'lfsSha256', 'ref']
      .filter((h) => f[h]).map((h) => h + ' ' + f[h]).join('\n');
  }

  async function load() {
    if (!key) { showError(summary, 'no mirror key given'); return; }
    try {
      const m = await getJson('/api/mirrors/' + keyPath(key) + (file ? '?file=' + encodeURIComponent(file) : ''));
      clear(document.getElementById('title')).append(m.title || m.mirrorKey);
      const dl = el('dl', {className: 'facts'});
      const pairs = [
        ['Mirror key', el('span', {className: 'mono'}, m.mirrorKey)],
        ['Title', el('span', {id: 'mirror-title'}, m.title || '—')],
        ['Description', el('span', {id: 'mirror-description'}, m.description || '—')],
        ['URL', externalLink(m.url)],
        ['Platform', m.platform || '—'],
        ['Owner', m.owner || '—'],
        ['Status', m.status ? badge(m.status) : '—'],
        ['Last snapshot', m.observedAt ? when(m.observedAt) + ' (' + m.snapshotId + ')' : '—'],
        ['Files', m.entries !== undefined ? m.entries.toLocaleString('en') : '—'],
        ['Total size', bytes(m.bytes)],
        ['Largest file', bytes(m.maxFileSize)],
      ];
      for (const [name, value] of pairs) dl.append(el('dt', {}, name), el('dd', {}, value));
      clear(summary).append(dl);

      const fileBox = clear(document.getElementById('file'));
      if (file) {
        fileBox.append(el('h2', {}, 'Matched file'), m.file
          ? el('table', {}, el('tbody', {}, el('tr', {className: 'highlight'},
              el('td', {className: 'mono'}, m.file.path), el('td', {}, bytes(m.file.size)), el('td', {}, m.file.kind),
              el('td', {className: 'mono'}, hashes(m.file)))))
          : el('p', {className: 'muted'}, file + ' is not in the last manifest of this mirror.'));
      }
      const alerts = clear(document.querySelector('#alerts tbody'));
      for (const a of m.alerts) {
        alerts.append(el('tr', {}, el('td', {}, datasetLink(a.datasetId, a.datasetName)), el('td', {}, badge(a.state)),
          el('td', {}, badge(a.severity)), el('td', {}, a.confidence.toFixed(2)), el('td', {className: 'mono'}, when(a.lastSeen)),
          el('td', {}, alertLink(a.alertKey, 'open alert'))));
      }
      const changes = clear(document.querySelector('#changes tbody'));
      for (const c of m.changes.slice().reverse()) {
        changes.append(el('tr', {className: c.kind === 'REAPPEARED' ? 'highlight' : ''}, el('td', {className: 'mono'}, when(c.observedAt)),
          el('td', {}, badge(c.kind)), el('td', {}, String(c.added)), el('td', {}, String(c.removed)), el('td', {}, String(c.modified)),
          el('td', {className: 'mono'}, c.samples.map((s) => s.op + ' ' + s.path).join('\n'))));
      }
      const files = clear(document.querySelector('#files tbody'));
      for (const f of m.files) {
        files.append(el('tr', {className: f.path === file ? 'highlight' : ''}, el('td', {className: 'mono'}, f.path),
          el('td', {}, bytes(f.size)), el('td', {}, f.kind), el('td', {className: 'mono'}, hashes(f))));
      }
      document.getElementById('files-note').textContent = m.entries > m.files.length ? '(first ' + m.files.length + ' of ' + m.entries + ')' : '';
      document.getElementById('text').textContent = m.text || '';
    } catch (e) {
      showError(summary, e);
    }
  }

  load();
  live((event) => { if (event.mirrorKey === key) load(); }, document.getElementById('live'));
})();
