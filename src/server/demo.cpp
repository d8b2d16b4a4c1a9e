#include "server/demo.hpp"

#include "domain/json.hpp"
#include "server/auth.hpp"
#include "server/ingest.hpp"

namespace cockpit::server {

const std::vector<DemoLogin>& demo_logins() {
  static const std::vector<DemoLogin> logins{
      {"m-lena", "lead", "demo-lena"}, {"m-anna", "manager", "demo-anna"}, {"m-ben", "manager", "demo-ben"}};
  return logins;
}

Book demo_book(Time now) {
  const Time day_start = now - now % kDay;
  Book b;
  b.managers = {{"m-lena", "Lena Lead", "lena@example.com", Role::lead},
                {"m-anna", "Anna Berger", "anna@example.com", Role::manager},
                {"m-ben", "Ben Okafor", "ben@example.com", Role::manager}};
  struct C {
    const char* id;
    const char* name;
    const char* owner;
    Stage stage;
  };
  const C cs[] = {{"c-1", "Hoffmann GmbH", "m-anna", Stage::active}, {"c-2", "Maria Rossi", "m-anna", Stage::active},
                  {"c-3", "Jonas Weber", "m-anna", Stage::former},   {"c-4", "Nordlicht AG", "m-ben", Stage::active},
                  {"c-5", "Sara Lind", "m-ben", Stage::prospect},    {"c-6", "Kaya Bau", "m-lena", Stage::active}};
  for (const auto& c : cs) {
    Customer x;
    x.id = c.id;
    x.name = c.name;
    x.owner = c.owner;
    x.stage = c.stage;
    x.email = std::string(c.id) + "@example.com";
    x.since = day_start - 400 * kDay;
    if (c.stage == Stage::former) x.former_at = day_start - 2 * kDay;
    b.customers.push_back(x);
  }
  int n = 0;
  for (const auto& c : cs) {
    ++n;
    const std::string id = std::to_string(n);
    Case k;
    k.id = "k-" + id;
    k.customer = c.id;
    k.kind = CaseKind::order;
    k.title = "Order " + std::to_string(1000 + n);
    k.status = n % 3 == 0 ? CaseStatus::fulfilled : CaseStatus::open;
    k.opened_at = day_start - 20 * kDay;
    if (k.status == CaseStatus::fulfilled) k.fulfilled_at = day_start - 3 * kDay;
    b.cases.push_back(k);

    Promise p;
    p.id = "p-" + id;
    p.customer = c.id;
    p.case_id = k.id;
    p.kind = PromiseKind::delivery;
    p.text = "Delivery of order " + std::to_string(1000 + n);
    p.made_at = day_start - 15 * kDay;
    p.due_at = day_start + (n % 2 ? -2 : 1) * kDay + 17 * kHour;  // some overdue, some due soon
    b.promises.push_back(p);

    Touchpoint t;
    t.id = "t-" + id;
    t.customer = c.id;
    t.case_id = k.id;
    t.at = day_start - 10 * kDay;
    t.sender = "system:shop";
    t.kind = TouchKind::order_confirmation;
    t.subject = "Your order " + std::to_string(1000 + n);
    b.touchpoints.push_back(t);

    if (n % 2 == 0) {
      Exception e;
      e.id = "x-" + id;
      e.customer = c.id;
      e.case_id = k.id;
      e.kind = "address_change";
      e.summary = "Ship to the new office address";
      e.raised_at = day_start - 5 * kDay;
      e.waiting_on = "logistics";
      b.exceptions.push_back(e);
    }
    Scheduled s;
    s.id = "s-" + id;
    s.customer = c.id;
    s.case_id = k.id;
    s.scheduled_at = day_start + kDay + 9 * kHour;
    s.sender = "system:marketing";
    s.kind = n % 2 ? TouchKind::review_request : TouchKind::marketing;
    s.subject = n % 2 ? "How did we do?" : "Our autumn offers";
    b.scheduled.push_back(s);
  }
  return b;
}

bool install_demo(ServerStorage& storage, std::string& error) {
  const Book b = demo_book(now_utc());
  auto out = ingest_document(storage, to_json(b), "demo", "");
  if (!out.ok) {
    error = out.errors.empty() ? "demo book refused" : out.errors.front();
    return false;
  }
  for (const auto& l : demo_logins()) storage.put_account(Account{l.id, hash_password(l.password)});
  storage.audit(AuditEntry{0, "admin", "demo", "database", "demo book and accounts created", ""});
  return true;
}

}  // namespace cockpit::server
