/* global HTMLFormElement */
// Shared admin behaviour. CSP allows only scripts from /public, so no inline handlers anywhere.
(function () {
  'use strict';
  // On a phone the nav scrolls sideways: bring the current page's item into view.
  var current = document.querySelector('.mainnav [aria-current="page"]');
  if (current && current.parentElement && current.closest('ul')) {
    var list = current.closest('ul');
    var li = current.parentElement;
    if (li.offsetLeft + li.offsetWidth > list.clientWidth)
      list.scrollLeft = li.offsetLeft - (list.clientWidth - li.offsetWidth) / 2;
  }

  // Forms marked data-confirm ask before they are sent (revoke, log out, remove a limit).
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) ev.preventDefault();
  });
})();
