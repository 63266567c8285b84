// Dashboard: the vendos' one-line note (views/partials/vendos-note.ejs), e.g. "2 online · Counter box offline · ₱230 in the boxes".
(function () {
  'use strict';
  var note = document.getElementById('vendos-note');
  if (!note || !window.fetch) return;
  var out = note.querySelector('[data-vendos-summary]');
  function peso(n) {
    return '₱' + n.toLocaleString('en-PH', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  }
  function load() {
    fetch('/admin/api/vendos', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (r) {
        if (!r || !r.success || !r.vendos.length) return;
        var on = r.vendos.filter(function (v) {
          return v.enabled;
        });
        var offline = on.filter(function (v) {
          return !v.online;
        });
        var cash = r.vendos.reduce(function (s, v) {
          return s + v.cash.expected;
        }, 0);
        var parts = [on.length - offline.length + ' online'];
        if (offline.length)
          parts.push(
            offline
              .map(function (v) {
                return v.name;
              })
              .join(', ') + ' offline',
          );
        parts.push(peso(cash) + ' in the boxes since the last collection');
        out.textContent = parts.join(' · ');
        note.classList.toggle('status-bad', offline.length > 0);
        note.hidden = false;
      })
      .catch(function () {
        /* the next load tries again */
      });
  }
  load();
  setInterval(load, 60000);
})();
