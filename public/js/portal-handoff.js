// A RADIUS site's code was checked: send the router's login form at once (the button stays for a phone without scripts).
(function () {
  var form = document.getElementById('handoff');
  if (form) form.submit();
})();
