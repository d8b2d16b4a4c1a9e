// Prepended to cockpit.js (--pre-js): runs before main(). No eval, no inline script.
//  1. Takes the Web Lock "cockpit-db", then loads IDBFS (/data) from IndexedDB with
//     FS.syncfs(true); main() waits for both (a run dependency), so the database is
//     never opened, and never flushed, before the stored copy is in memory. One tab per
//     browser profile holds the lock for its whole life; another tab of the same
//     profile says so in #status and waits, then loads what the first one saved.
//  2. Fetches the fonts into /fonts and the message templates into /assets (also run
//     dependencies; a missing templates file means the built-in ones).
//  3. Module.cockpitPersist: the flush after a commit, one at a time plus a dirty flag,
//     with a timeout, and with each file's mtime moved past what the last flush saw.
//  4. Module.cockpitWipe: sign-out removes this person's data from the device.
//  5. Module.cockpitStorage: whether the browser promised to keep our storage.
//  6. Module.cockpitPublish: the app's probe (frames, view, control rectangles) as
//     window.cockpit, for tests and the page; the first frame starts the service
//     worker (boot.js).
//  7. Module.cockpitPickFile: the lead's upload of a spreadsheet: a file input opened
//     from the click, the chosen file read into Module.cockpitPicked, which the App
//     takes on its next frame (BrowserPlatform::take_picked_file).
Module['preRun'] = Module['preRun'] || [];
Module['preRun'].push(function () {
  var DATA = '/data';

  function statusText(text) {
    var status = document.getElementById('status');
    if (status) { status.textContent = text; status.hidden = false; }
  }

  // Every file and folder under `dir` (paths), deepest last.
  function entriesUnder(dir, out) {
    out = out || [];
    FS.readdir(dir).forEach(function (name) {
      if (name === '.' || name === '..') return;
      var path = dir + '/' + name;
      var mode;
      try { mode = FS.lstat(path).mode; } catch (e) { return; }
      out.push({ path: path, dir: FS.isDir(mode), file: FS.isFile(mode) });
      if (FS.isDir(mode)) entriesUnder(path, out);
    });
    return out;
  }
  function filesUnder(dir) {
    return entriesUnder(dir).filter(function (e) { return e.file; }).map(function (e) { return e.path; });
  }
  function mtime(path) {
    try { return FS.stat(path).mtime.getTime(); } catch (e) { return -1; }
  }

  // ------------------------------------------------------------ the flush
  // IDBFS (library_idbfs.js, 3.1.6) writes a file to IndexedDB only when its mtime
  // differs from the one stored with the last copy, and MEMFS stamps a write with
  // Date.now() in whole milliseconds. Two commits in the same millisecond on either side
  // of a flush's read would leave the second one unsaved, silently. So request() moves
  // each file's mtime strictly past `seen` (the highest mtime any flush could have read
  // for it: what was loaded, what request() set, what a flush ended on); mtimes may run
  // a few ms ahead of the clock, which nothing reads. It also covers a clock moved back.
  // Every file under /data is stamped (the app cannot say which ones a commit touched;
  // today that is the database and its small identity file, rewritten anyway): a caller
  // that knows passes the paths.
  var persist = {
    loaded: false,   // the first syncfs(true) succeeded: only then may we write back
    running: false,
    dirty: false,
    failed: false,
    timer: 0,
    timeoutMs: 15000,
    flushes: 0,      // flushes that succeeded (tests read it)
    wiping: 0,       // wipes not finished: state() reports saving until they are
    wipes: [],       // wipes waiting for a flush that starts after them
    seen: {},        // path -> highest mtime (ms) a flush may have stored for it
    state: function () {
      if (persist.wiping) return 1;                        // saving (the wipe)
      if (!persist.loaded) return 3;                       // disabled
      if (persist.running || persist.dirty) return 1;      // saving
      return persist.failed ? 2 : 0;                       // failed / saved
    },
    request: function (paths) {
      if (!persist.loaded) return;  // never overwrite IndexedDB with an unloaded tree
      persist.stamp(paths || filesUnder(DATA));
      persist.dirty = true;
      if (!persist.running) persist.flush();
    },
    stamp: function (paths) {
      paths.forEach(function (path) {
        var t = mtime(path);
        if (t < 0) return;
        var floor = (persist.seen[path] || 0) + 1;
        if (t < floor) { FS.utime(path, floor, floor); t = floor; }
        persist.seen[path] = t;
      });
    },
    // Records the mtime of every file as one a flush may have stored.
    note: function () {
      filesUnder(DATA).forEach(function (path) {
        persist.seen[path] = Math.max(persist.seen[path] || 0, mtime(path));
      });
    },
    flush: function () {
      persist.running = true;
      persist.dirty = false;
      var wipes = persist.wipes;
      persist.wipes = [];
      var done = false;
      var finish = function (err) {
        if (done) return;
        done = true;
        clearTimeout(persist.timer);
        persist.running = false;
        persist.failed = !!err;
        persist.note();
        if (err) console.warn('cockpit: saving to IndexedDB failed', err);
        else persist.flushes++;
        wipes.forEach(function (settle) { settle(!err); });
        if (persist.dirty || persist.wipes.length) persist.flush();
      };
      // Emscripten 3.1.6 never calls back when IndexedDB aborts (quota): give up after
      // 15 s so the next commit can try again.
      persist.timer = setTimeout(function () { finish(new Error('syncfs timed out')); }, persist.timeoutMs);
      try { FS.syncfs(false, finish); } catch (e) { finish(e); }
    },
  };
  Module['cockpitPersist'] = persist;

  // ------------------------------------------------------------ sign-out's wipe
  // Removes every file and folder under /data, then flushes, so IndexedDB keeps none of
  // this person's data. The caller closes the database first. Resolves true once that
  // flush succeeded (false if it failed: the next commit's flush finishes the job);
  // persist.state() says saving (1) until then.
  Module['cockpitWipe'] = function () {
    persist.wiping++;
    entriesUnder(DATA).reverse().forEach(function (e) {
      try {
        if (e.dir) FS.rmdir(e.path); else FS.unlink(e.path);
      } catch (err) {
        console.warn('cockpit: could not remove ' + e.path, err);
      }
    });
    return new Promise(function (resolve) {
      var settle = function (ok) {
        persist.wiping--;
        if (!ok) console.warn('cockpit: the wipe did not reach IndexedDB yet');
        resolve(ok);
      };
      if (persist.loaded) {
        persist.wipes.push(settle);
        if (!persist.running) persist.flush();
      } else if (Module['cockpitLock'] === 'waiting') {
        settle(false);  // another tab owns the database: not ours to delete
      } else {
        // IndexedDB never loaded here: delete its database (IDBFS names it after the
        // mount point) rather than leave whatever it holds.
        try {
          var req = indexedDB.deleteDatabase(DATA);
          req.onsuccess = function () { settle(true); };
          req.onerror = function () { settle(false); };
        } catch (err) {
          settle(false);
        }
      }
    });
  };

  // ------------------------------------------------------------ one tab owns the data
  // Two tabs would each hold their own copy of the database and the last flush would
  // win. The Web Lock is held until the page goes away (the callback's promise never
  // settles); a second tab waits for it and only then loads IndexedDB, fresh.
  var WAITING = 'Cockpit is open in another tab of this browser. This tab takes over when that one closes.';
  function withDatabaseLock(start) {
    var started = false;
    var begin = function () {
      if (started) return;
      started = true;
      start();
    };
    var locks = navigator.locks;
    if (!locks || typeof locks.request !== 'function') {
      console.warn('cockpit: no Web Locks in this browser (navigator.locks): starting without one; ' +
                   'another tab of Cockpit could overwrite this one\'s changes');
      Module['cockpitLock'] = 'unsupported';
      return begin();
    }
    var hold = function () {
      Module['cockpitLock'] = 'held';
      if (document.body.dataset.waiting) {
        delete document.body.dataset.waiting;
        statusText('Loading Cockpit\u2026');
      }
      begin();
      return new Promise(function () {});  // held for the life of the page
    };
    var failed = function (e) {
      if (started) return;
      console.warn('cockpit: the Web Lock failed, starting without it', e);
      Module['cockpitLock'] = 'unsupported';
      begin();
    };
    Module['cockpitLock'] = 'requesting';
    locks.request('cockpit-db', { ifAvailable: true }, function (lock) {
      if (lock) return hold();
      Module['cockpitLock'] = 'waiting';
      document.body.dataset.waiting = 'another-tab';
      statusText(WAITING);
      console.log('cockpit: ' + WAITING);
      locks.request('cockpit-db', hold).catch(failed);
      return undefined;  // nothing held: the lock is the other tab's
    }).catch(failed);
  }

  addRunDependency('cockpit-idbfs');
  FS.mkdir(DATA);
  FS.mount(IDBFS, {}, DATA);
  withDatabaseLock(function () {
    FS.syncfs(true, function (err) {
      if (err) console.warn('cockpit: IndexedDB unavailable, changes stay in this tab', err);
      persist.loaded = !err;
      if (!err) persist.note();  // the mtimes IndexedDB holds
      removeRunDependency('cockpit-idbfs');
    });
  });

  // ------------------------------------------------------------ will the browser keep it?
  // Browsers may evict an origin's storage under pressure unless it is "persistent".
  // Asked once per start; `state`: pending, granted, denied or unsupported.
  var storage = { state: 'pending', persisted: null, estimate: null };
  Module['cockpitStorage'] = storage;
  var st = navigator.storage;
  if (st && typeof st.persist === 'function') {
    (typeof st.persisted === 'function' ? st.persisted() : Promise.resolve(false)).then(function (already) {
      return already || st.persist();
    }).then(function (granted) {
      storage.persisted = !!granted;
      storage.state = granted ? 'granted' : 'denied';
    }, function (e) {
      storage.state = 'unsupported';
      console.warn('cockpit: navigator.storage.persist() failed', e);
    });
    if (typeof st.estimate === 'function') {
      st.estimate().then(function (e) { storage.estimate = { usage: e.usage, quota: e.quota }; }, function () {});
    }
  } else {
    storage.state = 'unsupported';
  }

  // ------------------------------------------------------------ fonts and templates
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
    if (Module.cockpitUpdate) Module.cockpitUpdate.start();  // boot.js: the service worker
  }
};

Module['cockpitFail'] = function (message) {
  document.body.dataset.error = message;
  var status = document.getElementById('status');
  if (status) { status.textContent = message; status.hidden = false; }
};

// The file picker for the lead's upload. Opened within the click's user activation (the
// App asks in the frame right after the click). A file larger than the CSV reader takes
// (64 MiB, src/domain/csv.hpp) is refused without being read.
Module['cockpitPicked'] = null;
Module['cockpitPickFile'] = function () {
  var input = document.createElement('input');
  input.type = 'file';
  input.accept = '.csv,text/csv,text/plain';
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    if (file.size > 64 * 1024 * 1024) {
      Module['cockpitPicked'] = {name: file.name, bytes: new Uint8Array(0),
                                 error: file.name + ': ' + file.size + ' bytes, more than the limit of 67108864'};
      return;
    }
    file.arrayBuffer().then(function (buf) {
      Module['cockpitPicked'] = {name: file.name, bytes: new Uint8Array(buf), error: ''};
    }, function (e) {
      Module['cockpitPicked'] = {name: file.name, bytes: new Uint8Array(0), error: 'cannot read ' + file.name + ': ' + e};
    });
  });
  input.click();
};
