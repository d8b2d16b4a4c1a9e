// The lead's reassignment in the mirror (app/mirror.hpp), the three steps of the team
// view's canvas (ui/lead_view.cpp): search the book and choose the customer, choose the
// manager who takes them over, confirm. Each choice is a toggle button carrying the
// same UI state change as the canvas's selectable; the confirm sends the same action.
#include <string>

#include "app/app_controller.hpp"
#include "app/mirror.hpp"

namespace cockpit::mirror {
namespace {

int toggle(Tree& t, int parent, const std::string& key, std::string name, std::string control, bool on) {
  const int b = t.add(parent, Role::button, key, std::move(name), UiControl{std::move(control)});
  t.nodes[static_cast<std::size_t>(b)].flags |= kToggle | (on ? kPressed : 0);
  return b;
}

// Step 1: the search box and the customers it finds.
void add_customer_step(Tree& t, int r, AppController& data, const Screen& s) {
  const int search = t.add(r, Role::textbox, "lead.reassign.search", "1. Customer: type a name or id",
                           UiControl{"reassign.search"});
  t.nodes[static_cast<std::size_t>(search)].value = s.reassign_search;
  const auto& hits = data.find_customers(s.reassign_search, 40);
  if (hits.empty()) {
    t.add(r, Role::text, "lead.reassign.none", "No customer matches.");
    return;
  }
  const int list = t.add(r, Role::list, "lead.reassign.customers", "Customers found");
  for (const auto& [id, label] : hits) {
    const int li = t.add(list, Role::listitem, "lead.reassign.c." + id);
    toggle(t, li, "lead.reassign.customer." + id, label, "reassign.customer:" + id, s.reassign_customer == id);
  }
}

// Step 2: the managers, one of whom takes the customer over.
void add_owner_step(Tree& t, int r, const Book& slice, const Screen& s) {
  const int list = t.add(r, Role::list, "lead.reassign.owners", "2. New owner");
  for (const Manager& mg : slice.managers) {
    const int li = t.add(list, Role::listitem, "lead.reassign.o." + mg.id);
    toggle(t, li, "lead.reassign.to." + mg.id, "New owner: " + mg.name, "reassign.to:" + mg.id, s.reassign_to == mg.id);
  }
}

std::string manager_of(const Book& slice, const std::string& id) {
  for (const Manager& mg : slice.managers)
    if (mg.id == id) return mg.name;
  return id;
}

// Step 3: the question and its button, once both are chosen (the canvas's button is
// disabled until then).
void add_confirm_step(Tree& t, int r, const Book& slice, const Screen& s) {
  if (s.reassign_customer.empty() || s.reassign_to.empty()) {
    t.add(r, Role::text, "lead.reassign.wait", "3. Confirm: choose a customer and the new owner first.");
    return;
  }
  std::string name = s.reassign_customer, from = "?";
  for (const Customer& c : slice.customers)
    if (c.id == s.reassign_customer) name = c.name, from = manager_of(slice, c.owner);
  t.add(r, Role::text, "lead.reassign.question",
        "3. Confirm: move " + name + " from " + from + " to " + manager_of(slice, s.reassign_to) + "?");
  t.add(r, Role::button, "lead.reassign.confirm", "Reassign " + name + " to " + manager_of(slice, s.reassign_to),
        UiControl{"reassign.confirm"});
}

}  // namespace

void add_reassign(Tree& t, int main, AppController& data, const Screen& s) {
  const Session* session = data.session();
  if (!session) return;
  const int r = t.add(main, Role::region, "lead.reassign", "Reassign a customer");
  const int h = t.add(r, Role::heading, "lead.reassign.h", "Reassign a customer");
  t.nodes[static_cast<std::size_t>(h)].level = 2;
  t.add(r, Role::text, "lead.reassign.hint",
        "Pick the customer, then the manager who takes them over. Their promises, exceptions and history move with "
        "them; Undo takes it back.");
  add_customer_step(t, r, data, s);
  add_owner_step(t, r, session->slice(), s);
  add_confirm_step(t, r, session->slice(), s);
}

}  // namespace cockpit::mirror
