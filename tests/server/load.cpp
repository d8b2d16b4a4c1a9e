#include "load.hpp"

#include <curl/curl.h>

#include <atomic>
#include <cstdlib>
#include <string_view>
#include <chrono>
#include <thread>

namespace cockpit::test {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

size_t sink(char* data, size_t s, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(data, s * n);
  return s * n;
}

// A pull's answer starts {"cursor":N,…}: the client's next `since`, as a device keeps it.
std::int64_t cursor_of(const std::string& body, std::int64_t otherwise) {
  constexpr std::string_view key = "{\"cursor\":";
  if (body.compare(0, key.size(), key) != 0) return otherwise;
  return std::strtoll(body.c_str() + key.size(), nullptr, 10);
}

struct Fast {  // one keep-alive client
  CURL* h = curl_easy_init();
  curl_slist* hdrs = nullptr;
  std::string body;  // the last answer
  explicit Fast(const std::string& token) {
    hdrs = curl_slist_append(hdrs, ("Authorization: Bearer " + token).c_str());
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  }
  ~Fast() {
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
  }
  long get(const std::string& url) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    return perform();
  }
  long post(const std::string& url, const std::string& payload) {
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    return perform();
  }
  long perform() {
    long code = 0;
    body.clear();
    if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }
};

}  // namespace

LoadResult run_load(const Server& s, const std::vector<std::string>& tokens, const std::string& pid, const std::string& run,
                    int seconds, int clients, double per_client_rate) {
  return run_load_at(s.url(""), tokens, pid, run, seconds, clients, per_client_rate);
}

LoadResult run_load_at(const std::string& base_url, const std::vector<std::string>& tokens, const std::string& pid,
                       const std::string& run, int seconds, int clients, double per_client_rate) {
  auto cursor = [&] {
    Call c;
    c.path = "/api/health";
    return call_url(base_url, c).as_json()["cursor"].get<std::int64_t>();
  };
  const std::int64_t c0 = cursor();
  std::atomic<long> done{0}, failed{0}, pushes{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  for (int i = 0; i < clients; ++i)
    pool.emplace_back([&, i] {
      Fast f(tokens[static_cast<std::size_t>(i) % tokens.size()]);
      std::int64_t mid = 1, since = c0;
      const auto period = per_client_rate > 0 ? std::chrono::duration<double>(1.0 / per_client_rate) : std::chrono::duration<double>(0);
      auto next = Clock::now();
      const std::string client = "load-" + run + "-" + std::to_string(i);
      while (!stop) {
        if (per_client_rate > 0) {  // paced: a device's request every `period`
          next += std::chrono::duration_cast<Clock::duration>(period);
          std::this_thread::sleep_until(next);
        }
        long code;
        const bool push = mid % 5 == 0;
        if (push) {
          // Every text is new, so every push changes the record: the cursor counts them.
          std::string body = R"({"client_id":")" + client + R"(","schema_version":1,"mutations":[{"mutation_id":)" +
                             std::to_string(mid) + R"(,"kind":"upsert","record_kind":"promise","record_id":")" + pid +
                             R"(","fields":{"text":"load )" + client + " " + std::to_string(mid) + R"("},"base_seq":0}]})";
          code = f.post(base_url + "/api/push", body);
        } else {
          code = f.get(base_url + "/api/pull?since=" + std::to_string(since));
          if (code == 200) since = cursor_of(f.body, since);
        }
        ++mid;
        (code == 200 ? done : failed)++;
        if (push && code == 200) ++pushes;
      }
    });
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // a benchmark's measuring window
  stop = true;
  for (auto& t : pool) t.join();
  LoadResult r;
  r.per_s = static_cast<double>(done) / (ms_since(t0) / 1000);
  r.ok = done;
  r.failed = failed;
  r.pushes_ok = pushes;
  r.cursor_moved = cursor() - c0;
  return r;
}


}  // namespace cockpit::test
