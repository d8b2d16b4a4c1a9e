// Sets up Emscripten's Module before cockpit.js runs. Kept out of index.html so a
// strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') works.
'use strict';
var Module = {
  canvas: document.getElementById('canvas'),  // both scripts are `defer`: the body exists
  print: function (text) { console.log(text); },
  printErr: function (text) { console.warn(text); },
  onAbort: function (what) {
    document.body.dataset.error = String(what);
    var status = document.getElementById('status');
    if (status) { status.textContent = 'Cockpit stopped: ' + what; status.hidden = false; }
  },
};
