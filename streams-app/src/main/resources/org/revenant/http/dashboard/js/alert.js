// One alert: its facts, evidence, timeline (reappearances included) and the analyst actions.
'use strict';
(() => {
  const {el, clear, externalLink, keyPath, alertLink, mirrorLink, datasetLink, getJson, when, badge, showError, live, param} = Revenant;
  const key = param('key');
  const summary = document.getElementById('summary');
  const result = document.getElementById('decision-result');
  const tokenInput = document.getElementById('token');
  tokenInput.value = sessionStorage.getItem('revenant-token') || '';

  function facts(pairs) {
    const dl = el('dl', {className: 'facts'});
    for (const [name, value] of pairs) dl.append(el('dt', {}, name), el('dd', {}, value));
    return dl;
  }

  // A renamed mirror's alert names the alert it continues, or the one it was carried to.
  function renamed(a) {
    if (a.movedTo) return ['moved to ', alertLink(a.movedTo)];
    if (a.movedFrom) return ['continues ', alertLink(a.movedFrom)];
    if (a.awaitingMoveFrom) return ['waiting for the alerts of ', mirrorLink(a.awaitingMoveFrom)];
    return ['—'];
  }

  async function load() {
    if (!key) { showError(summary, 'no alert key given'); return; }
    try {
      const a = await getJson('/api/alerts/' + keyPath(key));
      document.title = a.datasetName + ' on ' + a.mirrorKey + ' · Revenant';
      const feed = '/feeds/alerts.atom?dataset=' + encodeURIComponent(a.datasetId);
      document.getElementById('atom-feed').href = feed;
      const title = document.getElementById('title');
      clear(title).append(a.datasetName + ' on ' + a.mirrorKey);
      clear(summary).append(facts([
        ['Alert key', el('span', {className: 'mono', id: 'alert-key'}, a.alertKey)],
        ['State', el('span', {id: 'state'}, badge(a.state))],
        ['Severity', badge(a.severity)],
        ['Confidence', a.confidence.toFixed(2)],
        ['Dataset', el('span', {}, datasetLink(a.datasetId, a.datasetName), ' · ', el('a', {href: feed, id: 'dataset-feed'}, 'Atom feed'))],
        ['Derivative of', a.parentId ? datasetLink(a.parentId, a.parentName) : '—'],
        ['Mirror', mirrorLink(a.mirrorKey)],
        ['Mirror URL', externalLink(a.mirrorUrl)],
        ['Listing', a.partialListing ? el('span', {className: 'partial-listing'}, 'partial listing: ' + a.partialListing) : 'complete'],
        ['Platform', a.platform],
        ['Renamed', el('span', {id: 'moved'}, ...renamed(a))],
        ['First seen', when(a.firstSeen)],
        ['Last seen', when(a.lastSeen)],
        ['Reappearances', String(a.reappearances)],
        ['Post-retraction', a.postRetraction ? 'yes: observed after the retraction' : 'no'],
        ['Decision', el('span', {id: 'decision'}, a.decision ? badge(a.decision) : 'none', a.decidedBy ? ' by ' + a.decidedBy : '', a.decisionNote ? ' — ' + a.decisionNote : '', a.suppressedUntil ? ' (until ' + when(a.suppressedUntil) + ')' : '')],
        ['Evidence bundle', el('span', {id: 'evidence-bundle'},
          el('a', {href: '/api/evidence/' + keyPath(key) + '?format=html'}, 'page'), ' · ',
          el('a', {href: '/api/evidence/' + keyPath(key) + '?format=md', download: 'evidence.md'}, 'Markdown'), ' · ',
          el('a', {href: '/api/evidence/' + keyPath(key), download: 'evidence.json'}, 'JSON'))],
      ]));
      const evidence = clear(document.querySelector('#evidence tbody'));
      for (const e of a.evidence) {
        evidence.append(el('tr', {},
          el('td', {}, e.kind),
          el('td', {className: 'mono'}, e.signature),
          el('td', {className: 'mono'}, e.path ? mirrorLink(a.mirrorKey, e.path, e.path) : '—'),
          el('td', {}, e.weight.toFixed(2)),
          el('td', {}, e.detail || '')));
      }
      const timeline = clear(document.querySelector('#timeline tbody'));
      for (const t of a.timeline.slice().reverse()) {
        timeline.append(el('tr', {className: t.event === 'REAPPEARED' || t.event === 'MOVED' ? 'highlight' : ''},
          el('td', {className: 'mono'}, when(t.observedAt)),
          el('td', {}, badge(t.event)),
          el('td', {}, badge(t.severity)),
          el('td', {}, t.confidence.toFixed(2)),
          el('td', {}, String(t.reappearances)),
          el('td', {}, t.decision ? badge(t.decision) : '', t.decidedBy ? ' by ' + t.decidedBy : ''),
          el('td', {className: 'mono muted'}, t.snapshotId)));
      }
      const decisions = clear(document.querySelector('#decisions tbody'));
      let before = '';
      for (const t of a.timeline) {
        // A row where the decision changed: made, replaced, or ended (by new evidence or a lapse).
        const now = JSON.stringify([t.decision || null, t.decidedBy || null, t.decisionNote || null, t.suppressedUntil || null]);
        if (now !== before && (t.decision || before !== '')) {
          decisions.prepend(el('tr', {},
            el('td', {className: 'mono'}, when(t.observedAt)),
            el('td', {}, t.decision ? badge(t.decision) : 'ended (' + t.event + ')'),
            el('td', {}, t.decidedBy || ''),
            el('td', {}, t.decisionNote || ''),
            el('td', {className: 'mono'}, t.suppressedUntil ? when(t.suppressedUntil) : '')));
        }
        before = now;
      }
    } catch (e) {
      showError(summary, e);
    }
  }

  function decisionBody(decision) {
    const body = {alertKey: key, decision, note: document.getElementById('note').value || null};
    const until = document.getElementById('until').value;
    if (until && (decision === 'FALSE_POSITIVE' || decision === 'ALLOWLISTED')) body.until = until;
    return body;
  }

  async function decide(decision) {
    const token = tokenInput.value.trim();
    sessionStorage.setItem('revenant-token', token);
    result.className = '';
    result.textContent = 'sending…';
    try {
      const response = await fetch('/api/decisions', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + token},
        body: JSON.stringify(decisionBody(decision)),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error || ('HTTP ' + response.status));
      result.className = 'ok';
      result.textContent = 'Recorded ' + answer.decision + ' at ' + when(answer.at) + '; the alert updates when the streams app has applied it.';
    } catch (e) {
      result.className = 'error';
      result.textContent = 'Refused: ' + e.message;
    }
  }

  for (const button of document.querySelectorAll('#decide button')) {
    button.addEventListener('click', () => decide(button.dataset.decision));
  }
  load();
  live((event) => { if (event.alertKey === key) load(); }, document.getElementById('live'));
})();
