#pragma once
// The milter's calls to cockpit-server over libcurl: short timeouts, and a pool of easy
// handles so every milter thread reuses a kept-alive connection instead of opening
// one per mail (a check must stay a fraction of a millisecond on loopback).
// curl_global_init must have run before the first call (the shell does it).
#include <mutex>
#include <string>
#include <vector>

namespace cockpit::milter {

struct HttpResult {
  long status = 0;     // 0: no answer arrived (`error` says why)
  std::string body;
  std::string error;
};

class HttpClient {
 public:
  HttpClient(std::string base_url, std::string token, unsigned timeout_ms);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult post_json(const std::string& path, const std::string& body);
  HttpResult get(const std::string& path);

 private:
  HttpResult perform(const std::string& path, const std::string* body);
  void* take();        // a CURL*, from the pool or new
  void give(void* h);  // back to the pool

  std::string base_, auth_;
  unsigned timeout_ms_;
  std::mutex mu_;
  std::vector<void*> idle_;
};

}  // namespace cockpit::milter
