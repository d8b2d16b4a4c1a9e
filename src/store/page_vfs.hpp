// A SQLite VFS that remembers which parts of a database file changed, so the browser
// saves only those to IndexedDB (shell/browser/page_store.js) instead of the whole file.
//
// It passes every call to the process's default VFS (in wasm: "unix" on Emscripten's
// in-memory file system) and, for each main database file, notes the fixed-size chunks
// that xWrite and xTruncate touched. The browser shell takes the set after each commit:
// between two commits the in-memory file is a committed state, so copying the noted
// chunks of it into one IndexedDB transaction moves the stored copy from one committed
// state to the next, all or nothing. Rollback journals are never noted: they are empty
// between transactions and the stored copy never needs one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cockpit::store {

// The unit of what is saved: SQLite's default page size. A database of another page size
// still works (a page is then several chunks, or a chunk several pages).
inline constexpr std::uint32_t kSavedChunk = 4096;

// Registers the tracking VFS as the process's default, once; false if SQLite refused.
// Every database opened afterwards (without an explicit VFS name) goes through it.
bool install_page_tracking_vfs();

// The chunk indexes of `path` (chunk i is bytes [i * kSavedChunk, (i + 1) * kSavedChunk))
// written or cut since the previous call, sorted and unique, and forgets them. `path` is
// named as it was opened; it is resolved the way SQLite resolves it.
std::vector<std::uint32_t> take_changed_chunks(const std::string& path);

}  // namespace cockpit::store
