#pragma once
// cockpit::client::TokenStore for the native shells: the session token in a file of its
// own (mode 0600, beside the database, never inside it).
//
// save() writes a temporary file created with 0600, fsyncs it and renames it over the
// old one (then fsyncs the folder), so the file is always either the old token or the
// new one, never half of either. The TokenStore interface returns nothing; a failure is
// kept in error() (empty after a success) and the old file is left as it was.
#include <string>

#include "client/http.hpp"

namespace cockpit::native {

class TokenFile final : public client::TokenStore {
 public:
  explicit TokenFile(std::string path);

  std::string load() override;  // "" when there is no file (or it cannot be read)
  void save(const std::string& token) override;
  void clear() override;  // removes the file; no file is fine

  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }  // the last failure, "" after a success

 private:
  std::string path_, error_;
};

}  // namespace cockpit::native
