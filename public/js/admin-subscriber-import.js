/* global FileReader */
// Customer import: the chosen CSV is read in the browser into the form's text field, so the server needs no
// multipart parser. The server checks the size and every row again.
(function () {
  'use strict';
  var file = document.getElementById('import-file');
  var text = document.getElementById('import-csv');
  var err = document.getElementById('import-file-err');
  if (!file || !text) return;
  var MAX = 2 * 1024 * 1024;

  function fail(message) {
    err.textContent = message;
    err.hidden = !message;
  }

  file.addEventListener('change', function () {
    fail('');
    var f = file.files && file.files[0];
    if (!f) return;
    if (f.size > MAX)
      return fail('the file is ' + Math.ceil(f.size / 1024) + ' KB; use at most 2 MB (split it)');
    var reader = new FileReader();
    reader.onload = function () {
      text.value = String(reader.result);
    };
    reader.onerror = function () {
      fail('the file could not be read');
    };
    reader.readAsText(f, 'utf-8');
  });
})();
