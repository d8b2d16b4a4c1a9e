#include "server/sqlite_wal_batch.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace cockpit::server {

namespace {

// Gathered appends are written once they reach this size, so a huge transaction's
// spills do not pile up in memory.
constexpr std::size_t kMaxGathered = 1u << 20;
// The default VFS writes at most 128 KiB - 1 per call (it masks the length with 0x1ffff
// in seekAndWriteFd), so larger buffers go out in pieces of 124 KiB.
constexpr std::size_t kMaxWrite = 0x1f000;

struct Gathered {
  std::string bytes;
  sqlite3_int64 start = 0;  // file offset of bytes[0]
};

// SQLite allocates szOsFile bytes per open file: this header, then the wrapped file.
struct BatchFile {
  sqlite3_file base;
  sqlite3_file* real;
  Gathered* gathered;
};

sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;
const sqlite3_io_methods* real_methods(sqlite3_file* f) { return reinterpret_cast<BatchFile*>(f)->real->pMethods; }
sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<BatchFile*>(f)->real; }

int flush(sqlite3_file* f) {
  auto* bf = reinterpret_cast<BatchFile*>(f);
  Gathered& g = *bf->gathered;
  if (g.bytes.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t at = 0; at < g.bytes.size() && rc == SQLITE_OK; at += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, g.bytes.size() - at);
    rc = bf->real->pMethods->xWrite(bf->real, g.bytes.data() + at, static_cast<int>(n),
                                    g.start + static_cast<sqlite3_int64>(at));
  }
  g.bytes.clear();  // on failure too: SQLite rolls the transaction back and rewrites
  return rc;
}

int x_close(sqlite3_file* f) {
  auto* bf = reinterpret_cast<BatchFile*>(f);
  const int flushed = flush(f);
  delete bf->gathered;
  const int rc = bf->real->pMethods->xClose(bf->real);
  return flushed != SQLITE_OK ? flushed : rc;
}

int x_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
  Gathered& g = *reinterpret_cast<BatchFile*>(f)->gathered;
  if (!g.bytes.empty() && at != g.start + static_cast<sqlite3_int64>(g.bytes.size())) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (g.bytes.empty()) g.start = at;
  g.bytes.append(static_cast<const char*>(data), static_cast<std::size_t>(n));
  return g.bytes.size() >= kMaxGathered ? flush(f) : SQLITE_OK;
}

// Every other operation sees the file as if each write had reached it.
#define COCKPIT_FLUSH_FIRST(call) \
  if (const int rc = flush(f); rc != SQLITE_OK) return rc; \
  return real_methods(f)->call

int x_read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) { COCKPIT_FLUSH_FIRST(xRead(real_of(f), out, n, at)); }
int x_truncate(sqlite3_file* f, sqlite3_int64 size) { COCKPIT_FLUSH_FIRST(xTruncate(real_of(f), size)); }
int x_sync(sqlite3_file* f, int flags) { COCKPIT_FLUSH_FIRST(xSync(real_of(f), flags)); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { COCKPIT_FLUSH_FIRST(xFileSize(real_of(f), size)); }
int x_file_control(sqlite3_file* f, int op, void* arg) { COCKPIT_FLUSH_FIRST(xFileControl(real_of(f), op, arg)); }
int x_fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** p) { COCKPIT_FLUSH_FIRST(xFetch(real_of(f), at, n, p)); }
#undef COCKPIT_FLUSH_FIRST

int x_lock(sqlite3_file* f, int level) { return real_methods(f)->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_methods(f)->xUnlock(real_of(f), level); }
int x_reserved(sqlite3_file* f, int* out) { return real_methods(f)->xCheckReservedLock(real_of(f), out); }
int x_sector_size(sqlite3_file* f) { return real_methods(f)->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_methods(f)->xDeviceCharacteristics(real_of(f)); }
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** p) {
  return real_methods(f)->xShmMap(real_of(f), region, size, extend, p);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real_methods(f)->xShmLock(real_of(f), offset, n, flags); }
void x_shm_barrier(sqlite3_file* f) { real_methods(f)->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int del) { return real_methods(f)->xShmUnmap(real_of(f), del); }
int x_unfetch(sqlite3_file* f, sqlite3_int64 at, void* p) { return real_methods(f)->xUnfetch(real_of(f), at, p); }

sqlite3_vfs* real_vfs() { return static_cast<sqlite3_vfs*>(g_vfs.pAppData); }

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  // Only the WAL gets the buffer; the database and its journal are the default VFS's.
  if (!(flags & SQLITE_OPEN_WAL)) return real_vfs()->xOpen(real_vfs(), name, f, flags, out_flags);
  auto* bf = reinterpret_cast<BatchFile*>(f);
  bf->base.pMethods = nullptr;
  bf->real = reinterpret_cast<sqlite3_file*>(bf + 1);
  const int rc = real_vfs()->xOpen(real_vfs(), name, bf->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  bf->gathered = new (std::nothrow) Gathered;
  if (!bf->gathered) {
    bf->real->pMethods->xClose(bf->real);
    return SQLITE_NOMEM;
  }
  bf->base.pMethods = &g_methods;
  return SQLITE_OK;
}

// Names, randomness, time: the default VFS's own.
int x_delete(sqlite3_vfs*, const char* n, int sync) { return real_vfs()->xDelete(real_vfs(), n, sync); }
int x_access(sqlite3_vfs*, const char* n, int flags, int* out) { return real_vfs()->xAccess(real_vfs(), n, flags, out); }
int x_full_path(sqlite3_vfs*, const char* n, int size, char* out) { return real_vfs()->xFullPathname(real_vfs(), n, size, out); }
void* x_dl_open(sqlite3_vfs*, const char* n) { return real_vfs()->xDlOpen(real_vfs(), n); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { real_vfs()->xDlError(real_vfs(), n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* n))(void) { return real_vfs()->xDlSym(real_vfs(), h, n); }
void x_dl_close(sqlite3_vfs*, void* h) { real_vfs()->xDlClose(real_vfs(), h); }
int x_random(sqlite3_vfs*, int n, char* out) { return real_vfs()->xRandomness(real_vfs(), n, out); }
int x_sleep(sqlite3_vfs*, int us) { return real_vfs()->xSleep(real_vfs(), us); }
int x_time(sqlite3_vfs*, double* out) { return real_vfs()->xCurrentTime(real_vfs(), out); }
int x_last_error(sqlite3_vfs*, int n, char* out) { return real_vfs()->xGetLastError(real_vfs(), n, out); }
int x_time64(sqlite3_vfs*, sqlite3_int64* out) { return real_vfs()->xCurrentTimeInt64(real_vfs(), out); }

void install() {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  g_methods = sqlite3_io_methods{3,           x_close,       x_read,        x_write,      x_truncate,     x_sync,
                                 x_file_size, x_lock,        x_unlock,      x_reserved,   x_file_control, x_sector_size,
                                 x_device,    x_shm_map,     x_shm_lock,    x_shm_barrier, x_shm_unmap,   x_fetch,
                                 x_unfetch};
  std::memset(&g_vfs, 0, sizeof g_vfs);
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(BatchFile)) + real->szOsFile;
  g_vfs.mxPathname = real->mxPathname;
  g_vfs.zName = "cockpit-wal-batch";
  g_vfs.pAppData = real;
  g_vfs.xOpen = x_open;
  g_vfs.xDelete = x_delete;
  g_vfs.xAccess = x_access;
  g_vfs.xFullPathname = x_full_path;
  g_vfs.xDlOpen = x_dl_open;
  g_vfs.xDlError = x_dl_error;
  g_vfs.xDlSym = x_dl_sym;
  g_vfs.xDlClose = x_dl_close;
  g_vfs.xRandomness = x_random;
  g_vfs.xSleep = x_sleep;
  g_vfs.xCurrentTime = x_time;
  g_vfs.xGetLastError = x_last_error;
  g_vfs.xCurrentTimeInt64 = x_time64;
  sqlite3_vfs_register(&g_vfs, 0);
}

}  // namespace

const char* wal_batch_vfs() {
  static std::once_flag once;
  std::call_once(once, install);
  return g_vfs.zName;
}

}  // namespace cockpit::server
