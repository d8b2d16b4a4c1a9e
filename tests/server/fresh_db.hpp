#pragma once
// A SQLite path of this test process's own under /tmp, with no database, WAL or shared
// memory file left there by an earlier run.
#include <unistd.h>

#include <string>

namespace cockpit::test {

inline std::string fresh_db(const char* name) {
  const std::string path = "/tmp/cockpit-" + std::string(name) + "-" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  return path;
}

}  // namespace cockpit::test
