// libFuzzer target: the one-pass reader of stored records (domain/record_scan.hpp). The
// first byte picks the record kind, the rest is the text. Any text must give a record or
// nullopt without a crash; a text the contract's reader accepts as that kind's only
// record must give that record (lists emptied), or the target traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/document.hpp"
#include "domain/record_scan.hpp"

namespace {

// Every manager and customer exists (so a record alone can pass the contract's reader);
// no case does.
class EveryoneKnown final : public cockpit::KnownRecords {
 public:
  bool has_manager(std::string_view) const override { return true; }
  bool has_customer(std::string_view) const override { return true; }
  std::optional<std::string> case_customer(std::string_view) const override { return std::nullopt; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kind = static_cast<cockpit::RecordKind>(data[0] % cockpit::kRecordKindCount);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto scanned = cockpit::scan_record(kind, text);
  const EveryoneKnown known;
  const cockpit::ParsedDocument p =
      cockpit::parse_document("{\"" + std::string(cockpit::list_name(kind)) + "\":[" + std::string(text) + "]}", &known);
  if (!p.ok()) return 0;
  std::optional<cockpit::AnyRecord> want;
  cockpit::for_each_kind([&]<class R>(std::type_identity<R>) {
    const auto& list = p.book.*cockpit::RecordInfo<R>::book;
    if (cockpit::RecordInfo<R>::kind == kind && list.size() == 1) want = cockpit::without_lists(cockpit::AnyRecord(list[0]));
  });
  if (want && (!scanned || !(*scanned == *want))) __builtin_trap();
  return 0;
}
