// Times as the server writes them: the shop's zone and locale and the very same Intl options
// (src/domain/clock.ts TIME_FORMATS), read from <html data-tz data-locale data-time-formats>. Scripts that
// refresh a page call PisoTime.format(ms, 'short' | 'full' | 'clock'). Also shows the time-zone warnings
// ([data-tz-check]) when this browser's zone differs from the shop's.
(function () {
  'use strict';
  var root = document.documentElement;
  var tz = root.getAttribute('data-tz') || undefined;
  var locale = root.getAttribute('data-locale') || 'en-PH';
  var shapes = {};
  try {
    shapes = JSON.parse(root.getAttribute('data-time-formats') || '{}');
  } catch {
    shapes = {};
  }
  var built = {};
  function formatter(name) {
    if (!built[name]) {
      var opts = Object.assign({}, shapes[name] || shapes.short || {}, { timeZone: tz });
      try {
        built[name] = new Intl.DateTimeFormat(locale, opts);
      } catch {
        built[name] = new Intl.DateTimeFormat(undefined, shapes[name] || {});
      }
    }
    return built[name];
  }
  function format(ms, name) {
    // The same plain space before AM/PM as the server (ICU versions differ).
    return formatter(name || 'short')
      .format(ms)
      .replace(/[\u202f\u00a0]/g, ' ');
  }
  window.PisoTime = { format: format, zone: tz, locale: locale };

  var browserZone = '';
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    browserZone = '';
  }
  if (tz && browserZone && browserZone !== tz) {
    document.querySelectorAll('[data-tz-check]').forEach(function (box) {
      var where = box.querySelector('[data-role="browser-zone"]');
      if (where) where.textContent = browserZone;
      box.hidden = false;
    });
  }
})();
