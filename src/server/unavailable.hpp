#pragma once
// "Not now, try again shortly": something the server needs is away for a while (the
// database restarting). Thrown from anywhere below a handler, it is answered 503 with
// Retry-After (failure_response in http.hpp) instead of 500, and the process carries on.
#include <stdexcept>

namespace cockpit::server {

struct Unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace cockpit::server
