/* global performance, DOMParser */
// Status page: the time left counts down each second (vouchers whose clock runs), and every 30 seconds the
// page's figures are fetched afresh and swapped in, without reloading the page. Without JavaScript the page
// works as it is, with its plain "Refresh" link (no meta refresh: it would move a screen reader's place).
(function () {
  'use strict';
  var REFRESH_MS = 30000;
  var live = document.getElementById('status-live');
  if (!live || !window.fetch || !window.DOMParser) return;
  var url = live.getAttribute('data-refresh');
  var note = document.getElementById('status-note');
  var stale = document.getElementById('status-stale');
  var deadline = null; // performance.now() at which the time runs out
  var askedAtZero = false;

  function two(n) {
    return (n < 10 ? '0' : '') + n;
  }
  // The same form as the server (formatCountdown in src/domain/durations.ts): 1:30:00, 0:59, 1d 1:01:01.
  function countdown(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var days = Math.floor(total / 86400);
    var h = Math.floor((total % 86400) / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var clock = days || h ? h + ':' + two(m) + ':' + two(s) : m + ':' + two(s);
    return days ? days + 'd ' + clock : clock;
  }

  function startClock() {
    var el = document.getElementById('time-left');
    var left = el ? el.getAttribute('data-countdown') : null;
    deadline = left === null ? null : performance.now() + Number(left) * 1000;
    if (left !== null && Number(left) > 0) askedAtZero = false;
  }
  function tick() {
    if (deadline === null) return;
    var el = document.getElementById('time-left');
    if (!el) return;
    var left = Math.max(0, Math.round((deadline - performance.now()) / 1000));
    el.textContent = countdown(left);
    if (left === 0 && !askedAtZero) {
      askedAtZero = true; // the voucher just ran out: ask once what the server says now
      refresh();
    }
  }

  var busy = false;
  // Someone using a button or field in the figures (self-service forms) keeps their place: the swap waits.
  function inUse() {
    var a = document.activeElement;
    return a && a !== document.body && live.contains(a);
  }

  function refresh() {
    if (busy || document.hidden || inUse()) return;
    busy = true;
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('status-live');
        if (!fresh) throw new Error('no status');
        var changed = fresh.getAttribute('data-state') !== live.getAttribute('data-state');
        live.replaceChildren.apply(
          live,
          Array.prototype.map.call(fresh.childNodes, function (n) {
            return document.importNode(n, true);
          }),
        );
        live.setAttribute('data-state', fresh.getAttribute('data-state'));
        if (changed) document.title = doc.title;
        stale.hidden = true;
        startClock();
        tick();
      })
      .catch(function () {
        stale.hidden = false;
      })
      .then(function () {
        busy = false;
      });
  }

  startClock();
  note.hidden = false;
  setInterval(tick, 1000);
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) refresh();
  });
})();
