// Optional nicety (the portal works without JavaScript): show typed codes grouped like the printed card.
(function () {
  var input = document.getElementById('code');
  if (!input) return;
  input.addEventListener('input', function () {
    var raw = input.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
    var grouped = raw.match(/.{1,4}/g);
    input.value = grouped ? grouped.join('-') : '';
  });
})();
