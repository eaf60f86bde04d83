// Shared helpers of the Revenant dashboard. Everything shown comes from crawled, attacker-controlled
// text, so the DOM is only ever built with createElement/textContent, never with HTML strings.
'use strict';

const Revenant = (() => {
  /** el('td', {className: 'x'}, 'text', childNode, ...): text children become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else if (value !== undefined && value !== null) {
        node[name] = value;
      }
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  /** A link only for http(s) URLs; anything else (javascript:, data:, ...) is shown as plain text. */
  function externalLink(url, text) {
    if (!url) return document.createTextNode('—');
    let parsed = null;
    try { parsed = new URL(url); } catch (e) { parsed = null; }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      return el('span', {className: 'mono'}, url);
    }
    return el('a', {href: parsed.href, rel: 'noopener noreferrer nofollow', target: '_blank'}, text || url);
  }

  /** Keys go into paths segment by segment, so github:owner/repo keeps its slash. */
  function keyPath(key) {
    return key.split('/').map(encodeURIComponent).join('/');
  }

  function alertLink(alertKey, text) {
    return el('a', {href: '/alert.html?key=' + encodeURIComponent(alertKey)}, text || alertKey);
  }

  function mirrorLink(mirrorKey, text, file) {
    let href = '/mirror.html?key=' + encodeURIComponent(mirrorKey);
    if (file) href += '&file=' + encodeURIComponent(file);
    return el('a', {href}, text || mirrorKey);
  }

  function datasetLink(id, text) {
    return el('a', {href: '/dataset.html?id=' + encodeURIComponent(id)}, text || id);
  }

  async function getJson(path) {
    const response = await fetch(path, {headers: {Accept: 'application/json'}});
    const body = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    return body;
  }

  function when(iso) {
    if (!iso) return '—';
    return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:00Z$/, 'Z');
  }

  function bytes(n) {
    if (n === null || n === undefined) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let value = Number(n);
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
  }

  function badge(text, kind) {
    return el('span', {className: 'badge ' + (kind || '') + ' ' + String(text || '').toLowerCase()}, text || '—');
  }

  function showError(node, error) {
    clear(node).append(el('p', {className: 'error'}, String(error.message || error)));
  }

  /** Subscribes to the live alert feed; calls back with each alert event (parsed JSON). */
  function live(onAlert, statusNode) {
    function open() {
      const source = new EventSource('/api/events');
      source.addEventListener('open', () => { if (statusNode) statusNode.textContent = 'live'; });
      source.addEventListener('error', () => { if (statusNode) statusNode.textContent = 'reconnecting…'; });
      source.addEventListener('alert', (message) => {
        try { onAlert(JSON.parse(message.data)); } catch (e) { /* ignore a malformed event */ }
      });
      return source;
    }
    let source = open();
    // A page kept in the back/forward cache would keep its stream open, and a browser allows only
    // a few connections per host: close it when the page is hidden, open it again when it returns.
    window.addEventListener('pagehide', () => source.close());
    window.addEventListener('pageshow', (event) => { if (event.persisted) source = open(); });
    return source;
  }

  function param(name) {
    return new URLSearchParams(window.location.search).get(name);
  }

  /**
   * A banner under the page header while the process is not UP, naming each component that is
   * not UP and why. Reasons may quote crawled text: they are only ever text nodes.
   */
  async function healthBanner() {
    let health = null;
    try {
      const response = await fetch('/health', {headers: {Accept: 'application/json'}});
      health = await response.json();
    } catch (e) {
      health = {status: 'UNREACHABLE', components: [{name: 'revenant', state: 'UNREACHABLE', reason: 'no answer from /health'}]};
    }
    let banner = document.getElementById('health-banner');
    const notices = (health && health.notices) || [];
    if (!health || (health.status === 'UP' && notices.length === 0)) {
      if (banner) banner.remove();
      return;
    }
    if (!banner) {
      banner = el('div', {id: 'health-banner', className: 'health-banner'});
      banner.setAttribute('role', 'alert');
      const header = document.querySelector('header.top');
      if (header) header.after(banner); else document.body.prepend(banner);
    }
    clear(banner);
    if (health.status !== 'UP') {
      const list = el('ul');
      for (const c of (health.components || [])) {
        if (c.state === 'UP') continue;
        list.append(el('li', {}, el('strong', {}, String(c.name)), ' ' + String(c.state) + (c.reason ? ': ' + String(c.reason) : '')));
      }
      banner.append(el('p', {}, 'Revenant is ' + String(health.status) + '.'), list);
    }
    if (notices.length > 0) {
      // Not failures: what a part cannot do as configured (e.g. code search without a token).
      const list = el('ul', {className: 'notices'});
      for (const n of notices) list.append(el('li', {}, 'Note: ' + String(n)));
      banner.append(list);
    }
    banner.className = 'health-banner ' + String(health.status).toLowerCase();
  }

  healthBanner();
  setInterval(healthBanner, 30000);

  return {el, clear, externalLink, keyPath, alertLink, mirrorLink, datasetLink, getJson, when, bytes, badge, showError, live, param, healthBanner};
})();
