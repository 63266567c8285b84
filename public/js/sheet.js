// Printable voucher sheet: the Print button (owners on phones have no Ctrl+P).
(function () {
  var buttons = document.querySelectorAll('[data-print]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener('click', function () {
      window.print();
    });
  }
})();
