#pragma once
// Plain sockets for attacks that curl will not make: a request target curl would
// normalize, thousands of idle or half-sent connections, each from a chosen address of
// 127.0.0.0/8 (so per-address limits can be told from the server's whole capacity).
#include <cstdint>
#include <string>
#include <vector>

namespace cockpit::test {

// A blocking TCP connection from `source` (e.g. "127.0.0.7") to 127.0.0.1:port; -1 on failure.
int connect_from(const std::string& source, std::uint16_t port);
// Sends `request` whole on a fresh connection and reads until the server closes it or
// `timeout_ms` passes; "" when nothing came back.
std::string raw_exchange(const std::string& source, std::uint16_t port, const std::string& request,
                         int timeout_ms = 5000);
// The status of an HTTP response's first line, 0 when there is none.
int status_of(const std::string& response);
// Raises this process's open-file limit to its hard limit (thousands of sockets).
void raise_fd_limit();
// Reads what is there on each fd for up to `timeout_ms` (all of them at once);
// `answers[i]` gathers fd i's bytes, `closed[i]` says the server closed it.
void read_all(const std::vector<int>& fds, int timeout_ms, std::vector<std::string>& answers,
              std::vector<bool>& closed);

}  // namespace cockpit::test
