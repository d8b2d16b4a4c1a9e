#include "store/page_vfs.hpp"

#include <sqlite3.h>

#include <map>
#include <mutex>
#include <set>

namespace cockpit::store {

namespace {

// Main database files by full path -> chunks changed since they were last taken. Kept
// after a file closes: the browser takes them after the commit, whatever the connection
// did since. A node's address is stable, so open files point at their set.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::set<std::uint32_t>> changed;
};
Registry& registry() {
  static Registry r;
  return r;
}

sqlite3_vfs* g_root = nullptr;  // the VFS this one passes everything to
sqlite3_vfs g_vfs{};

// A file of ours: SQLite allocates szOsFile bytes; the real file follows this header.
struct TrackedFile {
  sqlite3_file base;
  std::set<std::uint32_t>* changed;  // null: not a main database file
  sqlite3_file* real;
};
TrackedFile* self(sqlite3_file* f) { return reinterpret_cast<TrackedFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return self(f)->real; }

void note(TrackedFile* f, sqlite3_int64 from, sqlite3_int64 to) {  // bytes [from, to)
  if (!f->changed || to <= from) return;
  std::lock_guard lock(registry().mutex);
  for (auto c = static_cast<std::uint64_t>(from) / kSavedChunk; c <= static_cast<std::uint64_t>(to - 1) / kSavedChunk; ++c)
    f->changed->insert(static_cast<std::uint32_t>(c));
}

int x_close(sqlite3_file* f) {
  const int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int x_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  const int rc = real(f)->pMethods->xWrite(real(f), data, amount, offset);
  if (rc == SQLITE_OK) note(self(f), offset, offset + amount);
  return rc;
}
// A cut inside a chunk changes that chunk; chunks past the end are dropped by size (the
// browser deletes what lies beyond the file's size).
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  const int rc = real(f)->pMethods->xTruncate(real(f), size);
  if (rc == SQLITE_OK && size % kSavedChunk != 0) note(self(f), size, size + 1);
  return rc;
}

// The rest passes through unchanged.
int x_read(sqlite3_file* f, void* d, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), d, n, o); }
int x_sync(sqlite3_file* f, int flags) { return real(f)->pMethods->xSync(real(f), flags); }
int x_size(sqlite3_file* f, sqlite3_int64* s) { return real(f)->pMethods->xFileSize(real(f), s); }
int x_lock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int x_unlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int x_reserved(sqlite3_file* f, int* r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); }
int x_control(sqlite3_file* f, int op, void* a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
int x_sector(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int pg, int sz, int ext, void volatile** p) {
  const auto* m = real(f)->pMethods;
  return m->iVersion >= 2 && m->xShmMap ? m->xShmMap(real(f), pg, sz, ext, p) : SQLITE_IOERR_SHMMAP;
}
int x_shm_lock(sqlite3_file* f, int o, int n, int fl) {
  const auto* m = real(f)->pMethods;
  return m->iVersion >= 2 && m->xShmLock ? m->xShmLock(real(f), o, n, fl) : SQLITE_IOERR_SHMLOCK;
}
void x_shm_barrier(sqlite3_file* f) {
  const auto* m = real(f)->pMethods;
  if (m->iVersion >= 2 && m->xShmBarrier) m->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int del) {
  const auto* m = real(f)->pMethods;
  return m->iVersion >= 2 && m->xShmUnmap ? m->xShmUnmap(real(f), del) : SQLITE_OK;
}
// Memory-mapped reads only: SQLite writes through xWrite unless built with
// SQLITE_MMAP_READWRITE, which neither build uses.
int x_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) {
  const auto* m = real(f)->pMethods;
  if (m->iVersion >= 3 && m->xFetch) return m->xFetch(real(f), o, n, p);
  *p = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) {
  const auto* m = real(f)->pMethods;
  return m->iVersion >= 3 && m->xUnfetch ? m->xUnfetch(real(f), o, p) : SQLITE_OK;
}

const sqlite3_io_methods kMethods = {
    3,       x_close,  x_read,   x_write,       x_truncate,  x_sync,   x_size,     x_lock,
    x_unlock, x_reserved, x_control, x_sector,  x_device,    x_shm_map, x_shm_lock, x_shm_barrier,
    x_shm_unmap, x_fetch, x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  TrackedFile* f = self(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->changed = nullptr;
  const int rc = g_root->xOpen(g_root, name, f->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set: set it exactly when the real one is.
  file->pMethods = f->real->pMethods ? &kMethods : nullptr;
  if (rc == SQLITE_OK && name && (flags & SQLITE_OPEN_MAIN_DB)) {
    std::lock_guard lock(registry().mutex);
    f->changed = &registry().changed[name];
  }
  return rc;
}
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_root->xDelete(g_root, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_root->xAccess(g_root, name, flags, out); }
int x_full_path(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_root->xFullPathname(g_root, name, n, out);
}

}  // namespace

bool install_page_tracking_vfs() {
  static const bool installed = [] {
    if (sqlite3_initialize() != SQLITE_OK) return false;
    g_root = sqlite3_vfs_find(nullptr);
    if (!g_root) return false;
    // The root's other methods (randomness, time, sleep, dynamic loading) read nothing
    // of the VFS they are given beyond what this copy keeps.
    g_vfs = *g_root;
    g_vfs.zName = "cockpit-pages";
    g_vfs.szOsFile = static_cast<int>(sizeof(TrackedFile)) + g_root->szOsFile;
    g_vfs.pNext = nullptr;
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_path;
    return sqlite3_vfs_register(&g_vfs, 1) == SQLITE_OK;
  }();
  return installed;
}

std::vector<std::uint32_t> take_changed_chunks(const std::string& path) {
  std::string full(static_cast<std::size_t>(g_root ? g_root->mxPathname : 0) + 1, '\0');
  if (!g_root || g_root->xFullPathname(g_root, path.c_str(), static_cast<int>(full.size()), full.data()) != SQLITE_OK)
    return {};
  full.resize(full.find('\0'));
  std::lock_guard lock(registry().mutex);
  const auto it = registry().changed.find(full);
  if (it == registry().changed.end()) return {};
  std::vector<std::uint32_t> out(it->second.begin(), it->second.end());
  it->second.clear();
  return out;
}

}  // namespace cockpit::store
