// Sets up Emscripten's Module before cockpit.js runs. Kept out of index.html so a
// strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') works.
//
// Also the page's side of the service worker (sw.js, written by the build): it is
// registered once the app drew its first frame (pre.js calls cockpitUpdate.start), so
// its download of the whole app finds the files in the HTTP cache instead of competing
// with the first start. Module.cockpitUpdate tells whether a new version is installed
// and waiting (`ready`), and apply() switches to it: once this tab's last change is
// saved, the waiting worker takes over and the page reloads.
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

Module.cockpitUpdate = {
  supported: 'serviceWorker' in navigator,
  offline: false,   // a service worker controls this page: the app can start without network
  ready: false,     // a new version is installed and waits for apply()
  registration: null,
  waiting: null,
  start: function () {
    var update = Module.cockpitUpdate;
    if (!update.supported || update.registration) return;
    var sw = navigator.serviceWorker;
    var controlled = function () { update.offline = !!sw.controller; };
    controlled();
    sw.addEventListener('controllerchange', controlled);
    var found = function (worker) {
      // A worker that installed while an older one controls this page is an update; the
      // first install (no controller yet) activates at once and is not.
      if (worker && sw.controller) { update.waiting = worker; update.ready = true; }
    };
    sw.register('sw.js', { updateViaCache: 'none' }).then(function (reg) {
      update.registration = reg;
      if (reg.waiting) found(reg.waiting);
      reg.addEventListener('updatefound', function () {
        var worker = reg.installing;
        if (!worker) return;
        worker.addEventListener('statechange', function () { if (worker.state === 'installed') found(worker); });
      });
    }).catch(function (e) {
      console.warn('cockpit: the service worker did not register: the app needs the network to start', e);
    });
    // Ask for a new version now and then (the browser also does on each visit).
    setInterval(function () { update.check(); }, 60 * 60 * 1000);
  },
  // Looks for a new version now; resolves when the check is done.
  check: function () {
    var reg = Module.cockpitUpdate.registration;
    return reg ? reg.update().catch(function () {}) : Promise.resolve();
  },
  // Switches to the waiting version: waits (up to 15 s) for the last change to reach
  // IndexedDB, then asks the new worker to take over and reloads when it has.
  apply: function () {
    var update = Module.cockpitUpdate;
    if (!update.ready || !update.waiting) return false;
    navigator.serviceWorker.addEventListener('controllerchange', function () { location.reload(); });
    var persist = Module.cockpitPersist;
    var deadline = Date.now() + 15000;
    (function go() {
      if (persist && persist.state() === 1 && Date.now() < deadline) return setTimeout(go, 50);
      update.waiting.postMessage({ type: 'skip-waiting' });
    })();
    return true;
  },
};
