// pq dashboard: live refresh of the page's content (no reload), and confirmation of bulk actions.
// Served from the jar with the rest of the dashboard; the page's CSP allows no other script.
(function () {
  'use strict';
  var body = document.body;
  var every = parseInt(body.getAttribute('data-refresh') || '0', 10);
  var box = document.getElementById('live-toggle');

  function confirmForms(root) {
    root.querySelectorAll('form[data-confirm]').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(f.getAttribute('data-confirm'))) { e.preventDefault(); }
      });
    });
  }

  function busy() {
    var a = document.activeElement;
    return a && a.type !== 'checkbox' && (a.tagName === 'INPUT' || a.tagName === 'SELECT' || a.tagName === 'TEXTAREA');
  }

  function refresh() {
    var live = document.getElementById('live');
    if (!live || (box && !box.checked) || busy() || document.hidden) { return; }
    fetch(window.location.href, { credentials: 'same-origin', headers: { 'X-PQ-Refresh': '1' } })
      .then(function (r) {
        if (r.redirected || r.status === 401) { window.location.reload(); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('live');
        if (!fresh) { return; }
        var open = {};
        live.querySelectorAll('details[open][id]').forEach(function (d) { open[d.id] = true; });
        live.replaceChildren.apply(live, Array.prototype.slice.call(fresh.childNodes));
        live.querySelectorAll('details[id]').forEach(function (d) { if (open[d.id]) { d.open = true; } });
        confirmForms(live);
        body.setAttribute('data-refreshed', String(Date.now()));
      })
      .catch(function () { /* the server is away: try again next time */ });
  }

  confirmForms(document);
  if (every > 0) { window.setInterval(refresh, every); }
})();
