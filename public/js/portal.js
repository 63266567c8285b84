// Optional niceties (the portal works without JavaScript).
(function () {
  var input = document.getElementById('code');
  if (!input) return;
  // Show typed codes grouped like the printed card: in capitals where the shop's codes are (class "upper"), else as
  // typed (small-letter codes are printed small; the portal finds a code whatever its case).
  var upper = input.classList.contains('upper');
  input.addEventListener('input', function () {
    var raw = (upper ? input.value.toUpperCase() : input.value).replace(/[^A-Za-z0-9]/g, '');
    var grouped = raw.match(/.{1,4}/g);
    input.value = grouped ? grouped.join('-') : '';
  });
  // A scanned voucher card brought its code and the phone's MAC/IP: send the form once, straight away.
  // A refused code comes back as a normal page without this flag, so it never loops.
  var form = document.querySelector('form[data-auto-redeem]');
  if (form && input.value) {
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    form.submit();
  }
})();
