#pragma once
// View models: what each screen shows, as plain rows with every label already
// formatted (style.md §2). Built from the session's slice and lists; pure (no ImGui, no
// store, no clock: `now` is given), so tests say "given these records, these rows in
// this order" without a window.
//
// [SECTION] Today      counts, the four areas, my customers (search, filter, sort)
// [SECTION] Customer   one customer on one screen, its action items
// [SECTION] Lead       each manager's load
// [SECTION] Keys       which one-key action a key means for the selected item
//
// Cost: the Today model keeps indices into lists.customers; a row's labels are built
// only when the row is drawn (CustomerTable::row), so a 10,000-customer book costs the
// frame only the ~30 visible rows. Filtering and sorting run when the data or the
// query change, not per frame.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/labels.hpp"  // the words and tones every screen uses
#include "domain/records.hpp"
#include "engine/lists.hpp"
#include "engine/settings.hpp"
#include "engine/timeline.hpp"

namespace cockpit::vm {

// ============================================================ [SECTION] Today

struct CardItem {
  std::string customer_id, customer_name;
  std::string title;   // what it is: the reason, the promise, the summary, the subject
  std::string detail;  // one more line: "Waiting on logistics", "duplicate"
  std::string when;    // "due 3 days ago · Fri 20 Nov"
  Tone tone = Tone::info;
  std::string about;   // the record it is about (suggestion's about, promise, exception, scheduled)
  std::string key;     // suggestions: the suggestion key
};

struct Area {
  int count = 0;
  std::vector<CardItem> top;  // the most urgent few, in list order
};

enum class SortKey { urgency, name, stage, worst, owner, suggestions };
enum class SeverityFilter { all, overdue, at_risk, fine };

struct CustomerQuery {
  std::string search;  // any part of a customer's name or id, or of one of its cases' or promises' titles or ids
  SeverityFilter severity = SeverityFilter::all;
  std::optional<Stage> stage;  // nullopt: every stage
  SortKey sort = SortKey::urgency;
  bool descending = false;     // urgency ascending = most urgent first
  bool operator==(const CustomerQuery&) const = default;
};

struct CustomerListRow {
  std::string id, name, stage, owner, worst, suggestions;
  std::string match;  // when the search matched something other than the name: "promise p-1: Delivery…"
  Tone tone = Tone::fine;
  Stage stage_value = Stage::active;
};

// Per customer: the words search looks in, folded, and which records are theirs.
class SearchIndex {
 public:
  void build(const Book& slice);
  // The index into slice.customers of `customer_id`, or -1.
  int customer(std::string_view customer_id) const;
  // What matched for this customer ("" when the name or id did, or nothing did).
  std::string match_hint(const Book& slice, std::string_view customer_id, std::string_view needle) const;
  bool matches(std::string_view customer_id, std::string_view needle) const;

 private:
  struct Entry {
    std::string folded;  // name, id, case titles and ids, promise texts and ids, exception summaries and ids
    std::vector<int> cases, promises;
  };
  std::vector<Entry> entries_;             // slice.customers order
  std::vector<std::pair<std::string, int>> by_id_;  // sorted by id
};

struct TodayModel {
  std::string manager_name;
  Area suggested, overdue, exceptions, held;
  int due_soon = 0;                 // promises due within the window (shown with the overdue ones)
  std::string due_soon_window;      // that window in words: "2 days" (the settings', not restated)
  int hidden_suggestions = 0;       // dismissed or snoozed
  int total_customers = 0;          // before the filter
  std::vector<int> rows;            // indices into lists.customers, filtered and sorted
  // Per row: a hash of the words its line shows (its list row and its owner's name),
  // made here while they are at hand, so the screen-reader mirror (app/mirror.hpp)
  // rebuilds only the rows whose words changed without reading them all again.
  std::vector<std::uint64_t> row_words;
  int counts_by_severity[3] = {0, 0, 0};  // fine, at_risk, overdue, over all customers
};

// `top` items per area (the cards show a few; the counts are always the full ones).
TodayModel build_today(const Book& slice, const Lists& lists, const SearchIndex& index, const CustomerQuery& query,
                       Time now, int top = 4);
// The labels of one row of "My customers" (built only for visible rows).
CustomerListRow customer_row(const Book& slice, const Lists& lists, const SearchIndex& index, int list_index,
                             std::string_view search);
// A manager's name from the slice, else the id.
std::string manager_name(const Book& slice, std::string_view id);

// ============================================================ [SECTION] Customer

struct SuggestionView {
  std::string key, about, customer;
  std::optional<std::string> case_id;
  SuggestionKind kind = SuggestionKind::promise_overdue;
  std::string kind_label, reason, subject, body;
  Channel channel = Channel::email;
  TouchKind touch_kind = TouchKind::status_update;  // what the sent message will be filed as
  std::string channel_label;
  Tone tone = Tone::info;
  bool can_snooze = true;  // an overdue promise cannot be snoozed (give it a new date)
};

struct SlipView {
  std::string text;  // "was due Fri 13 Nov · moved 11 days ago · customer told"
  bool told = true;
};

struct PromiseView {
  std::string id, text, kind_label, case_title;
  std::string due;     // "due 3 days ago · Fri 20 Nov"
  std::string status;  // "7 days overdue", "due tomorrow", "open", "kept 2 days ago", "cancelled"
  std::vector<SlipView> slips;  // oldest first
  Time due_at = 0;
  Tone tone = Tone::fine;
  bool open = false, overdue = false, untold_slip = false;
};

struct ExceptionView {
  std::string id, summary, kind_label, waiting_on, case_title;
  std::string raised;  // "raised 12 days ago · Wed 11 Nov"
  std::string age;     // "waiting 12 days on logistics"
  Tone tone = Tone::at_risk;
  bool open = false;
};

struct TimelineView {
  std::string id;
  std::string when;       // "3 days ago · Fri 20 Nov, 14:05"
  std::string who;        // "Automated · system:noreply", "Anna Berger", "Customer"
  std::string channel, kind, subject, body;
  std::string badge;      // "Scheduled · held: duplicate", "Will go", "Released", "Noise: 10 identical"
  bool automated = false, incoming = false, scheduled = false;
  bool noise = false;     // a repeat of an identical automated message
  int repeats = 1;        // the size of its group of identical automated messages
  bool group_head = true; // the newest member of its group (shown when noise is folded)
  Tone tone = Tone::info;
};

struct ScheduledView {
  std::string id, subject, kind_label, sender, when, case_title;
  std::string verdict;  // "Held: it asks for a review before …" / "Will go" / "Released" / "Cancelled"
  std::string note;     // the manager's decision note
  // Whether its sender asks the guard before sending (POST /api/guard/check, or the mail
  // relay): "shop asked today, 10:02 — held there" / "Never asked: the hold does not stop it".
  std::string asked;
  bool sender_asked = false;  // the sender asked, so the verdict reaches it
  bool held = false, pending = false;
  Tone tone = Tone::info;
};

// One thing the keyboard cursor can stand on in the customer view, in screen order.
struct ActionItem {
  enum class Kind { suggestion, promise, exception, held };
  Kind kind = Kind::suggestion;
  int index = 0;  // into the model's list of that kind
};

struct CustomerModel {
  bool found = false;
  std::string id, name, stage, owner, owner_id, email, phone, preferred, since, worst;
  Stage stage_value = Stage::active;
  Tone tone = Tone::fine;
  std::vector<SuggestionView> suggestions;
  std::vector<PromiseView> promises;      // open first (most urgent first), then kept/cancelled
  std::vector<ExceptionView> exceptions;  // open first (oldest first), then resolved
  std::vector<ScheduledView> scheduled;   // pending first (held first), then decided
  std::vector<TimelineView> timeline;     // newest first
  std::vector<ActionItem> items;          // suggestions, open promises, open exceptions, held messages
  std::vector<std::pair<std::string, std::string>> cases;  // id, "Order · Grail CF SL company bike · open"
  int noise = 0;                          // repeats hidden when noise is folded
};

CustomerModel build_customer(const Book& slice, const Lists& lists, std::string_view customer_id, Time now,
                             const Settings& settings = {});

// ============================================================ [SECTION] Lead

struct ManagerLoad {
  std::string id, name, role;
  int customers = 0, overdue = 0, due_soon = 0, exceptions = 0, held = 0, suggestions = 0;
  std::string oldest;  // "oldest waiting 26 days" / "none waiting"
  std::int64_t oldest_days = 0;
  Tone tone = Tone::fine;
};

// Every manager in the slice (a lead's slice: everyone), busiest first: overdue, then
// exceptions, then customers, then name.
std::vector<ManagerLoad> build_lead(const Book& slice, const Lists& lists, Time now);

// An automated sender as the guard sees it: how many of its scheduled messages it asked
// about before sending. A sender that never asks sends held messages anyway.
struct SenderUse {
  std::string sender;          // "system:erp"
  int messages = 0, asked = 0;
  int held_unasked = 0;        // pending, held, never asked: it will go all the same
  std::string line;            // "3 messages, none asked \xC2\xB7 1 held that will go anyway"
  Tone tone = Tone::fine;
};

// The senders of the slice's scheduled messages that never ask the guard, the ones with
// held messages first, then by name.
std::vector<SenderUse> build_unasking_senders(const Book& slice, const Lists& lists);

// Customers whose name or id contains `search`, at most `limit`, by name.
std::vector<std::pair<std::string, std::string>> find_customers(const Book& slice, std::string_view search,
                                                                std::size_t limit);

// ============================================================ [SECTION] Keys

// What a one-key action means for the item the cursor is on (customer view), as the
// dialog or action it opens. The UI turns `open` into a dialog or applies MarkKept
// directly; `none` comes with a message saying why not ("nothing to send here").
struct KeyIntent {
  enum class Kind { none, compose, new_date, kept, dismiss, snooze, release, cancel_held, resolve, reroute, log_call };
  Kind kind = Kind::none;
  int suggestion = -1, promise = -1, exception = -1, scheduled = -1;  // indices into the model's lists
  std::string message;  // for none
};
// key: 's' send, 'n' new date, 'k' kept, 'd' dismiss, 'z' snooze, 'r' release, 'c' cancel,
// 'x' resolve, 'w' re-route (waiting on), 'l' log call. `cursor` indexes model.items
// (-1: no item; the key then acts on the first item it fits).
KeyIntent intent_for_key(const CustomerModel& model, int cursor, char key);

}  // namespace cockpit::vm
