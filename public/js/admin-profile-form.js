// Live checks on the profile form, with the same accepted forms as the server (src/domain/quantities.ts,
// durations.ts, network.ts). The server stays the judge: it checks everything again on save.
(function () {
  'use strict';
  var form = document.getElementById('profile-form');
  if (!form) return;

  var RATE = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:bps|bits?(?:\/s)?)?$/i; // = RATE_RE in src/domain/quantities.ts
  var SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?)b?|b)?$/i;
  var DURATION = /^(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/i;
  var MONEY = /^(?:₱|PHP|P)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/i;
  var CLOCK = /^(\d{1,2}):(\d{2})$/;
  var NAME = /^[A-Za-z0-9_-]{1,32}$/;

  function positive(m) {
    return m && Number(m[1]) > 0;
  }
  function duration(v) {
    return /^\d+$/.test(v) ? Number(v) > 0 : v !== '' && DURATION.test(v) && /[1-9]/.test(v);
  }
  var UNIT = [604800, 86400, 3600, 60, 1];
  function seconds(v) {
    if (/^\d+$/.test(v)) return Number(v);
    var m = DURATION.exec(v);
    if (!m) return NaN;
    return UNIT.reduce(function (sum, u, i) {
      return sum + Number(m[i + 1] || 0) * u;
    }, 0);
  }
  function human(s) {
    return s % 86400 === 0 ? s / 86400 + 'd' : s % 3600 === 0 ? s / 3600 + 'h' : Math.round(s / 60) + 'm';
  }

  var checks = {
    rate: function (v) {
      return positive(RATE.exec(v)) ? '' : 'use a speed like 512K, 1M or 1.5M';
    },
    size: function (v) {
      return positive(SIZE.exec(v)) ? '' : 'use a data size like 500M, 5G or 2GiB';
    },
    duration: function (v) {
      return duration(v) ? '' : 'use a duration like 30s, 10m, 1h or 1h30m';
    },
    validity: function (v) {
      return v === 'unlimited' || duration(v) ? '' : 'use a duration like 1h or 1d, or "unlimited"';
    },
    money: function (v) {
      return MONEY.test(v) ? '' : 'use an amount like 5 or 5.50';
    },
    users: function (v) {
      return /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100 ? '' : 'use a whole number from 1 to 100';
    },
    clock: function (v) {
      var m = CLOCK.exec(v);
      return m && Number(m[1]) < 24 && Number(m[2]) < 60 ? '' : 'use a time like 22:00';
    },
    ratio: function (v) {
      var m = /^\s*1\s*:\s*(\d{1,4})\s*$/.exec(v);
      return m && Number(m[1]) >= 1 && Number(m[1]) <= 1000 ? '' : 'use 1:N with N from 1 to 1000, like 1:20';
    },
    multiplier: function (v) {
      var n = Number(v);
      return /^\d+(\.\d+)?$/.test(v) && n >= 1 && n <= 100 ? '' : 'use a number from 1 to 100, like 2';
    },
    // Bounds from the input's min/max, which the page takes from the server's own limits.
    pause: function (v, input) {
      var min = Number(input.getAttribute('min'));
      var max = Number(input.getAttribute('max'));
      var s = seconds(v);
      return duration(v) && s >= min && s <= max
        ? ''
        : 'use a pause length from ' + human(min) + ' to ' + human(max) + ', like 15m or 2h';
    },
    count: function (v, input) {
      var min = Number(input.getAttribute('min'));
      var max = Number(input.getAttribute('max'));
      return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max
        ? ''
        : 'use a whole number from ' + min + ' to ' + max;
    },
    name: function (v) {
      return NAME.test(v) ? '' : 'use 1–32 letters, digits, _ or -';
    },
    pool: function (v) {
      return /^[A-Za-z0-9_.-]{1,63}$/.test(v) ? '' : 'use 1–63 letters, digits, _, - or .';
    },
    description: function (v) {
      return v.length <= 200 ? '' : 'use at most 200 characters';
    },
  };

  function show(input, message) {
    var box = input.closest('.field');
    var err = box && box.querySelector('.error-text');
    if (!err) return;
    err.textContent = message;
    err.hidden = !message;
    box.classList.toggle('has-error', Boolean(message));
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  // Monthly plans have no voucher time: its fields are hidden and left out of the form (the server drops them too).
  var billing = form.querySelector('[name="billing"]');
  function showBilling() {
    var kind = billing && billing.value === 'monthly' ? 'monthly' : 'prepaid';
    form.querySelectorAll('[data-billing-only]').forEach(function (el) {
      var off = el.getAttribute('data-billing-only') !== kind;
      el.hidden = off;
      el.querySelectorAll('input, select, textarea').forEach(function (input) {
        input.disabled = off;
      });
      if (el.matches('input, select, textarea')) el.disabled = off;
    });
  }
  if (billing) {
    billing.addEventListener('change', showBilling);
    showBilling();
  }

  function check(input) {
    if (input.disabled) return true;
    var kind = input.getAttribute('data-check');
    var value = input.value.trim();
    if (!kind || !checks[kind]) return true;
    var message = value === '' ? (input.required ? 'required' : '') : checks[kind](value, input);
    show(input, message);
    return !message;
  }

  form.addEventListener('input', function (ev) {
    if (ev.target.matches && ev.target.matches('[data-check]')) check(ev.target);
  });
  form.addEventListener('submit', function (ev) {
    var ok = true;
    form.querySelectorAll('[data-check]').forEach(function (input) {
      ok = check(input) && ok;
    });
    if (!ok) {
      ev.preventDefault();
      var first = form.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
    }
  });
})();
