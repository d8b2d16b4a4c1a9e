#pragma once
// The services that differ by platform, as one small interface (style.md §1, §6).
// Each shell implements it (shell/browser, shell/desktop; tests use a recording fake);
// everything in src/ calls only this, so no `#ifdef __EMSCRIPTEN__` lives in src/.
//
// Every method is called on the UI thread, between frames or inside one. None blocks:
// work that takes time (an IndexedDB flush) is started here and finishes later, and
// its outcome is read back through persist_state().
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace cockpit {

namespace mirror {
struct Update;
}

// Where this device's copy of the last committed change is.
enum class PersistState {
  saved,     // every commit is on this device's disk (desktop: always, after COMMIT)
  saving,    // a save is running or queued (browser: the changed pages -> IndexedDB)
  failed,    // the last flush failed or never called back; the next commit retries
  disabled,  // no durable storage on this device (the browser refused IndexedDB)
};

// Whether this device's copy is kept until the person removes it. Browsers may evict an
// origin's storage under pressure unless it is "persistent" (navigator.storage.persist()).
enum class StorageGrant {
  unknown,      // not answered yet (the browser is asked once per start)
  persistent,   // kept (desktop: a file on disk; browser: persist() granted)
  best_effort,  // the browser may clear it when space runs low
  unsupported,  // the browser cannot promise either way (no Storage API)
};

// A file the person picked (a spreadsheet to import): its name and contents, or why it
// could not be read.
struct PickedFile {
  std::string name, text, error;
};

class Platform {
 public:
  virtual ~Platform() = default;

  // Called by the dispatcher right after a store transaction committed. Browser: the
  // database lives in an in-memory file system; this saves the chunks the commit changed
  // (store/page_vfs.hpp) to IndexedDB in one transaction (one save at a time; a commit
  // during a save marks it dirty and saves again when it ends).
  // Desktop: nothing to do, SQLite's COMMIT is already on disk.
  virtual void persist_after_commit() = 0;
  virtual PersistState persist_state() const = 0;

  // Whether the browser promised to keep this device's storage. Cheap (read per frame).
  virtual StorageGrant storage_grant() const = 0;

  // Sign-out: removes this device's copy of the person's data. Browser: deletes every
  // file under /data and flushes, so IndexedDB keeps none of it; persist_state() says
  // saving until that flush is done, then saved (or failed: the next commit's flush
  // finishes the job). Close the database before, open a new one only after.
  // Desktop: nothing (the caller deletes its files itself).
  virtual void wipe_local_data() = 0;

  // The part of the address after '#', without the '#': the open view, so a reload or a
  // shared link reopens it. Desktop: kept in memory only.
  virtual std::string url_fragment() const = 0;
  virtual void set_url_fragment(std::string_view fragment) = 0;

  virtual void copy_to_clipboard(std::string_view text) = 0;

  // Opens the user's mail program with a prepared message (a mailto: link). The
  // implementation percent-encodes the parts.
  virtual void open_mailto(std::string_view to, std::string_view subject, std::string_view body) = 0;

  // Picks a file to import. Desktop: reads `path` (typed in the view) at once; browser:
  // opens the page's file picker (`path` is ignored) and the file arrives once chosen.
  // Either way the file is handed over by take_picked_file(), polled every frame.
  // By default a platform has no files to pick.
  virtual void pick_file(std::string_view path) { (void)path; }
  virtual std::optional<PickedFile> take_picked_file() { return std::nullopt; }
  // Whether the person types a path (desktop) or picks with the system's dialog (browser).
  virtual bool picks_by_path() const { return true; }

  // The wall clock, ms since the epoch (UTC). Tests substitute a fixed one.
  virtual Time now() const = 0;

  // The screen-reader mirror (app/mirror.hpp, issue 21). Browser: the page keeps a
  // visually hidden DOM copy of the view for assistive technology and applies each
  // update's patches, focus and announcements (web/mirror.js). Desktop: no bridge to
  // the system's screen reader (src/ui/ACCESSIBILITY.md), so nothing is built.
  virtual bool wants_mirror() const { return false; }
  virtual void present_mirror(const mirror::Update& /*update*/) {}
};

// Percent-encodes `text` for a mailto: or URL component (RFC 3986 unreserved kept).
// `keep_extra` lists further characters to leave as they are (e.g. "@" in an address).
inline std::string percent_encode(std::string_view text, std::string_view keep_extra = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '.' || c == '_' || c == '~' || keep_extra.find(static_cast<char>(c)) != std::string_view::npos;
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

inline std::string mailto_url(std::string_view to, std::string_view subject, std::string_view body) {
  std::string url = "mailto:";
  url += percent_encode(to, "@,");
  url += "?subject=" + percent_encode(subject) + "&body=" + percent_encode(body);
  return url;
}

}  // namespace cockpit
