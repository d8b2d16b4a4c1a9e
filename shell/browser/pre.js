// Prepended to cockpit.js (--pre-js): runs before main(). No eval, no inline script.
//  1. Mounts IDBFS at /data and loads it from IndexedDB with FS.syncfs(true); main()
//     waits for it (a run dependency), so the database is never opened, and never
//     flushed, before the stored copy is in memory.
//  2. Fetches the fonts into /fonts and the message templates into /assets (also run
//     dependencies; a missing templates file means the built-in ones).
//  3. Module.cockpitPersist: the flush after a commit, one at a time plus a dirty flag.
//  4. Module.cockpitPublish: the app's probe (frames, view, control rectangles) as
//     window.cockpit, for tests and the page.
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function () {
  var persist = {
    loaded: false,   // the first syncfs(true) succeeded: only then may we write back
    running: false,
    dirty: false,
    failed: false,
    timer: 0,
    state: function () {
      if (!persist.loaded) return 3;                       // disabled
      if (persist.running || persist.dirty) return 1;      // saving
      return persist.failed ? 2 : 0;                       // failed / saved
    },
    request: function () {
      if (!persist.loaded) return;  // never overwrite IndexedDB with an unloaded tree
      persist.dirty = true;
      if (!persist.running) persist.flush();
    },
    flush: function () {
      persist.running = true;
      persist.dirty = false;
      var done = false;
      var finish = function (err) {
        if (done) return;
        done = true;
        clearTimeout(persist.timer);
        persist.running = false;
        persist.failed = !!err;
        if (err) console.warn('cockpit: saving to IndexedDB failed', err);
        if (persist.dirty) persist.flush();
      };
      // Emscripten 3.1.6 never calls back when IndexedDB aborts (quota): give up after
      // 15 s so the next commit can try again.
      persist.timer = setTimeout(function () { finish(new Error('syncfs timed out')); }, 15000);
      FS.syncfs(false, finish);
    },
  };
  Module['cockpitPersist'] = persist;

  addRunDependency('cockpit-idbfs');
  FS.mkdir('/data');
  FS.mount(IDBFS, {}, '/data');
  FS.syncfs(true, function (err) {
    if (err) console.warn('cockpit: IndexedDB unavailable, changes stay in this tab', err);
    persist.loaded = !err;
    removeRunDependency('cockpit-idbfs');
  });

  addRunDependency('cockpit-fonts');
  FS.mkdir('/fonts');
  var fonts = ['Inter-Regular.otf', 'Inter-SemiBold.otf'];
  Promise.all(fonts.map(function (name) {
    return fetch('fonts/' + name).then(function (r) {
      if (!r.ok) throw new Error(name + ': HTTP ' + r.status);
      return r.arrayBuffer();
    }).then(function (buf) { FS.writeFile('/fonts/' + name, new Uint8Array(buf)); });
  })).catch(function (e) {
    console.warn('cockpit: fonts missing, using a fallback', e);
  }).then(function () { removeRunDependency('cockpit-fonts'); });

  addRunDependency('cockpit-templates');
  FS.mkdir('/assets');
  fetch('assets/messages.json').then(function (r) {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.arrayBuffer();
  }).then(function (buf) {
    FS.writeFile('/assets/messages.json', new Uint8Array(buf));
  }).catch(function (e) {
    console.warn('cockpit: no templates file, using the built-in ones', e);
  }).then(function () { removeRunDependency('cockpit-templates'); });
});

Module['cockpitPublish'] = function (json) {
  var probe = JSON.parse(json);
  window.cockpit = probe;
  if (probe.frames === 1) {
    document.body.dataset.ready = '1';
    var status = document.getElementById('status');
    if (status) status.hidden = true;
  }
};

Module['cockpitFail'] = function (message) {
  document.body.dataset.error = message;
  var status = document.getElementById('status');
  if (status) { status.textContent = message; status.hidden = false; }
};
