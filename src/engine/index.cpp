#include "engine/index.hpp"

#include <algorithm>
#include <unordered_map>

namespace cockpit {

const Case* CustomerRecords::find_case(const std::optional<std::string>& id) const {
  if (!id) return nullptr;
  for (const Case* c : cases)
    if (c->id == *id) return c;
  return nullptr;
}

const Touchpoint* CustomerRecords::latest_outgoing() const {
  for (auto it = touchpoints.rbegin(); it != touchpoints.rend(); ++it)
    if ((*it)->direction == Direction::out) return *it;
  return nullptr;
}

Viewer find_viewer(const Book& slice, std::string_view manager_id) {
  Viewer v;
  for (const Manager& m : slice.managers)
    if (m.id == manager_id) {
      v.manager = &m;
      v.lead = m.role == Role::lead;
    }
  return v;
}

bool is_personal(const Touchpoint& t) {
  return t.direction == Direction::out && !t.sender.empty() && t.sender != "customer" && !is_system_sender(t.sender);
}

const Manager* signer(const Book& slice, const Customer& c, const Manager* viewer) {
  for (const Manager& m : slice.managers)
    if (m.id == c.owner) return &m;
  return viewer;
}

namespace {

void sort_records(CustomerRecords& r) {
  std::sort(r.touchpoints.begin(), r.touchpoints.end(), [](const Touchpoint* a, const Touchpoint* b) {
    return a->at != b->at ? a->at < b->at : a->id < b->id;
  });
  std::sort(r.scheduled.begin(), r.scheduled.end(), [](const Scheduled* a, const Scheduled* b) {
    return a->scheduled_at != b->scheduled_at ? a->scheduled_at < b->scheduled_at : a->id < b->id;
  });
}

// Appends every record of `list` whose customer is indexed to that customer's vector.
template <typename R, typename Lookup, typename Pick>
void distribute(const std::vector<R>& list, Lookup&& slot_of, Pick&& vec_of) {
  for (const R& r : list)
    if (CustomerRecords* slot = slot_of(r.customer)) vec_of(*slot).push_back(&r);
}

}  // namespace

std::vector<CustomerRecords> index_customers(const Book& slice, const Viewer& viewer, std::string_view manager_id,
                                             Time now) {
  std::vector<CustomerRecords> out;
  std::unordered_map<std::string_view, std::size_t> slot;
  slot.reserve(slice.customers.size());
  for (const Customer& c : slice.customers)
    if (viewer.sees(c, manager_id)) {
      slot.emplace(c.id, out.size());
      out.push_back({});
      out.back().customer = &c;
    }
  // Records usually come grouped by customer (the store's order, a document's order),
  // so remembering the last answer skips most hash lookups; a whole book scanned for
  // one manager is mostly misses, which the memo skips too.
  std::string_view last_id;
  CustomerRecords* last_slot = nullptr;
  bool have_last = false;
  auto slot_of = [&](const std::string& id) -> CustomerRecords* {
    if (have_last && id == last_id) return last_slot;
    auto it = slot.find(id);
    last_id = id;
    last_slot = it == slot.end() ? nullptr : &out[it->second];
    have_last = true;
    return last_slot;
  };
  distribute(slice.cases, slot_of, [](CustomerRecords& r) -> auto& { return r.cases; });
  distribute(slice.promises, slot_of, [](CustomerRecords& r) -> auto& { return r.promises; });
  distribute(slice.exceptions, slot_of, [](CustomerRecords& r) -> auto& { return r.exceptions; });
  distribute(slice.scheduled, slot_of, [](CustomerRecords& r) -> auto& { return r.scheduled; });
  for (const Touchpoint& t : slice.touchpoints)
    if (t.at <= now)  // "As of": later touchpoints have not happened yet
      if (CustomerRecords* r = slot_of(t.customer)) r->touchpoints.push_back(&t);
  for (CustomerRecords& r : out) sort_records(r);
  return out;
}

CustomerRecords index_customer(const Book& slice, std::string_view customer_id, Time now) {
  CustomerRecords r;
  for (const Customer& c : slice.customers)
    if (c.id == customer_id) r.customer = &c;
  if (!r.customer) return r;
  for (const Case& c : slice.cases)
    if (c.customer == customer_id) r.cases.push_back(&c);
  for (const Promise& p : slice.promises)
    if (p.customer == customer_id) r.promises.push_back(&p);
  for (const Exception& x : slice.exceptions)
    if (x.customer == customer_id) r.exceptions.push_back(&x);
  for (const Scheduled& s : slice.scheduled)
    if (s.customer == customer_id) r.scheduled.push_back(&s);
  for (const Touchpoint& t : slice.touchpoints)
    if (t.customer == customer_id && t.at <= now) r.touchpoints.push_back(&t);
  sort_records(r);
  return r;
}

}  // namespace cockpit
