/* global performance, AbortController */
// Login page, payments on: can this phone, not logged in yet, reach the payment checkout through the hotspot?
// One request to the checkout's address, no-cors (nothing is read back: it either answers or it does not),
// given up after 8 seconds (a hotspot that stops the phone answers HTTPS with a certificate of its own, or not
// at all: both fail here); then one short report to the portal, which the owner sees on the Payments page.
// It proves the address answers from here, not that a payment would go through.
(function () {
  'use strict';
  var TIMEOUT_MS = 8000;
  var spot = document.getElementById('checkout-reach');
  var token = document.querySelector('form.redeem input[name="_csrf"]');
  var mac = document.querySelector('form.redeem input[name="mac"]');
  if (!spot || !token || !window.fetch || !window.AbortController) return;
  var origin = spot.getAttribute('data-origin');
  var report = spot.getAttribute('data-report');
  var abort = new AbortController();
  var timer = setTimeout(function () {
    abort.abort();
  }, TIMEOUT_MS);
  var start = performance.now();

  function send(reached) {
    clearTimeout(timer);
    var ms = Math.min(Math.round(performance.now() - start), TIMEOUT_MS);
    fetch(report, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac: mac ? mac.value : '', reached: reached, ms: ms, _csrf: token.value }),
    }).catch(function () {
      /* the report is a nicety: the page works without it */
    });
  }

  fetch(origin + '/', {
    mode: 'no-cors',
    cache: 'no-store',
    credentials: 'omit',
    signal: abort.signal,
  }).then(
    function () {
      send(true);
    },
    function () {
      send(false);
    },
  );
})();
