// Dashboard: the tiles and the activity feed stay current without a reload. Every few seconds it asks
// GET /admin/api/events?after=<newest id it has> and GET /admin/api/dashboard (same session, GETs only).
// New events are prepended without moving what the owner is reading, and only a short count ("2 new") is
// announced (aria-live polite), never the list. Data is written with textContent only.
(function () {
  'use strict';
  var POLL_MS = 4000;
  var MAX_ROWS = 200;
  var feed = document.getElementById('activity-feed');
  if (!feed) return;
  var lastId = Number(feed.getAttribute('data-last-id')) || 0;
  var newCount = document.getElementById('feed-new');
  var empty = document.getElementById('feed-empty');
  var errorBox = document.getElementById('feed-error');
  var timer = null;
  var stopped = false;
  var unseen = 0;
  // Narrowed to one site (?site=): both requests ask for its figures and events only.
  var tilesBox = document.getElementById('dash-tiles');
  var site = (tilesBox && tilesBox.getAttribute('data-site')) || '';
  var siteParam = site ? 'site=' + encodeURIComponent(site) : '';

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      n.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function setTile(name, value) {
    var n = document.querySelector('[data-tile="' + name + '"]');
    if (n && n.textContent !== value) n.textContent = value;
  }
  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }
  // Centavos as the server writes them (₱1,234.50; a void may make it negative: -₱12.00).
  function peso(c) {
    var s =
      '₱' +
      (Math.abs(c) / 100).toLocaleString('en-PH', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return c < 0 ? '-' + s : s;
  }

  // The same markup as views/partials/activity-feed.ejs.
  function item(e) {
    var li = el('li', {
      class: 'feed-item feed-' + e.group + ' level-' + e.level + ' feed-fresh',
      'data-id': String(e.id),
      'data-kind': e.kind,
    });
    li.appendChild(el('time', { class: 'feed-time', datetime: new Date(e.ts).toISOString() }, e.time));
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('span', { class: 'feed-tag' }, e.label));
    li.appendChild(document.createTextNode(' '));
    var body = el('span', { class: 'feed-body' });
    if (e.voucherCode) {
      body.appendChild(
        el(
          'a',
          { class: 'code', href: '/admin/vouchers/' + encodeURIComponent(e.voucherCode) },
          e.voucherCode,
        ),
      );
      body.appendChild(document.createTextNode(' '));
    }
    body.appendChild(el('span', { class: 'feed-msg' }, e.message));
    li.appendChild(body);
    return li;
  }

  /**
   * Runs a change to the page above what the owner may be reading (new rows, tiles that grow) and keeps
   * that in place: when the feed is above the screen, the page scrolls by as much as the content below the
   * feed moved (browsers with scroll anchoring have already kept it, and then nothing more is done).
   */
  var anchor = feed.closest('.grid-feed') || feed;
  function keepPlace(change) {
    var pageAbove = anchor.getBoundingClientRect().top < 0;
    var bottom = anchor.getBoundingClientRect().bottom;
    change();
    if (!pageAbove) return;
    var moved = anchor.getBoundingClientRect().bottom - bottom;
    if (moved) window.scrollBy(0, moved);
  }

  function prepend(events) {
    if (!events.length) return;
    var frag = document.createDocumentFragment();
    events.forEach(function (e) {
      if (!feed.querySelector('[data-id="' + e.id + '"]')) frag.appendChild(item(e));
    });
    var added = frag.childNodes.length;
    if (!added) return;
    keepPlace(function () {
      var listScrolled = feed.scrollTop > 0;
      var listHeight = feed.scrollHeight;
      unseen += added;
      if (newCount) newCount.textContent = plural(unseen, 'new event') + ' since you opened the page';
      feed.insertBefore(frag, feed.firstChild);
      // Scrolled inside the list: the rows the owner reads stay where they are in it too.
      if (listScrolled) feed.scrollTop += feed.scrollHeight - listHeight;
      while (feed.children.length > MAX_ROWS) feed.removeChild(feed.lastChild);
      if (empty) empty.hidden = true;
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(
      function (res) {
        if (res.status === 401) {
          stopped = true;
          throw new Error('Your session ended. Reload the page and log in again.');
        }
        if (!res.ok) throw new Error('the controller answered ' + res.status);
        return res.json();
      },
    );
  }

  function tiles(d) {
    setTile('online', String(d.online));
    setTile('online-s', d.online === 1 ? '' : 's');
    if (typeof d.subscribers_online === 'number') {
      setTile('online-subscribers', String(d.subscribers_online));
      setTile('online-subscribers-s', d.subscribers_online === 1 ? '' : 's');
    }
    setTile('today', d.today.text);
    // Charges on running vouchers (plan upgrades) are in the money too (views/admin/dashboard.ejs).
    // Subscribers' payments too (views/partials/subscriber-income.ejs), on the shop's dashboard.
    var more = function (m) {
      var s = m.subscribers;
      var subs =
        s && (s.count || s.reversals)
          ? ' + ' +
            plural(s.count, 'subscriber payment') +
            ' (' +
            peso(s.amount) +
            ', ' +
            peso(s.cash) +
            ' cash)'
          : '';
      return (m.charges ? ' + ' + plural(m.charges, 'charge') : '') + subs;
    };
    setTile('today-sub', plural(d.today.count, 'voucher') + ' first used today' + more(d.today));
    setTile('month', d.month.text);
    setTile('month-sub', plural(d.month.count, 'voucher') + more(d.month));
    setTile('stock', d.stock.text);
    setTile('stock-sub', plural(d.stock.count, 'printed voucher') + ', worth this when sold');
    var r = d.router;
    var lastSeen = 'last seen ' + (r.last_seen || 'never');
    // One site: its router as the server last read it; every site: the default router, live.
    var up = d.site ? d.site.connected : r.connected;
    var away = d.site
      ? 'last read ' +
        (d.site.last_read_at
          ? window.PisoTime
            ? window.PisoTime.format(Date.parse(d.site.last_read_at), 'short')
            : d.site.last_read_at
          : 'never')
      : lastSeen;
    // Safe mode: the router is read but nothing metered, so the count is as the last metered poll left it.
    var unmetered = !d.site && r.not_metered;
    setTile(
      'online-note',
      up ? (d.site ? 'on this site’s router' : unmetered || d.throttled + ' slowed by FUP/cap') : away,
    );
    var note = document.querySelector('[data-tile="online-note"]');
    if (note) note.className = up && !unmetered ? '' : 'stale';
    setTile('router-note', up ? (d.site ? d.site.identity : d.identity) || 'MikroTik' : away);
    var router = document.querySelector('[data-tile="router"]');
    if (router && router.getAttribute('data-connected') !== String(up)) {
      router.setAttribute('data-connected', String(up));
      router.replaceChildren(
        el('span', { class: up ? 'dot-ok' : 'dot-bad', 'aria-hidden': 'true' }),
        document.createTextNode(up ? ' Connected' : ' Away'),
      );
    }
    // Every site, with several: how many routers are online and which are away.
    var routers = document.querySelector('[data-tile="routers"]');
    if (routers && d.routers) {
      var all = d.routers.online === d.routers.total;
      routers.setAttribute('data-all-online', String(all));
      routers.replaceChildren(
        el('span', { class: all ? 'dot-ok' : 'dot-bad', 'aria-hidden': 'true' }),
        document.createTextNode(' ' + d.routers.online + ' of ' + d.routers.total + ' online'),
      );
      setTile('routers-note', all ? 'every site' : d.routers.away.join(', ') + ' away');
      var rnote = document.querySelector('[data-tile="routers-note"]');
      if (rnote) rnote.className = all ? '' : 'stale';
    }
    var state = document.getElementById('dash-state');
    if (state) {
      state.setAttribute('data-connected', String(r.connected));
      state.textContent = r.connected
        ? r.not_metered || 'Live'
        : 'Router away · last seen ' + (r.last_seen || 'never');
    }
    if (window.PisoNetRouterBanner) window.PisoNetRouterBanner.render(r);
  }

  function showError(message) {
    if (!errorBox) return;
    errorBox.textContent = message ? 'Could not refresh: ' + message : '';
    errorBox.hidden = !message;
  }

  function poll() {
    clearTimeout(timer);
    var events = getJson('/admin/api/events?after=' + lastId + (siteParam ? '&' + siteParam : '')).then(
      function (data) {
        var list = data.events || [];
        // Newest first in the answer, and kept in that order above the rows already shown.
        prepend(list);
        if (data.last_id > lastId) lastId = data.last_id;
      },
    );
    var figures = getJson('/admin/api/dashboard' + (siteParam ? '?' + siteParam : '')).then(function (d) {
      keepPlace(function () {
        tiles(d);
      });
    });
    Promise.all([events, figures])
      .then(
        function () {
          showError('');
        },
        function (err) {
          showError(err.message);
        },
      )
      .then(schedule, schedule);
  }
  function schedule() {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !stopped) poll();
  });
  var live = document.getElementById('dash-state');
  if (live) live.setAttribute('data-live', 'true');
  schedule();
})();
