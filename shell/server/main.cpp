// cockpit-server: the backend (HTTP API, accounts, sync). Everything is in src/server.
#include <sys/resource.h>

#include <algorithm>

#include "server/cli.hpp"

int main(int argc, char** argv) {
  // Every device that is online holds one connection (its parked live poll): a thousand
  // devices are a thousand descriptors, past the usual soft limit of 1,024. Take what the
  // hard limit allows (the HTTP layer's epoll has no FD_SETSIZE ceiling).
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < 65536 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = std::min<rlim_t>(r.rlim_max, 65536);
    setrlimit(RLIMIT_NOFILE, &r);
  }
  return cockpit::server::server_main(argc, argv);
}
