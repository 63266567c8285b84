// The voucher page's Move form: as a profile is chosen, says what the move would charge or credit (the same
// preview the confirm step shows, from GET /admin/api/vouchers/:code/profile-change). Without this script the
// form still leads to the confirm step; nothing is changed from here.
(function () {
  'use strict';
  var form = document.querySelector('form[data-plan-preview]');
  if (!form) return;
  var select = form.querySelector('select[name="profile"]');
  var out = form.querySelector('[data-plan-preview-out]');
  if (!select || !out) return;
  var asked = 0;

  function show(text) {
    out.textContent = text;
    out.hidden = !text;
  }

  function preview() {
    var ask = ++asked;
    if (!select.value) return show('');
    var url = form.getAttribute('data-plan-preview') + '?profile=' + encodeURIComponent(select.value);
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        return res.json();
      })
      .then(function (d) {
        if (ask !== asked) return; // another profile was chosen meanwhile
        show(d.success ? d.explanation : d.error || '');
      })
      .catch(function () {
        if (ask === asked) show('');
      });
  }

  select.addEventListener('change', preview);
  preview();
})();
