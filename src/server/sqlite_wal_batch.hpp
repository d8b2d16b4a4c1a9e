#pragma once
// A SQLite VFS that writes a transaction's WAL frames in a few system calls.
//
// SQLite appends each page to the WAL with two pwrite(2) calls (the 24-byte frame
// header, then the page), so a group commit of 60 pages made 120 system calls on the
// write queue's one thread, where system calls are dear on this project's VMs
// (CONNECT.md, "Fewer system calls per commit"). This VFS wraps the default one and,
// for WAL files only, gathers contiguous appends in memory and writes them, in pieces
// of up to 124 KiB, when SQLite next syncs, reads, truncates, sizes or closes the
// file, or writes somewhere else in it.
//
// Why that is safe: SQLite makes a commit visible to other connections (the wal-index
// header) only after the WAL's xSync when synchronous=FULL, and that sync writes the
// gathered frames first, so no reader can see a frame that is still in the buffer. With
// synchronous=NORMAL a commit has no sync, so the VFS must only ever serve connections
// with synchronous=FULL: the server's writer opens it in that mode only
// (sqlite_storage.cpp).
namespace cockpit::server {

// Registers the VFS (once, thread-safe) and returns its name for sqlite3_open_v2.
const char* wal_batch_vfs();

}  // namespace cockpit::server
