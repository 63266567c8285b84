/* global FileReader */
// Logo upload: the file is read in the browser and sent as a data URL in an ordinary form field, so the
// server needs no multipart parser. The server checks type, bytes and size again.
(function () {
  'use strict';
  var form = document.getElementById('logo-form');
  var file = document.getElementById('logo-file');
  var data = document.getElementById('logo-data');
  var err = document.getElementById('logo-err');
  if (!form || !file || !data) return;
  var MAX = 100 * 1024;

  function fail(message) {
    err.textContent = message;
    err.hidden = !message;
  }

  file.addEventListener('change', function () {
    data.value = '';
    fail('');
    var f = file.files && file.files[0];
    if (!f) return;
    if (f.type !== 'image/png' && f.type !== 'image/jpeg') return fail('choose a PNG or JPEG image');
    if (f.size > MAX) return fail('the image is ' + Math.ceil(f.size / 1024) + ' KB; use at most 100 KB');
    var reader = new FileReader();
    reader.onload = function () {
      data.value = String(reader.result);
    };
    reader.onerror = function () {
      fail('the file could not be read');
    };
    reader.readAsDataURL(f);
  });

  form.addEventListener('submit', function (ev) {
    var submitter = ev.submitter;
    if (submitter && submitter.name === 'remove') return;
    if (!data.value) {
      ev.preventDefault();
      fail(err.hidden ? 'choose an image first' : err.textContent);
    }
  });
})();
