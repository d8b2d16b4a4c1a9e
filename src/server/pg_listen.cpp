#include "server/pg_listen.hpp"

#include <poll.h>

#include <chrono>

#include "server/pg_conn.hpp"

namespace cockpit::server {

PgListener::PgListener(std::string url, std::string tag, std::function<void(const std::string&)> heard,
                       std::function<void()> on_reconnect)
    : url_(std::move(url)), tag_(std::move(tag)), heard_(std::move(heard)), on_reconnect_(std::move(on_reconnect)) {
  thread_ = std::thread([this] { loop(); });
}

PgListener::~PgListener() { stop(); }

void PgListener::stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PgListener::loop() {
  bool first = true;
  while (!stopping_) {
    try {
      listen_once(first);
    } catch (const std::exception&) {
      // PostgreSQL is away: try again shortly (the HTTP side answers 503 meanwhile).
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_.load(); });
  }
}

// Listens until the connection breaks (throws) or stop() is called (returns).
// `first`: nothing can have been missed before (no poll was parked yet).
void PgListener::listen_once(bool& first) {
  PgConn conn(url_);
  conn.exec((std::string("LISTEN ") + kChannel).c_str());
  if (!first) on_reconnect_();
  first = false;
  const std::string mine = tag_ + "|";
  while (!stopping_) {
    pollfd p{PQsocket(conn.raw()), POLLIN, 0};
    // A short wait: stop() is seen within it without a second wake-up channel.
    if (::poll(&p, 1, 200) < 0) continue;
    if (PQconsumeInput(conn.raw()) == 0 || !conn.healthy()) throw PgError("the listening connection is lost");
    while (PGnotify* n = PQnotifies(conn.raw())) {
      std::string text = n->extra ? n->extra : "";
      PQfreemem(n);
      if (text.rfind(mine, 0) == 0) continue;  // our own: told locally already
      const auto bar = text.find('|');
      heard_(bar == std::string::npos ? text : text.substr(bar + 1));
    }
  }
}

}  // namespace cockpit::server
