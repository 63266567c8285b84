// Router → Traffic: the live graph of one interface. Every 2 s (while the page is visible) it asks
// GET /admin/api/router/traffic?interface=…&site=… and redraws the chart the server drew first
// (views/partials/line-chart.ejs, same geometry as src/web/admin/pages/charts.ts lineChart) with the last two
// minutes. Text is written with textContent only.
(function () {
  'use strict';
  var EVERY_MS = 2000;
  var KEEP = 60; // samples: two minutes
  var PLOT = { left: 68, top: 12, right: 628, bottom: 190 };
  var NS = 'http://www.w3.org/2000/svg';
  var box = document.getElementById('traffic-live');
  if (!box) return;
  var svg = box.querySelector('svg');
  var iface = box.getAttribute('data-interface');
  var site = box.getAttribute('data-site');
  var errorBox = document.getElementById('traffic-error');
  var dot = document.getElementById('traffic-live-dot');
  var samples = [];
  var timer = null;

  function rate(bps) {
    var units = [
      ['Gbps', 1e9],
      ['Mbps', 1e6],
      ['kbps', 1e3],
    ];
    for (var i = 0; i < units.length; i++) {
      if (bps >= units[i][1]) return String(Number((bps / units[i][1]).toFixed(2))) + ' ' + units[i][0];
    }
    return bps + ' bps';
  }
  // 0, then round steps (1, 2, 2.5, 5 × a power of ten) up to at least max: charts.ts niceScale.
  function niceScale(max) {
    if (!(max > 0)) return [0, 1];
    var rough = max / 4;
    var pow = Math.pow(10, Math.floor(Math.log10(rough)));
    var steps = [1, 2, 2.5, 5, 10].map(function (m) {
      return m * pow;
    });
    var step = steps.filter(function (s) {
      return s >= rough;
    })[0];
    var ticks = [0];
    while (ticks[ticks.length - 1] < max)
      ticks.push(Math.round((ticks[ticks.length - 1] + step) * 1e6) / 1e6);
    return ticks;
  }
  function node(tag, attrs, text) {
    var n = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) {
      n.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function seconds(ago) {
    return ago === 0 ? 'now' : '-' + ago + 's';
  }

  function draw() {
    var max = 0;
    samples.forEach(function (s) {
      max = Math.max(max, s.rx, s.tx);
    });
    var ticks = niceScale(max);
    var top = ticks[ticks.length - 1];
    var n = KEEP;
    var step = (PLOT.right - PLOT.left) / (n - 1);
    var x = function (i) {
      return Math.round((PLOT.left + i * step) * 10) / 10;
    };
    var y = function (v) {
      return Math.round((PLOT.bottom - (top > 0 ? (v / top) * (PLOT.bottom - PLOT.top) : 0)) * 10) / 10;
    };
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    ticks.forEach(function (t) {
      var ty = y(t);
      svg.appendChild(node('line', { class: 'grid', x1: PLOT.left, x2: PLOT.right, y1: ty, y2: ty }));
      svg.appendChild(
        node('text', { class: 'axis', x: PLOT.left - 6, y: ty + 4, 'text-anchor': 'end' }, rate(t)),
      );
    });
    // The newest sample at the right edge; older ones to its left.
    var first = n - samples.length;
    [
      ['rx', 's-down'],
      ['tx', 's-up'],
    ].forEach(function (s) {
      if (!samples.length) return;
      var pts = samples.map(function (p, i) {
        return x(first + i) + ',' + y(p[s[0]]);
      });
      var path = 'M' + pts.join(' L');
      var area = path + ' L' + x(n - 1) + ',' + PLOT.bottom + ' L' + x(first) + ',' + PLOT.bottom + ' Z';
      svg.appendChild(node('path', { class: 'area ' + s[1], d: area }));
      svg.appendChild(node('path', { class: 'line ' + s[1], d: path }));
      // The newest reading as a dot: visible from the first sample, before there is a line to draw.
      var last = samples[samples.length - 1];
      svg.appendChild(node('circle', { class: 'now ' + s[1], cx: x(n - 1), cy: y(last[s[0]]), r: 4 }));
    });
    [0, 15, 30, 45, 59].forEach(function (i) {
      var ago = Math.round(((n - 1 - i) * EVERY_MS) / 1000);
      svg.appendChild(
        node('text', { class: 'axis', x: x(i), y: 212, 'text-anchor': 'middle' }, seconds(ago)),
      );
    });
  }

  function show(json) {
    samples.push({ rx: json.rx_bps, tx: json.tx_bps });
    if (samples.length > KEEP) samples.shift();
    box.querySelector('[data-now="rx"]').textContent = rate(json.rx_bps);
    box.querySelector('[data-now="tx"]').textContent = rate(json.tx_bps);
    errorBox.hidden = true;
    if (dot) dot.hidden = false;
    draw();
  }
  function failed(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    if (dot) dot.hidden = true;
  }

  function poll() {
    timer = null;
    if (document.hidden) return;
    var url =
      '/admin/api/router/traffic?interface=' +
      encodeURIComponent(iface) +
      (site ? '&site=' + encodeURIComponent(site) : '');
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (json) {
          if (json.success) show(json);
          else failed(json.error || 'The router did not answer.');
        });
      })
      .catch(function () {
        failed('No answer from PisoNet Manager: is the server running?');
      })
      .then(function () {
        if (!timer) timer = setTimeout(poll, EVERY_MS);
      });
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !timer) poll();
  });
  poll();
})();
