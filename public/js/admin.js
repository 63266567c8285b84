/* global HTMLFormElement */
// Shared admin behaviour. CSP allows only scripts from /public, so no inline handlers anywhere.
(function () {
  'use strict';
  // The sections menu (views/partials/nav.ejs) is a <details>: on a wide screen always open (for browsers
  // without ::details-content), on a phone closed until the Menu button is tapped; Escape or a tap outside
  // closes it again.
  var menu = document.getElementById('menu');
  if (menu && window.matchMedia) {
    var wide = window.matchMedia('(min-width: 720px)');
    var follow = function () {
      menu.open = wide.matches;
    };
    follow();
    if (wide.addEventListener) wide.addEventListener('change', follow);
    document.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape' && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector('summary').focus();
      }
    });
    document.addEventListener('click', function (ev) {
      if (menu.open && !wide.matches && !menu.contains(ev.target)) menu.open = false;
    });
  }

  // A <select data-autosubmit> (the site picker) sends its form as soon as another choice is made.
  document.addEventListener('change', function (ev) {
    var select = ev.target;
    if (select && select.hasAttribute && select.hasAttribute('data-autosubmit') && select.form)
      select.form.submit();
  });

  // Forms marked data-confirm ask before they are sent (revoke, log out, remove a limit).
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) ev.preventDefault();
  });
})();
