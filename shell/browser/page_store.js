// Prepended to cockpit.js before pre.js (--pre-js): the device's copy of /data in
// IndexedDB, kept by page. pre.js decides when to save; this file knows the layout.
//
// IndexedDB database "cockpit-pages", version 1:
//   pages  key: chunk index i (a number)  value: Uint8Array, bytes [i*CHUNK, (i+1)*CHUNK)
//          of /data/cockpit.db (the last one may be short)
//   meta   key: "db"                       value: { size, chunk }: the file's length
//   files  key: file name under /data      value: Uint8Array: every other small file (the
//          remembered identity), stored whole
//
// A save is one readwrite transaction: the chunks SQLite changed since the previous
// save (src/store/page_vfs.hpp names them), the size (chunks past it deleted), the small
// files. IndexedDB applies a transaction all or nothing, and transactions over the same
// stores in the order they were made, so the stored copy only ever moves from one
// committed database to a later one. The rollback journal is never stored: between two
// commits it is empty, and the stored copy never needs one.
//
// Before this layout, Emscripten's IDBFS kept each file whole in the database "/data"
// (store FILE_DATA, key = path): readIdbfs() reads that once so the first start after
// the update migrates it (pre.js), after which it is deleted.
Module['cockpitPages'] = (function () {
  var NAME = 'cockpit-pages';
  var CHUNK = 4096;  // store::kSavedChunk
  var STORES = ['pages', 'meta', 'files'];
  var pages = { CHUNK: CHUNK, NAME: NAME, db: null, writes: 0 };

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

  // cb(err, { db: Uint8Array | null, files: { name: Uint8Array } }): what the last save
  // left, read in one transaction (a consistent state).
  pages.load = function (cb) {
    if (!pages.db) return cb(new Error('IndexedDB is not open'));
    var tx = pages.db.transaction(STORES, 'readonly');
    var out = { meta: null, chunks: null, names: null, files: null };
    var get = function (store, method, key, field) {
      var r = key === undefined ? tx.objectStore(store)[method]() : tx.objectStore(store)[method](key);
      r.onsuccess = function () { out[field] = r.result; };
    };
    get('meta', 'get', 'db', 'meta');
    get('pages', 'getAll', undefined, 'chunks');
    get('files', 'getAllKeys', undefined, 'names');
    get('files', 'getAll', undefined, 'files');
    tx.oncomplete = function () {
      var files = {};
      out.names.forEach(function (n, i) { files[n] = out.files[i]; });
      var db;
      try {
        db = out.meta ? assemble(out.meta, out.chunks) : null;
      } catch (e) {
        return cb(e);
      }
      cb(null, { db: db, files: files });
    };
    tx.onerror = tx.onabort = fail(cb, 'reading IndexedDB ' + NAME);
  };

  // The chunks come back in key order, 0 … n-1, every one present (each save writes
  // the chunks that grew the file, and deletes those past its end).
  function assemble(meta, chunks) {
    var bytes = new Uint8Array(meta.size);
    var at = 0;
    for (var i = 0; i < chunks.length && at < meta.size; i++) {
      var c = chunks[i];
      bytes.set(c.length > meta.size - at ? c.subarray(0, meta.size - at) : c, at);
      at += c.length;
    }
    if (at < meta.size) throw new Error('IndexedDB ' + NAME + ' holds ' + at + ' of the database\'s ' + meta.size + ' bytes');
    return bytes;
  }

  // save = { full, size, chunks: [[index, Uint8Array]], files: { name: Uint8Array } }.
  // full: the stored copy is replaced (first save, migration, wipe, after a failure).
  // size < 0: there is no database file (a wipe): its pages and size are deleted.
  // cb(err) once IndexedDB committed (or refused) the transaction.
  pages.commit = function (save, cb) {
    if (!pages.db) return cb(new Error('IndexedDB is not open'));
    var tx;
    try {
      // Strict: IndexedDB flushes to disk before it reports the transaction complete,
      // so "saved on this device" survives a power cut, not just a closed tab.
      tx = pages.db.transaction(STORES, 'readwrite', { durability: 'strict' });
    } catch (e) {
      return cb(e);
    }
    var store = tx.objectStore('pages');
    if (save.full) store.clear();
    save.chunks.forEach(function (c) { store.put(c[1], c[0]); });
    if (save.size >= 0) {
      var n = Math.ceil(save.size / CHUNK);
      store.delete(IDBKeyRange.lowerBound(n));
      tx.objectStore('meta').put({ size: save.size, chunk: CHUNK }, 'db');
    } else {
      store.clear();
      tx.objectStore('meta').delete('db');
    }
    var files = tx.objectStore('files');
    files.clear();
    Object.keys(save.files).forEach(function (name) { files.put(save.files[name], name); });
    tx.oncomplete = function () { pages.writes += save.chunks.length; cb(null); };
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
