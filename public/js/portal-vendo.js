/* global clearInterval, URLSearchParams */
// The portal's coin window (views/portal/_vendo.ejs): pick a vendo, reserve it, show coins as they land, Done.
(function () {
  'use strict';
  var box = document.getElementById('vendo');
  if (!box || !window.fetch) return;
  var d = box.dataset;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var select = $('vendo-select');
  var session = null;
  var timer = null;
  var demo = {};
  var names = {};

  function text(key, vars) {
    var s = d['t' + key.charAt(0).toUpperCase() + key.slice(1)] || '';
    Object.keys(vars || {}).forEach(function (k) {
      s = s.split('{' + k + '}').join(String(vars[k]));
    });
    return s;
  }
  // `hidden` alone loses to a stylesheet's display rule on some elements.
  function shown(el, on) {
    el.hidden = !on;
    el.style.display = on ? '' : 'none';
  }
  function pesos(n) {
    return '₱' + n;
  }
  function showError(msg) {
    var e = $('vendo-error');
    e.textContent = msg || '';
    e.hidden = !msg;
  }
  function call(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: body
        ? { 'content-type': 'application/json', 'accept-language': d.lang }
        : { 'accept-language': d.lang },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json();
    });
  }

  function render(s) {
    $('vendo-credit').textContent = pesos(s.credit);
    // A phone whose data is used up buys extra data with its coins, not time.
    $('vendo-time').textContent = s.extra_data ? s.extra_data.text : s.validity;
    var saved = $('vendo-saved');
    saved.hidden = !(s.saved_credit > 0);
    if (s.saved_credit > 0) saved.textContent = text('saved', { amount: pesos(s.saved_credit) });
    $('vendo-closes').textContent =
      s.state === 'armed' ? text('closes', { seconds: s.expires_in }) : text('expired');
  }

  function refresh() {
    if (!session) return;
    call('GET', '/api/portal/vendo/session/' + encodeURIComponent(session))
      .then(function (s) {
        if (!s.success) return showError(s.error);
        render(s);
        if (s.state !== 'armed') {
          stop();
          shown($('vendo-pick'), true); // the slot closed: the customer may open it again
        }
      })
      .catch(function () {
        /* the next tick tries again */
      });
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  function start() {
    showError('');
    var vendo = select.value;
    call('POST', '/api/portal/vendo/start', { vendo: vendo, mac: d.mac, ip: d.ip })
      .then(function (r) {
        if (!r.success) return showError(r.error);
        session = r.session;
        $('vendo-window').hidden = false;
        shown($('vendo-pick'), false);
        $('vendo-drop').textContent = text('drop', { name: names[vendo] || '' });
        $('vendo-demo').hidden = !demo[vendo];
        render({
          credit: 0,
          validity: '0s',
          saved_credit: r.saved_credit,
          state: 'armed',
          expires_in: r.expires_in,
        });
        refresh();
        stop();
        timer = setInterval(refresh, 1000);
      })
      .catch(function () {
        showError('…');
      });
  }

  function done() {
    showError('');
    var button = $('vendo-done');
    button.disabled = true;
    button.textContent = text('working');
    call('POST', '/api/portal/vendo/finish', { session: session })
      .then(function (r) {
        if (!r.success) {
          button.disabled = false;
          button.textContent = button.getAttribute('data-label');
          return showError(r.error);
        }
        stop();
        var q = new URLSearchParams({ mac: d.mac, lang: d.lang, 'link-orig': d.linkOrig || '' });
        window.location.assign('/portal/status?' + q.toString());
      })
      .catch(function () {
        button.disabled = false;
      });
  }

  $('vendo-done').setAttribute('data-label', $('vendo-done').textContent);
  $('vendo-start').addEventListener('click', start);
  $('vendo-done').addEventListener('click', done);
  Array.prototype.forEach.call(box.querySelectorAll('.demo-coin'), function (b) {
    b.addEventListener('click', function () {
      call('POST', '/api/portal/vendo/demo-coin', {
        session: session,
        amount: Number(b.getAttribute('data-amount')),
      }).then(function (r) {
        if (!r.success) showError(r.error);
        refresh();
      });
    });
  });

  // The site (from the login page) and the address let the portal list the vendos of this device's site only.
  call(
    'GET',
    '/api/portal/vendos?' +
      new URLSearchParams({ mac: d.mac, ip: d.ip || '', site: d.site || '' }).toString(),
  )
    .then(function (r) {
      if (!r.success || !r.vendos.length) return;
      r.vendos.forEach(function (v) {
        names[v.id] = v.name;
        demo[v.id] = v.demo;
        var o = document.createElement('option');
        o.value = v.id;
        o.textContent =
          v.name + (v.online ? (v.busy ? ' (' + text('busy') + ')' : '') : ' (' + text('offline') + ')');
        o.disabled = !v.online;
        select.appendChild(o);
      });
      var first = r.vendos.filter(function (v) {
        return v.online;
      })[0];
      if (first) select.value = first.id;
      // One box in the shop: nothing to pick.
      $('vendo-pick').querySelector('label').hidden = r.vendos.length === 1;
      select.hidden = r.vendos.length === 1;
      box.hidden = false;
      if (r.saved_credit > 0) {
        var saved = $('vendo-saved');
        saved.hidden = false;
        saved.textContent = text('saved', { amount: pesos(r.saved_credit) });
      }
    })
    .catch(function () {
      /* no vendos: the section stays hidden */
    });
})();
