// Prepended to cockpit.js before pre.js (--pre-js): the device's copy of /data in
// IndexedDB, kept by page. pre.js decides when to save and what; this file knows the
// layout.
//
// IndexedDB database "cockpit-pages", version 1:
//   base   key "db"                  value: Blob, the whole of /data/cockpit.db as it was
//                                     at the last compaction
//   pages  key: chunk index i         value: Uint8Array, bytes [i*CHUNK, (i+1)*CHUNK) of
//                                     the database as of the last save (the last one may
//                                     be short): every chunk changed since the base
//   meta   key "db"                  value: { size, floor, chunk }: the file's length, and
//                                     the least length it had since the base (the base's
//                                     bytes past `floor` are stale: every chunk from
//                                     there on is in `pages`)
//   files  key: file name under /data value: Uint8Array: every other small file (the
//                                     remembered identity), stored whole
//
// A save is one readwrite transaction: the chunks SQLite changed since the previous save
// (src/store/page_vfs.hpp names them), the size, the small files. IndexedDB applies a
// transaction all or nothing, and transactions over the same stores in the order they
// were made, so the stored copy only moves from one committed database to a later one.
// The rollback journal is never stored: between two commits it is empty.
//
// Why a base and an overlay: a start reads one Blob fast (tens of MB in a few hundred
// ms), whereas reading thousands of 4 KiB records costs about 0.2 ms each; a save writes
// 4 KiB records, whereas rewriting the Blob costs the whole file. So saves add chunks to
// the overlay, and when it grows past a share of the file (pre.js) one save compacts:
// it writes the file as the new base and empties the overlay.
//
// Before this layout, Emscripten's IDBFS kept each file whole in the database "/data"
// (store FILE_DATA, key = path): readIdbfs() reads that once so the first start after
// the update migrates it (pre.js), after which it is deleted.
Module['cockpitPages'] = (function () {
  var NAME = 'cockpit-pages';
  var CHUNK = 4096;  // store::kSavedChunk
  var STORES = ['base', 'pages', 'meta', 'files'];
  // durability: strict makes IndexedDB flush to disk before it reports a transaction
  // complete, so "saved on this device" survives a power cut, not just a closed tab.
  var pages = { CHUNK: CHUNK, NAME: NAME, db: null, durability: 'strict' };

  function fail(cb, what) {
    return function (e) { cb(new Error(what + ': ' + ((e && e.target && e.target.error) || e))); };
  }

  pages.open = function (cb) {
    var req;
    try {
      req = indexedDB.open(NAME, 1);
    } catch (e) {
      return cb(e);
    }
    req.onupgradeneeded = function () {
      var db = req.result;
      STORES.forEach(function (s) { if (!db.objectStoreNames.contains(s)) db.createObjectStore(s); });
    };
    req.onsuccess = function () {
      pages.db = req.result;
      // Another page's deleteDatabase or a newer version: let it proceed; the next save
      // reports the failure (this tab holds the Web Lock, so that is a wipe by the user).
      pages.db.onversionchange = function () { pages.db.close(); pages.db = null; };
      cb(null);
    };
    req.onerror = fail(cb, 'opening IndexedDB ' + NAME);
    req.onblocked = function () { console.warn('cockpit: IndexedDB ' + NAME + ' is blocked by another connection'); };
  };

  pages.close = function () {
    if (pages.db) pages.db.close();
    pages.db = null;
  };

  // cb(err, { db: Uint8Array | null, overlay: [chunk indexes], floor, files: { name:
  // Uint8Array } }): what the last save left, read in one transaction (a consistent
  // state); the base's bytes are read after it, from its Blob.
  pages.load = function (cb) {
    if (!pages.db) return cb(new Error('IndexedDB is not open'));
    var tx = pages.db.transaction(STORES, 'readonly');
    var out = {};
    var get = function (store, method, key, field) {
      var r = key === undefined ? tx.objectStore(store)[method]() : tx.objectStore(store)[method](key);
      r.onsuccess = function () { out[field] = r.result; };
    };
    get('meta', 'get', 'db', 'meta');
    get('base', 'get', 'db', 'base');
    get('pages', 'getAllKeys', undefined, 'keys');
    get('pages', 'getAll', undefined, 'chunks');
    get('files', 'getAllKeys', undefined, 'names');
    get('files', 'getAll', undefined, 'files');
    tx.onerror = tx.onabort = fail(cb, 'reading IndexedDB ' + NAME);
    tx.oncomplete = function () {
      var files = {};
      out.names.forEach(function (n, i) { files[n] = out.files[i]; });
      var done = function (base) {
        var db;
        try {
          db = out.meta ? assemble(out.meta, base, out.keys, out.chunks) : null;
        } catch (e) {
          return cb(e);
        }
        cb(null, { db: db, overlay: out.keys, floor: out.meta ? out.meta.floor : 0, files: files });
      };
      if (!out.meta || !out.base) return done(null);
      out.base.arrayBuffer().then(function (b) { done(new Uint8Array(b)); }, fail(cb, 'reading the stored database'));
    };
  };

  // The base up to `floor`, every overlay chunk on top; each chunk from `floor` to the
  // end must be in the overlay (a save writes every chunk the file grew by).
  function assemble(meta, base, keys, chunks) {
    var bytes = new Uint8Array(meta.size);
    var floor = Math.min(meta.floor, meta.size);
    if (floor > 0) {
      if (!base || base.length < floor) throw new Error('IndexedDB ' + NAME + ': the stored base is shorter than ' + floor + ' bytes');
      bytes.set(base.subarray(0, floor));
    }
    var covered = new Set();
    keys.forEach(function (k, i) {
      var at = k * CHUNK;
      if (at >= meta.size) return;
      var c = chunks[i];
      bytes.set(c.length > meta.size - at ? c.subarray(0, meta.size - at) : c, at);
      covered.add(k);
    });
    for (var k = Math.floor(floor / CHUNK); k * CHUNK < meta.size; k++) {
      if (!covered.has(k)) throw new Error('IndexedDB ' + NAME + ': chunk ' + k + ' of the database is missing');
    }
    return bytes;
  }

  // save = { base: Uint8Array | null, size, floor, chunks: [[index, Uint8Array]],
  //          files: { name: Uint8Array } }
  // base: a compaction: the whole file becomes the base, the overlay is emptied.
  // size < 0: there is no database file (a wipe): base, overlay and size are deleted.
  // cb(err) once IndexedDB committed (or refused) the transaction.
  pages.commit = function (save, cb) {
    if (!pages.db) return cb(new Error('IndexedDB is not open'));
    var tx;
    try {
      tx = pages.db.transaction(STORES, 'readwrite', { durability: pages.durability });
    } catch (e) {
      return cb(e);
    }
    var overlay = tx.objectStore('pages');
    if (save.size < 0) {
      tx.objectStore('base').clear();
      overlay.clear();
      tx.objectStore('meta').delete('db');
    } else {
      if (save.base) {
        tx.objectStore('base').put(new Blob([save.base]), 'db');
        overlay.clear();
      }
      save.chunks.forEach(function (c) { overlay.put(c[1], c[0]); });
      overlay.delete(IDBKeyRange.lowerBound(Math.ceil(save.size / CHUNK)));
      tx.objectStore('meta').put({ size: save.size, floor: save.floor, chunk: CHUNK }, 'db');
    }
    var files = tx.objectStore('files');
    files.clear();
    Object.keys(save.files).forEach(function (name) { files.put(save.files[name], name); });
    tx.oncomplete = function () { cb(null); };
    tx.onerror = tx.onabort = fail(cb, 'saving to IndexedDB ' + NAME);
  };

  // cb(err, files | null): { '/data/…': Uint8Array } as IDBFS kept them, or null when
  // there is no IDBFS database. Opening without a version creates a missing database:
  // the upgrade that would create it is aborted instead.
  pages.readIdbfs = function (cb) {
    var req, created = false;
    try {
      req = indexedDB.open('/data');
    } catch (e) {
      return cb(e);
    }
    req.onupgradeneeded = function () { created = true; req.transaction.abort(); };
    req.onerror = function (e) {
      if (created) { e.preventDefault(); return cb(null, null); }
      cb(new Error('reading IDBFS\'s /data: ' + req.error));
    };
    req.onsuccess = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains('FILE_DATA')) { db.close(); return cb(null, null); }
      var tx = db.transaction(['FILE_DATA'], 'readonly');
      var keys = tx.objectStore('FILE_DATA').getAllKeys();
      var values = tx.objectStore('FILE_DATA').getAll();
      tx.oncomplete = function () {
        db.close();
        var files = {};
        keys.result.forEach(function (k, i) {
          var v = values.result[i];
          if (v && v.contents && String(k).indexOf('/data/') === 0) files[k] = new Uint8Array(v.contents);
        });
        cb(null, files);
      };
      tx.onerror = tx.onabort = function () { db.close(); cb(new Error('reading IDBFS\'s /data: ' + tx.error)); };
    };
  };

  pages.dropIdbfs = function () {
    try {
      indexedDB.deleteDatabase('/data');
    } catch (e) {
      console.warn('cockpit: could not delete the old IDBFS database', e);
    }
  };

  return pages;
})();
