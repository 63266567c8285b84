// Bandwidth page: refreshes the table every 10 s from /admin/api/user-traffic without reloading, and runs
// Set limit / No limit / Back to plan through the admin API. Data is only ever written with textContent (never innerHTML).
// Without JavaScript the same page works through plain forms (see src/web/admin/pages/bandwidth.ts).
(function () {
  'use strict';
  var REFRESH_MS = 10000;
  var body = document.getElementById('bw-body');
  if (!body) return;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.getAttribute('content') : '';
  var dialog = document.getElementById('limit-dialog');
  var limitForm = document.getElementById('limit-form');
  var errorBox = document.getElementById('bw-error');
  var noteBox = document.getElementById('bw-note');
  var timer = null;
  var stopped = false;

  // ---- formatting, as the server does it (src/domain/quantities.ts)
  function trim(fixed) {
    return fixed.indexOf('.') >= 0 ? fixed.replace(/\.?0+$/, '') : fixed;
  }
  function bytes(n) {
    var units = [
      ['TB', 1e12],
      ['GB', 1e9],
      ['MB', 1e6],
      ['kB', 1e3],
    ];
    for (var i = 0; i < units.length; i++)
      if (Math.abs(n) >= units[i][1]) return (n / units[i][1]).toFixed(1) + ' ' + units[i][0];
    return n + ' B';
  }
  function rate(bps) {
    var units = [
      ['Gbps', 1e9],
      ['Mbps', 1e6],
      ['kbps', 1e3],
    ];
    for (var i = 0; i < units.length; i++)
      if (bps >= units[i][1]) return trim((bps / units[i][1]).toFixed(2)) + ' ' + units[i][0];
    return bps + ' bps';
  }
  function maxLimit(v) {
    var m = /^(\d+)\/(\d+)$/.exec(v || '');
    if (!m) return v || '—';
    var up = Number(m[1]),
      down = Number(m[2]);
    if (!up && !down) return 'unlimited';
    return (down ? rate(down) : '∞') + ' ↓ / ' + (up ? rate(up) : '∞') + ' ↑';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(c);
    });
    return node;
  }
  function cell(label, cls, children) {
    var attrs = { 'data-label': label };
    if (cls) attrs['class'] = cls;
    return el('td', attrs, children);
  }
  function text(s) {
    return document.createTextNode(s);
  }
  /** Marks a cell with the figure it shows (data-col), as the page's own rows are. */
  function col(name, td) {
    td.setAttribute('data-col', name);
    return td;
  }

  function macForm(action, mac, name, label, question) {
    return el('form', { method: 'post', action: action, class: 'inline', 'data-confirm': question }, [
      el('input', { type: 'hidden', name: '_csrf', value: csrf }),
      el('input', { type: 'hidden', name: 'mac', value: mac }),
      el('button', { class: 'button small ghost', type: 'submit', 'data-action': name, text: label }),
    ]);
  }

  function row(u) {
    var voucherHref = '/admin/vouchers/' + encodeURIComponent(u.user);
    var actions = [
      el('a', {
        class: 'button small',
        href: '/admin/bandwidth/limit?mac=' + encodeURIComponent(u.mac),
        'data-action': 'set-limit',
        text: 'Set limit',
      }),
    ];
    // The same buttons and confirm texts as views/admin/bandwidth.ejs.
    var override = u.limit_source === 'override';
    if (!(override && u.max_limit === '0/0'))
      actions.push(
        text(' '),
        macForm(
          '/admin/bandwidth/remove',
          u.mac,
          'remove-limit',
          'No limit',
          'Lift the speed limit for ' +
            u.mac +
            '? The device gets no speed limit until you set one or put it back to plan. Its data is still counted.',
        ),
      );
    if (override)
      actions.push(
        text(' '),
        macForm(
          '/admin/bandwidth/reset',
          u.mac,
          'reset-limit',
          'Back to plan',
          'Put ' + u.mac + ' back to its plan speed? ' + u.profile + ': ' + maxLimit(u.plan_max_limit) + '.',
        ),
      );
    var cells = [
      cell('Device', 'full', [
        el('span', { class: 'two-line' }, [
          el('span', { class: 'mono', text: u.mac }),
          el('span', { class: 'mono small muted', text: u.ip || '—' }),
        ]),
      ]),
    ];
    // Every site of several (the table's data-sites): each device's site, as the page renders it.
    if (siteNames) cells.push(col('site', cell('Site', '', [text(siteNames[u.site] || '—')])));
    var tr = el(
      'tr',
      { 'data-mac': u.mac },
      cells.concat([
        cell('Voucher', 'full', [
          el('span', { class: 'two-line' }, [
            el('a', { class: 'code', href: voucherHref, text: u.user }),
            el('span', { class: 'small muted', text: u.profile }),
          ]),
        ]),
        col('bytesOut', cell('Downloaded', 'num', [text(bytes(u.bytes_out))])),
        col('bytesIn', cell('Uploaded', 'num', [text(bytes(u.bytes_in))])),
        col('rateOut', cell('Now ↓', 'num', [text(rate(u.rate_out))])),
        col('rateIn', cell('Now ↑', 'num', [text(rate(u.rate_in))])),
        col(
          'maxLimit',
          cell('Limit', 'full', [
            text(maxLimit(u.max_limit) + ' '),
            el('span', { class: 'tag src-' + u.limit_source, text: u.limit_source }),
          ]),
        ),
        col(
          'fupState',
          cell('Fair use', '', [el('span', { class: 'tag fup-' + u.fup_state, text: u.fup_state })]),
        ),
        cell('', 'row-actions full', actions),
      ]),
    );
    if (!u.connected) tr.className = 'offline';
    return tr;
  }

  // Same filter, order and page as the server (bandwidthView in src/web/admin/pages/bandwidth.ts), except
  // that a refresh keeps each row where it was: "Busiest first" would otherwise move rows every 10 seconds,
  // under the owner's finger. New devices go to the end; "Sort by speed now" orders afresh.
  var placed = {};
  function remember(rows) {
    placed = {};
    rows.forEach(function (mac, i) {
      placed[mac] = i;
    });
  }
  remember(
    Array.prototype.map.call(body.querySelectorAll('tr[data-mac]'), function (tr) {
      return tr.getAttribute('data-mac');
    }),
  );
  var lastUsers = null;
  var table = document.getElementById('bw-table');
  // Every site of several: the names of the sites by id, for each row's Site cell (views/admin/bandwidth.ejs).
  var siteNames = table.getAttribute('data-sites') ? JSON.parse(table.getAttribute('data-sites')) : null;
  var opts = {
    q: (table.getAttribute('data-q') || '').trim().toUpperCase(),
    sort: table.getAttribute('data-sort') === 'mac' ? 'mac' : 'rate',
    page: Number(table.getAttribute('data-page')) || 1,
    size: Number(table.getAttribute('data-page-size')) || 100,
  };
  function view(users) {
    var matching = opts.q
      ? users.filter(function (u) {
          return [u.mac, u.ip || '', u.user, u.profile].some(function (v) {
            return String(v).toUpperCase().indexOf(opts.q) >= 0;
          });
        })
      : users;
    var at = function (u) {
      return Object.prototype.hasOwnProperty.call(placed, u.mac) ? placed[u.mac] : Infinity;
    };
    matching.sort(function (a, b) {
      if (opts.sort === 'mac') return a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0;
      var kept = at(a) - at(b);
      if (kept) return kept;
      return b.rate_out + b.rate_in - (a.rate_out + a.rate_in) || (a.mac < b.mac ? -1 : 1);
    });
    var pages = Math.max(1, Math.ceil(matching.length / opts.size));
    var page = Math.min(Math.max(opts.page, 1), pages);
    if (opts.sort === 'rate')
      remember(
        matching.map(function (u) {
          return u.mac;
        }),
      );
    return { rows: matching.slice((page - 1) * opts.size, page * opts.size), matching: matching.length };
  }

  function render(users) {
    lastUsers = users;
    var v = view(users);
    var frag = document.createDocumentFragment();
    v.rows.forEach(function (u) {
      frag.appendChild(row(u));
    });
    body.replaceChildren(frag);
    setText(
      'bw-count',
      String(
        users.filter(function (u) {
          return u.connected;
        }).length,
      ),
    );
    setText('bw-matching', String(v.matching));
    var empty = document.getElementById('bw-empty');
    if (empty) empty.hidden = v.rows.length > 0;
  }
  // When the figures were read: now, or while the router is away the last time it answered.
  function stampUpdated(router) {
    var away = router && router.connected === false;
    var now = away && router.stale_since ? Date.parse(router.stale_since) : Date.now();
    setText(
      'bw-updated',
      away && !router.stale_since
        ? 'never'
        : away && router.last_seen
          ? router.last_seen
          : window.PisoTime
            ? window.PisoTime.format(now, 'clock')
            : new Date(now).toLocaleTimeString(),
    );
    var stamp = document.getElementById('bw-updated');
    if (stamp) stamp.setAttribute('datetime', new Date(now).toISOString());
  }
  function setText(id, value) {
    var n = document.getElementById(id);
    if (n) n.textContent = value;
  }

  function showError(message) {
    if (!errorBox) return;
    errorBox.textContent = message || '';
    errorBox.hidden = !message;
  }
  // A change the router could not take at once is saved (202): say so, it is not an error.
  function showNote(data) {
    if (!noteBox) return;
    noteBox.textContent = (data && data.message) || '';
    noteBox.hidden = !noteBox.textContent;
  }

  function api(method, url, payload) {
    var opts = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (payload) {
      opts.headers['Content-Type'] = 'application/json';
      opts.headers['X-CSRF-Token'] = csrf;
      opts.body = JSON.stringify(payload);
    }
    return fetch(url, opts).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (res.status === 401) {
            stopped = true;
            throw new Error('Your session ended. Reload the page and log in again.');
          }
          if (!res.ok || data.success === false) {
            var err = new Error(data.error || 'Request failed (' + res.status + ')');
            err.fields = data.fields || {};
            throw err;
          }
          return data;
        });
    });
  }

  function refresh() {
    clearTimeout(timer);
    // A page narrowed to one site (?site=) refreshes with that site's devices only.
    var site = new window.URLSearchParams(window.location.search).get('site');
    return api('GET', '/admin/api/user-traffic' + (site ? '?site=' + encodeURIComponent(site) : ''))
      .then(
        function (data) {
          render(data.users || []);
          stampUpdated(data.router);
          showError('');
        },
        function (err) {
          showError('Could not refresh: ' + err.message);
        },
      )
      .then(schedule, schedule);
  }
  function schedule() {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  // ---- Set limit dialog
  var preset = limitForm.querySelector('[data-role="preset"]');
  var custom = limitForm.querySelector('[data-role="custom"]');
  var dialogError = limitForm.querySelector('[data-role="dialog-error"]');
  function fieldError(name, message) {
    var n = limitForm.querySelector('[data-error="' + name + '"]');
    if (n) {
      n.textContent = message || '';
      n.hidden = !message;
    }
  }
  function syncPreset() {
    custom.hidden = preset.value !== '';
  }
  preset.addEventListener('change', syncPreset);

  function openDialog(mac) {
    limitForm.reset();
    limitForm.querySelector('[data-role="mac"]').value = mac;
    limitForm.querySelector('[data-role="mac-label"]').textContent = mac;
    ['preset', 'up', 'down'].forEach(function (n) {
      fieldError(n, '');
    });
    limitForm.elements.up.removeAttribute('aria-invalid');
    limitForm.elements.down.removeAttribute('aria-invalid');
    dialogError.hidden = true;
    syncPreset();
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else window.location.href = '/admin/bandwidth/limit?mac=' + encodeURIComponent(mac);
  }
  limitForm.querySelector('[data-role="cancel"]').addEventListener('click', function () {
    dialog.close();
  });

  limitForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var mac = limitForm.querySelector('[data-role="mac"]').value;
    var payload = { mac: mac };
    if (preset.value) {
      var opt = preset.options[preset.selectedIndex];
      payload.upload = Number(opt.getAttribute('data-up'));
      payload.download = Number(opt.getAttribute('data-down'));
    } else {
      // Sent as typed: the server reads them with the one rate grammar (parseSpeedLimit in
      // src/domain/quantities.ts: "2M", "2 Mbps", "2mbps", "unlimited") and names the field it refuses.
      payload.upload = limitForm.elements.up.value.trim();
      payload.download = limitForm.elements.down.value.trim();
    }
    ['preset', 'up', 'down'].forEach(function (n) {
      fieldError(n, '');
    });
    dialogError.hidden = true;
    api('POST', '/admin/api/set-bandwidth', payload).then(
      function (data) {
        dialog.close();
        showNote(data);
        return refresh();
      },
      function (err) {
        fieldError('up', err.fields.upload || '');
        fieldError('down', err.fields.download || '');
        dialogError.textContent = err.message;
        dialogError.hidden = false;
        // The field the server refused is marked and gets the focus (download first, as on the form).
        var first = null;
        [
          ['down', err.fields.download],
          ['up', err.fields.upload],
        ].forEach(function (f) {
          var input = limitForm.elements[f[0]];
          if (!input) return;
          if (f[1]) input.setAttribute('aria-invalid', 'true');
          else input.removeAttribute('aria-invalid');
          if (f[1] && !first) first = input;
        });
        if (first) first.focus();
      },
    );
  });

  body.addEventListener('click', function (ev) {
    var link = ev.target.closest && ev.target.closest('[data-action="set-limit"]');
    if (!link) return;
    ev.preventDefault();
    openDialog(link.closest('tr').getAttribute('data-mac'));
  });

  var MAC_ACTIONS = {
    '/admin/bandwidth/remove': '/admin/api/remove-bandwidth',
    '/admin/bandwidth/reset': '/admin/api/reset-bandwidth',
  };
  body.addEventListener('submit', function (ev) {
    var form = ev.target;
    var url = MAC_ACTIONS[form.getAttribute('action')];
    if (!url) return;
    ev.preventDefault();
    ev.stopPropagation(); // the shared confirm in admin.js would ask a second time
    if (!window.confirm(form.getAttribute('data-confirm'))) return;
    api('POST', url, { mac: form.elements.mac.value }).then(
      function (data) {
        showNote(data);
        return refresh();
      },
      function (err) {
        showError(err.message);
      },
    );
  });

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && !stopped) refresh();
  });

  var resort = document.getElementById('bw-resort');
  if (resort && opts.sort === 'rate') {
    document.getElementById('bw-resort-line').hidden = false;
    resort.addEventListener('click', function () {
      placed = {};
      if (lastUsers) render(lastUsers);
      else refresh();
    });
  }
  document.getElementById('bw-live').hidden = false;
  schedule();
})();
