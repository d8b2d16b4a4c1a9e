// Prepended to cockpit.js (--pre-js, after page_store.js): runs before main(). No eval,
// no inline script.
//  1. Takes the Web Lock "cockpit-db", then loads the device's copy of /data from
//     IndexedDB (page_store.js: the database by page, small files whole) into the
//     in-memory file system; main() waits for both (a run dependency), so the database is
//     never opened, and never saved, before the stored copy is in memory. A copy kept by
//     the earlier layout (IDBFS) is migrated on that first start. One tab per browser
//     profile holds the lock for its whole life; another tab of the same profile says so
//     in #status and waits, then loads what the first one saved.
//  2. Fetches the fonts into /fonts and the message templates into /assets (also run
//     dependencies; a missing templates file means the built-in ones).
//  3. Module.cockpitPersist: the save after a commit: the chunks SQLite changed (the
//     shell passes what src/store/page_vfs.hpp noted), one save at a time plus a dirty
//     flag, with a timeout.
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
  var DB = DATA + '/cockpit.db';  // ui::AppConfig::db_path in shell/browser/main.cpp
  var pages = Module['cockpitPages'];

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
  function dbSize() {
    try { return FS.stat(DB).size; } catch (e) { return -1; }
  }
  // Every file directly under /data but the database and its journals, whole: the
  // remembered identity and the like, a few bytes each.
  function smallFiles() {
    var out = {};
    entriesUnder(DATA).forEach(function (e) {
      var name = e.path.substring(DATA.length + 1);
      if (!e.file || e.path === DB || name.indexOf('/') >= 0 || /-(journal|wal|shm)$/.test(name)) return;
      out[name] = FS.readFile(e.path);
    });
    return out;
  }
  function writeFile(path, bytes) {
    var dir = path.substring(0, path.lastIndexOf('/'));
    if (dir) FS.mkdirTree(dir);
    FS.writeFile(path, bytes, { canOwn: true });
  }

  // ------------------------------------------------------------ the save
  // After a commit the shell passes the chunk indexes SQLite wrote (request). A save
  // copies those chunks of the in-memory file as they are now (a committed state: no
  // transaction stays open across frames) and hands them to page_store.js in one
  // IndexedDB transaction. A failed save puts its chunks back, so the next one carries
  // them. A full save (first save, migration, wipe, after a failed compaction) and a save
  // that would grow the overlay past compactShare of the file (at least compactMin chunks)
  // compact instead: the whole file becomes the stored base (page_store.js says why).
  var persist = {
    loaded: false,   // the stored copy was read: only then may we write back
    running: false,
    dirty: false,
    failed: false,
    full: false,
    migrating: false,  // the IDBFS copy goes once the first save of its data succeeded
    pending: new Set(),  // chunks written since the last save began
    overlay: new Set(),  // chunks stored beside the base
    floor: 0,            // the least size since the base (page_store.js's meta.floor)
    compactShare: 1 / 16,
    compactMin: 256,
    timer: 0,
    timeoutMs: 15000,
    flushes: 0,      // saves that succeeded (tests read it)
    compactions: 0,
    last: null,      // the last successful save: { chunks, bytes, ms, full }
    wiping: 0,       // wipes not finished: state() reports saving until they are
    wipes: [],       // wipes waiting for a save that starts after them
    state: function () {
      if (persist.wiping) return 1;                        // saving (the wipe)
      if (!persist.loaded) return 3;                       // disabled
      if (persist.running || persist.dirty) return 1;      // saving
      return persist.failed ? 2 : 0;                       // failed / saved
    },
    request: function (chunks) {
      if (!persist.loaded) return;  // never overwrite IndexedDB with an unloaded tree
      if (chunks) for (var i = 0; i < chunks.length; i++) persist.pending.add(chunks[i]);
      persist.dirty = true;
      if (!persist.running) persist.flush();
    },
    // What one save writes, read from the in-memory files now.
    collect: function () {
      var size = dbSize(), CHUNK = pages.CHUNK;
      var n = size < 0 ? 0 : Math.ceil(size / CHUNK);
      var wanted = [];
      persist.pending.forEach(function (c) { if (c < n) wanted.push(c); });
      var grown = wanted.filter(function (c) { return !persist.overlay.has(c); }).length;
      var compact = size >= 0 && (persist.full || persist.overlay.size + grown > Math.max(persist.compactMin, n * persist.compactShare));
      var save = { full: persist.full, size: size, floor: Math.min(persist.floor, Math.max(size, 0)), base: null,
                   chunks: [], bytes: 0, files: smallFiles() };
      persist.pending = new Set();
      if (size >= 0) persist.full = false;  // with no file yet, the first save that has one is full
      if (compact) {
        save.base = FS.readFile(DB);  // a copy
        save.floor = size;
        save.bytes = size;
        return save;
      }
      if (wanted.length) {
        var stream = FS.open(DB, 'r');
        try {
          wanted.forEach(function (c) {
            var len = Math.min(CHUNK, size - c * CHUNK);
            var buf = new Uint8Array(len);
            FS.read(stream, buf, 0, len, c * CHUNK);
            save.chunks.push([c, buf]);
            save.bytes += len;
          });
        } finally {
          FS.close(stream);
        }
      }
      return save;
    },
    // What the store holds after `save` succeeded.
    saved: function (save) {
      if (save.base || save.size < 0) persist.overlay = new Set();
      if (save.base) persist.compactions++;
      save.chunks.forEach(function (c) { persist.overlay.add(c[0]); });
      var n = Math.ceil(Math.max(save.size, 0) / pages.CHUNK);
      persist.overlay.forEach(function (c) { if (c >= n) persist.overlay.delete(c); });
      persist.floor = save.floor;
    },
    flush: function () {
      persist.running = true;
      persist.dirty = false;
      var wipes = persist.wipes;
      persist.wipes = [];
      var done = false, started = performance.now(), save = null;
      var finish = function (err) {
        if (done) return;
        done = true;
        clearTimeout(persist.timer);
        persist.running = false;
        persist.failed = !!err;
        if (err) {
          console.warn('cockpit: saving to IndexedDB failed', err);
          if (save) save.chunks.forEach(function (c) { persist.pending.add(c[0]); });
          if (!save || save.base || save.size < 0) persist.full = true;
        } else {
          persist.saved(save);
          persist.flushes++;
          persist.last = { chunks: save.chunks.length, bytes: save.bytes, ms: performance.now() - started,
                           full: !!save.base };
          if (persist.migrating) { persist.migrating = false; pages.dropIdbfs(); }
        }
        wipes.forEach(function (settle) { settle(!err); });
        if (persist.dirty || persist.wipes.length) persist.flush();
      };
      // A transaction that never settles (a browser bug, a stuck disk) must not leave
      // every later save waiting: give up after 15 s so the next commit tries again.
      persist.timer = setTimeout(function () { finish(new Error('the save timed out')); }, persist.timeoutMs);
      try {
        save = persist.collect();
        pages.commit(save, finish);
      } catch (e) {
        finish(e);
      }
    },
  };
  Module['cockpitPersist'] = persist;

  // ------------------------------------------------------------ sign-out's wipe
  // Removes every file and folder under /data, then saves in full, so IndexedDB keeps
  // none of this person's data. The caller closes the database first. Resolves true once
  // that save succeeded (false if it failed: the next commit's save, full again, finishes
  // the job); persist.state() says saving (1) until then.
  Module['cockpitWipe'] = function () {
    persist.wiping++;
    entriesUnder(DATA).reverse().forEach(function (e) {
      try {
        if (e.dir) FS.rmdir(e.path); else FS.unlink(e.path);
      } catch (err) {
        console.warn('cockpit: could not remove ' + e.path, err);
      }
    });
    persist.pending = new Set();
    persist.full = true;
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
        // IndexedDB never loaded here: delete its databases rather than leave whatever
        // they hold.
        try {
          pages.close();
          pages.dropIdbfs();
          var req = indexedDB.deleteDatabase(pages.NAME);
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

  // ------------------------------------------------------------ the stored copy
  // The copy kept by page (page_store.js), or else the one IDBFS kept (migrated: saved
  // in full at once, the IDBFS database deleted once that save succeeded), or else
  // nothing (a new device). Without IndexedDB the app runs with "not saved" shown.
  function place(files) {
    Object.keys(files).forEach(function (path) { writeFile(path, files[path]); });
  }
  function loadStored(done) {
    pages.open(function (err) {
      if (err) return done(err);
      pages.load(function (err, stored) {
        if (err) return done(err);
        Object.keys(stored.files).forEach(function (name) { writeFile(DATA + '/' + name, stored.files[name]); });
        if (stored.db) {
          writeFile(DB, stored.db);
          persist.overlay = new Set(stored.overlay);
          persist.floor = stored.floor;
          pages.dropIdbfs();  // a migration whose deletion did not happen yet
          return done(null, false);
        }
        persist.full = true;  // nothing stored: the first save writes the whole file
        pages.readIdbfs(function (err, old) {
          if (err) console.warn('cockpit: the earlier IDBFS copy could not be read', err);
          if (!old) return done(null, false);
          place(old);
          persist.migrating = true;
          done(null, true);
        });
      });
    });
  }

  addRunDependency('cockpit-storage');
  FS.mkdir(DATA);
  withDatabaseLock(function () {
    var started = performance.now();
    loadStored(function (err, migrated) {
      if (err) console.warn('cockpit: IndexedDB unavailable, changes stay in this tab', err);
      persist.loadMs = performance.now() - started;  // the benchmark reports it
      persist.loaded = !err;
      if (migrated) persist.request();
      removeRunDependency('cockpit-storage');
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
