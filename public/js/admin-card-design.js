/* global URLSearchParams, FormData */
// The Card design page's live preview: as the owner types, the preview frame reloads with what the form holds
// (GET /admin/cards/preview, drawn by the print page's own card partial). The server checks everything again on
// Save; without this script the Preview button posts the form and the page comes back with the preview.
(function () {
  'use strict';
  var form = document.getElementById('card-form');
  var frame = document.getElementById('card-preview');
  if (!form || !frame) return;
  var base = frame.getAttribute('data-base');
  var timer;

  function previewUrl() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, key) {
      if (key !== '_csrf' && key !== 'action') params.append(key, value);
    });
    return base + '?' + params.toString();
  }

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var next = previewUrl();
      if (frame.getAttribute('src') !== next) frame.setAttribute('src', next);
    }, 250);
  }

  // The frame as tall as the card it shows (same origin: its document can be measured).
  function fit() {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.readyState === 'complete' && doc.body && doc.location.href !== 'about:blank')
        frame.style.height = Math.ceil(doc.body.getBoundingClientRect().height) + 'px';
    } catch {
      /* not measurable: the frame keeps its height */
    }
  }
  frame.addEventListener('load', fit);
  fit(); // it may have loaded before this script ran

  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
})();
