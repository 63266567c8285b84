/* global CustomEvent */
// The router banners at the top of the page (views/partials/router-banner.ejs), kept current without a
// reload on pages that refresh themselves: GET /admin/api/router-status every 5 s (and when the tab comes
// back), redrawn with textContent only. Each answer is also announced to the page's own script as a
// `pisonet:router` event on document (detail: {connected, stale_since, last_seen, banners}).
(function () {
  'use strict';
  var POLL_MS = 5000;
  var box = document.getElementById('router-banners');
  if (!box) return;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.getAttribute('content') : '';
  var timer = null;
  var stopped = false;
  // What is on screen, as code+message pairs and the last-seen time: the server drew the first state.
  function keyOf(banners, lastSeen) {
    return JSON.stringify([
      banners.map(function (b) {
        return [b.code, b.message];
      }),
      lastSeen || '',
    ]);
  }
  var shown = keyOf(
    Array.prototype.map.call(box.querySelectorAll('.router-banner'), function (n) {
      var msg = n.querySelector('.router-banner-msg');
      return { code: n.getAttribute('data-code'), message: msg ? msg.textContent : '' };
    }),
    box.getAttribute('data-last-seen'),
  );

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      n.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function banner(b, lastSeen) {
    var div = el('div', {
      class: 'router-banner router-banner-' + b.level,
      role: b.level === 'error' ? 'alert' : 'status',
      'data-testid': 'router-warning',
      'data-code': b.code,
    });
    var title = el('p', { class: 'router-banner-title' });
    title.appendChild(el('strong', {}, b.title));
    if (b.code.indexOf('ROUTER_') === 0) {
      title.appendChild(document.createTextNode(' '));
      title.appendChild(el('span', { class: 'mono small' }, '(' + b.code + ')'));
    }
    div.appendChild(title);
    div.appendChild(el('p', { class: 'router-banner-msg' }, b.message));
    var todo = el('p', { class: 'router-banner-todo' }, b.todo);
    if (b.fix) {
      todo.appendChild(document.createTextNode(' '));
      todo.appendChild(el('code', { class: 'mono' }, b.fix));
    }
    if (lastSeen && b.level === 'error' && b.code.indexOf('ROUTER_') === 0)
      todo.appendChild(document.createTextNode(' Figures shown are as last seen at ' + lastSeen + '.'));
    div.appendChild(todo);
    if (b.adopt) {
      var form = el('form', {
        method: 'post',
        action: '/admin/settings/adopt-router',
        class: 'fix',
        'data-confirm':
          "Adopt the router connected now as this database's router? Queues and voucher users this database does not know will be removed from it.",
      });
      form.appendChild(el('input', { type: 'hidden', name: '_csrf', value: csrf }));
      form.appendChild(el('button', { type: 'submit', class: 'button small danger' }, 'Adopt this router'));
      form.appendChild(document.createTextNode(' or run '));
      form.appendChild(el('code', { class: 'mono' }, 'npm run cli -- router adopt'));
      div.appendChild(form);
    }
    return div;
  }

  // Live figures elsewhere on the page: `body.router-away` dims them and hides the "live" dot (live.css), and
  // each [data-stale-note] says since when they are frozen (views/partials/stale-note.ejs).
  function applyLive(connected, lastSeen) {
    document.body.classList.toggle('router-away', !connected);
    Array.prototype.forEach.call(document.querySelectorAll('[data-stale-note]'), function (n) {
      n.hidden = connected;
      var t = n.querySelector('[data-last-seen]');
      if (t) t.textContent = lastSeen || 'never';
    });
  }

  function render(router) {
    applyLive(router.connected, router.last_seen);
    // Redrawn only when something changed, so an alert is not announced again at every poll.
    var key = keyOf(router.banners || [], router.last_seen);
    if (key === shown) return;
    shown = key;
    var frag = document.createDocumentFragment();
    (router.banners || []).forEach(function (b) {
      frag.appendChild(banner(b, router.last_seen));
    });
    box.replaceChildren(frag);
    box.setAttribute('data-connected', String(router.connected));
    box.setAttribute('data-last-seen', router.last_seen || '');
  }

  function poll() {
    clearTimeout(timer);
    fetch('/admin/api/router-status', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (res.status === 401) stopped = true;
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data || !data.router) return;
        render(data.router);
        document.dispatchEvent(new CustomEvent('pisonet:router', { detail: data.router }));
      })
      .catch(function () {
        // The controller itself is away (restarting): say so in the same place.
        render({
          connected: false,
          last_seen: null,
          banners: [
            {
              code: 'CONTROLLER',
              level: 'error',
              title: 'This page cannot reach the controller',
              message: 'PisoNet Manager did not answer; it may be restarting.',
              todo: 'The page keeps trying. If it lasts, check the computer the controller runs on.',
            },
          ],
        });
      })
      .then(schedule, schedule);
  }
  function schedule() {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !stopped) poll();
  });
  window.PisoNetRouterBanner = { render: render, refresh: poll };
  applyLive(box.getAttribute('data-connected') === 'true', box.getAttribute('data-last-seen'));
  schedule();
})();
