/* global URLSearchParams */
// The code style's figures as the owner changes a field (views/partials/code-style.ejs): the server works them
// out with the same domain function as when the page is made (GET /admin/api/code-style), so the page never
// shows a figure of its own making. Without JavaScript the page shows the figures of the style it was made with.
(function () {
  'use strict';
  var boxes = document.querySelectorAll('[data-code-style]');
  Array.prototype.forEach.call(boxes, function (box) {
    var names = JSON.parse(box.getAttribute('data-names') || '{}');
    var form = box.closest('form');
    var figures = box.querySelector('[data-figures]');
    var verdict = box.querySelector('[data-verdict]');
    var problem = box.querySelector('[data-figures-problem]');
    if (!form || !figures || !problem || !verdict) return;
    var params = {
      alphabet: names.alphabet,
      length: names.length,
      prefix: names.prefix,
      password_alphabet: names.passwordAlphabet,
      password_length: names.passwordLength,
    };
    // By name through namedItem: form.elements.length is the number of fields, not the field named "length".
    var field = function (name) {
      return form.elements.namedItem(name);
    };
    var lengthField = field(names.passwordLength);
    var timer = null;
    var asked = 0;

    function value(name) {
      var el = field(name);
      return el ? String(el.value).trim() : '';
    }

    // The password length matters only for a separate password.
    function followPassword() {
      if (lengthField) lengthField.disabled = value(names.passwordAlphabet) === 'same';
    }

    // The verdict in the shop's words (the live region); the figures with bits behind "The figures".
    function show(said, summary, why) {
      verdict.textContent = said;
      verdict.classList.toggle('weak', Boolean(why));
      figures.textContent = summary;
      problem.textContent = why || '';
      problem.hidden = !why;
    }

    // The fields' messages follow the answer: a message from the last submit goes once the style changed
    // (the figures say what holds now), and a field the server cannot read says why under it.
    function markFields(fields) {
      Object.keys(params).forEach(function (k) {
        var el = field(params[k]);
        var err = document.getElementById('f-' + params[k] + '-err');
        if (!el || !err) return;
        var message = fields[k] || '';
        err.textContent = message;
        err.hidden = !message;
        if (message) el.setAttribute('aria-invalid', 'true');
        else el.removeAttribute('aria-invalid');
        var wrap = el.closest('.field');
        if (wrap) wrap.classList.toggle('has-error', Boolean(message));
      });
    }

    function ask() {
      var q = new URLSearchParams();
      Object.keys(params).forEach(function (k) {
        var v = value(params[k]);
        // An empty prefix is a choice (no prefix); other empty fields are the shop's.
        if (
          (v !== '' || k === 'prefix') &&
          !(k === 'password_length' && value(names.passwordAlphabet) === 'same')
        )
          q.set(k, v);
      });
      var mine = ++asked;
      fetch('/admin/api/code-style?' + q.toString(), { credentials: 'same-origin' })
        .then(function (res) {
          return res.json();
        })
        .then(function (body) {
          if (mine !== asked) return; // a later change is on its way
          markFields(body.success ? {} : body.fields || {});
          if (body.success) return show(body.verdict, body.summary, body.problem);
          show(
            'Correct the fields above to see how hard these codes are to guess.',
            '',
            body.fields ? '' : body.error,
          );
        })
        .catch(function () {
          /* the figures stay as they were; the server checks the style again when the form is sent */
        });
    }

    box.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    box.addEventListener('change', function () {
      followPassword();
      clearTimeout(timer);
      ask();
    });
    followPassword();
  });
})();
