// TokenFile (shell/native/token_file.cpp): the session token in a 0600 file, replaced
// whole by rename, "" when missing.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "native/token_file.hpp"

using cockpit::native::TokenFile;
using cockpit::test::temp_path;

namespace {
unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("TokenFile: missing is empty; save is 0600 and whole; clear removes it") {
  const std::string path = temp_path("session.token");
  std::filesystem::remove(path + ".tmp");
  TokenFile f(path);
  CHECK(f.load().empty());
  CHECK(f.error().empty());  // a missing file is not an error
  f.clear();
  CHECK(f.error().empty());

  f.save("tok-1234567890");
  CHECK(f.error().empty());
  CHECK(mode_of(path) == 0600);
  CHECK(f.load() == "tok-1234567890");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  // Replaced, not appended; a fresh object reads what the last one wrote.
  f.save("tok-2");
  CHECK(TokenFile(path).load() == "tok-2");
  CHECK(mode_of(path) == 0600);

  // A leftover temporary file with a loose mode does not loosen the token file.
  {
    std::ofstream(path + ".tmp") << "junk";
    std::filesystem::permissions(path + ".tmp", std::filesystem::perms::all);
  }
  f.save("tok-3");
  CHECK(f.error().empty());
  CHECK(mode_of(path) == 0600);
  CHECK(f.load() == "tok-3");

  // A trailing newline (someone edited the file by hand) is not part of the token.
  std::ofstream(path) << "tok-4\n";
  CHECK(f.load() == "tok-4");

  f.clear();
  CHECK(f.error().empty());
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(f.load().empty());

  // A folder that does not exist: save() reports it, nothing is thrown.
  TokenFile nowhere(temp_path("no-such-folder") + "/session.token");
  nowhere.save("x");
  CHECK(nowhere.error().find("cannot create") == 0);
  CHECK(nowhere.load().empty());
}
