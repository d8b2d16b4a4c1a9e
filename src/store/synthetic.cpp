#include "store/synthetic.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/enums.hpp"

namespace cockpit {
namespace {

// splitmix64: tiny, fast, and identical everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // In [lo, hi].
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return range(0, 99) < percent; }
  template <typename T, std::size_t N>
  const T& pick(const T (&a)[N]) {
    return a[next() % N];
  }
  template <typename T>
  const T& pick(std::span<const T> a) {
    return a[next() % a.size()];
  }

 private:
  std::uint64_t s_;
};

std::string padded(const char* prefix, long n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%0*ld", prefix, width, n);
  return buf;
}

constexpr const char* kFirst[] = {"Anna", "Ben", "Carla", "David", "Eva", "Farid", "Greta", "Hugo", "Ines", "Jonas",
                                  "Kira", "Luca", "Mona", "Nils", "Olga", "Paul", "Rita", "Sven", "Tara", "Umut"};
constexpr const char* kLast[] = {"Meyer", "Rossi", "Novak", "Jensen", "Garcia", "Schmidt", "Dubois", "Kowalski",
                                 "Silva", "Berg", "Costa", "Weber", "Larsen", "Moreau", "Fischer", "Romano"};
constexpr const char* kWaitingOn[] = {"billing", "warehouse", "logistics", "legal", "used cars", "underwriting"};
constexpr const char* kExceptionKind[] = {"address_change", "payment_method", "wrong_item", "split_delivery",
                                          "documents_held"};
constexpr Channel kChannels[] = {Channel::email, Channel::phone, Channel::sms, Channel::chat, Channel::portal};
constexpr PromiseKind kPromiseKinds[] = {PromiseKind::delivery, PromiseKind::payment, PromiseKind::callback,
                                         PromiseKind::refund, PromiseKind::document};
constexpr TouchKind kSystemKinds[] = {TouchKind::order_confirmation, TouchKind::status_update,
                                      TouchKind::review_request, TouchKind::marketing, TouchKind::payment_request,
                                      TouchKind::renewal_notice, TouchKind::welcome};
constexpr TouchKind kPersonalKinds[] = {TouchKind::status_update, TouchKind::apology, TouchKind::question,
                                        TouchKind::other};

// One book being generated. Every draw from `rng` happens in the order of the customer
// loop below: a seed's book must stay the same from release to release.
struct Generation {
  const SyntheticSpec& spec;
  Rng rng;
  Book b;
  const Time now;
};

void add_managers(Generation& g) {
  g.b.managers.reserve(g.spec.managers + 1);
  for (int m = 1; m <= g.spec.managers; ++m) {
    Manager mg;
    mg.id = padded("m-", m, 3);
    mg.name = std::string(g.rng.pick(kFirst)) + " " + g.rng.pick(kLast);
    mg.email = mg.id + "@example.com";
    g.b.managers.push_back(mg);
  }
  g.b.managers.push_back({"m-lead", "Lena Lead", "lead@example.com", Role::lead});
}

void reserve_records(Book& b, const SyntheticSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.customers);
  b.customers.reserve(n);
  b.cases.reserve(n * spec.cases_per_customer);
  b.promises.reserve(n * spec.promises_per_customer);
  b.touchpoints.reserve(n * spec.touchpoints_per_customer);
  b.scheduled.reserve(n * spec.scheduled_per_customer);
}

// Customer `i` (from 1), dealt to the managers in turn.
Customer make_customer(Generation& g, int i) {
  Rng& rng = g.rng;
  const Time now = g.now;
  Customer c;
  c.id = padded("c-", i, 5);
  c.name = std::string(rng.pick(kFirst)) + " " + rng.pick(kLast);
  c.owner = g.b.managers[static_cast<std::size_t>((i - 1) % g.spec.managers)].id;
  const auto stage_roll = rng.range(0, 99);
  c.stage = stage_roll < 85 ? Stage::active : stage_roll < 95 ? Stage::prospect : Stage::former;
  c.email = c.id + "@mail.example";
  c.phone = "+49 30 " + std::to_string(1000000 + i);
  c.preferred_channel = rng.pick(kPreferredChannels);
  c.since = now - rng.range(30, 1500) * kDay;
  if (c.stage == Stage::former) c.former_at = now - rng.range(1, 60) * kDay;
  return c;
}

// The customer's cases; returns their ids.
std::vector<std::string> add_cases(Generation& g, const Customer& c) {
  Rng& rng = g.rng;
  const Time now = g.now;
  std::vector<std::string> case_ids;
  for (int k = 1; k <= g.spec.cases_per_customer; ++k) {
    Case cs;
    cs.id = "k-" + c.id.substr(2) + "-" + std::to_string(k);
    cs.customer = c.id;
    cs.kind = rng.pick(enum_values<CaseKind>()).first;  // any kind
    cs.title = "Case " + std::to_string(k) + " of " + c.name;
    cs.opened_at = now - rng.range(5, 200) * kDay;
    const auto roll = rng.range(0, 99);
    cs.status = roll < 60 ? CaseStatus::fulfilled : roll < 90 ? CaseStatus::open : CaseStatus::cancelled;
    if (cs.status == CaseStatus::fulfilled) cs.fulfilled_at = std::min(now, cs.opened_at + rng.range(1, 30) * kDay);
    case_ids.push_back(cs.id);
    g.b.cases.push_back(std::move(cs));
  }
  return case_ids;
}

// The case a record is about: one of the customer's, or (one time in five) none.
struct SomeCase {
  const std::vector<std::string>& case_ids;
  Rng& rng;
  std::optional<std::string> operator()() {
    if (case_ids.empty() || rng.chance(20)) return std::nullopt;
    return case_ids[rng.next() % case_ids.size()];
  }
};

void add_promises(Generation& g, const Customer& c, SomeCase& some_case) {
  Rng& rng = g.rng;
  const Time now = g.now;
  for (int p = 1; p <= g.spec.promises_per_customer; ++p) {
    Promise pr;
    pr.id = "p-" + c.id.substr(2) + "-" + std::to_string(p);
    pr.customer = c.id;
    pr.case_id = some_case();
    pr.kind = rng.pick(kPromiseKinds);
    pr.text = "Promise " + std::to_string(p) + " to " + c.name;
    pr.made_at = now - rng.range(10, 120) * kDay;
    pr.due_at = now + rng.range(-20 * 24, 30 * 24) * kHour;
    const auto roll = rng.range(0, 99);
    pr.status = roll < 40 ? PromiseStatus::open : roll < 90 ? PromiseStatus::kept : PromiseStatus::cancelled;
    if (pr.status == PromiseStatus::kept) pr.kept_at = std::min(now, pr.due_at);
    if (rng.chance(10)) pr.history.push_back({pr.due_at - 7 * kDay, pr.made_at + kDay, rng.chance(50)});
    g.b.promises.push_back(std::move(pr));
  }
}

// Customer `i`'s exceptions: spread so that every 100 customers have the spec's number.
void add_exceptions(Generation& g, int i, const Customer& c, SomeCase& some_case) {
  Rng& rng = g.rng;
  const Time now = g.now;
  const int per_100 = g.spec.exceptions_per_100_customers;
  const int exceptions = (i * per_100) / 100 - ((i - 1) * per_100) / 100;
  for (int x = 1; x <= exceptions; ++x) {
    Exception ex;
    ex.id = "x-" + c.id.substr(2) + "-" + std::to_string(x);
    ex.customer = c.id;
    ex.case_id = some_case();
    ex.kind = rng.pick(kExceptionKind);
    ex.summary = "Needs " + ex.kind;
    ex.raised_at = now - rng.range(1, 40) * kDay;
    ex.waiting_on = rng.pick(kWaitingOn);
    ex.status = rng.chance(60) ? ExceptionStatus::open : ExceptionStatus::resolved;
    if (ex.status == ExceptionStatus::resolved) ex.resolved_at = ex.raised_at + kDay;
    g.b.exceptions.push_back(std::move(ex));
  }
}

// Half the messages are the shop's, a quarter the manager's, a quarter the customer's.
void set_sender(Touchpoint& tp, const Customer& c, Rng& rng) {
  const auto who = rng.range(0, 99);
  if (who < 50) {
    tp.direction = Direction::out;
    tp.sender = "system:shop";
    tp.kind = rng.pick(kSystemKinds);
  } else if (who < 75) {
    tp.direction = Direction::out;
    tp.sender = c.owner;
    tp.kind = rng.pick(kPersonalKinds);
  } else {
    tp.direction = Direction::in;
    tp.sender = "customer";
    tp.kind = rng.chance(70) ? TouchKind::question : TouchKind::complaint;
  }
}

void add_touchpoints(Generation& g, const Customer& c, SomeCase& some_case) {
  Rng& rng = g.rng;
  for (int t = 1; t <= g.spec.touchpoints_per_customer; ++t) {
    Touchpoint tp;
    tp.id = "t-" + c.id.substr(2) + "-" + std::to_string(t);
    tp.customer = c.id;
    tp.case_id = some_case();
    tp.at = g.now - rng.range(0, 365 * 24 * 60) * kMinute;
    tp.channel = rng.pick(kChannels);
    set_sender(tp, c, rng);
    tp.subject = "Message " + std::to_string(t);
    g.b.touchpoints.push_back(std::move(tp));
  }
}

void add_scheduled(Generation& g, const Customer& c, SomeCase& some_case) {
  Rng& rng = g.rng;
  for (int s = 1; s <= g.spec.scheduled_per_customer; ++s) {
    Scheduled sc;
    sc.id = "s-" + c.id.substr(2) + "-" + std::to_string(s);
    sc.customer = c.id;
    sc.case_id = some_case();
    sc.scheduled_at = g.now + rng.range(1, 7 * 24 * 60) * kMinute;
    sc.channel = Channel::email;
    sc.sender = "system:marketing";
    sc.kind = rng.pick(kSystemKinds);
    sc.subject = "Automated " + std::to_string(s);
    g.b.scheduled.push_back(std::move(sc));
  }
}

// Customer `i` and everything about them, in the order the draws were always made.
void add_customer(Generation& g, int i) {
  g.b.customers.push_back(make_customer(g, i));
  const Customer& c = g.b.customers.back();
  const std::vector<std::string> case_ids = add_cases(g, c);
  SomeCase some_case{case_ids, g.rng};
  add_promises(g, c, some_case);
  add_exceptions(g, i, c, some_case);
  add_touchpoints(g, c, some_case);
  add_scheduled(g, c, some_case);
}

}  // namespace

Book generate_book(const SyntheticSpec& spec) {
  Generation g{spec, Rng(spec.seed), Book{}, spec.now};
  add_managers(g);
  reserve_records(g.b, spec);
  for (int i = 1; i <= spec.customers; ++i) add_customer(g, i);
  return std::move(g.b);
}

}  // namespace cockpit
