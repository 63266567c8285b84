// Router → Reboot, after the reboot was sent: asks GET /admin/api/router/presence?sent=…&site=… every 2 s and
// shows where the router is (waiting to go down, down, back with its new uptime), until it is back.
(function () {
  'use strict';
  var EVERY_MS = 2000;
  var box = document.getElementById('reboot-watch');
  if (!box) return;
  var sent = box.getAttribute('data-sent');
  var site = box.getAttribute('data-site');
  var live = document.getElementById('reboot-live');

  function duration(s) {
    var units = [
      ['d', 86400],
      ['h', 3600],
      ['m', 60],
      ['s', 1],
    ];
    var out = [];
    s = Math.max(0, Math.floor(s));
    for (var i = 0; i < units.length && out.length < 2; i++) {
      var n = Math.floor(s / units[i][1]);
      s -= n * units[i][1];
      if (n > 0 || (out.length === 0 && i === units.length - 1)) out.push(n + units[i][0]);
      else if (out.length) break;
    }
    return out.join(' ');
  }
  function show(phase, uptime) {
    box.setAttribute('data-phase', phase);
    Array.prototype.forEach.call(box.querySelectorAll('[data-phase-text]'), function (n) {
      n.hidden = n.getAttribute('data-phase-text') !== phase;
    });
    var up = box.querySelector('[data-uptime]');
    if (up && uptime !== null) up.textContent = duration(uptime);
  }
  function poll() {
    var url =
      '/admin/api/router/presence?sent=' +
      encodeURIComponent(sent) +
      (site ? '&site=' + encodeURIComponent(site) : '');
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json();
      })
      .then(function (json) {
        if (!json.success) return;
        show(json.phase, json.uptime_seconds);
      })
      .catch(function () {
        return undefined;
      })
      .then(function () {
        if (box.getAttribute('data-phase') === 'back') {
          if (live) live.hidden = true;
          return;
        }
        if (live) live.hidden = false;
        setTimeout(poll, EVERY_MS);
      });
  }
  if (box.getAttribute('data-phase') !== 'back') poll();
})();
