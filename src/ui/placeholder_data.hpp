#pragma once
// TEMPORARY. Hard-coded rows for the cockpit frame until the real view models arrive
// from src/app (built by the store + engine). The structs below are shaped like view
// models should be: plain rows with labels already formatted, no SQL, no rules.
// Delete this file when App reads real view models.
#include <string>
#include <vector>

namespace cockpit::ui {

struct PlaceholderItem {
  std::string customer;  // display name
  std::string text;      // one line: what it is about
  std::string when;      // already formatted ("due 3 days ago", "held since 09:12")
};

struct PlaceholderCustomer {
  std::string id, name, company;
  int open_promises = 0;
  int overdue = 0;
  int exceptions = 0;
  std::string last_contact;  // formatted
};

struct PlaceholderCockpit {
  std::string manager;  // the signed-in customer manager
  std::string role;
  std::vector<PlaceholderItem> suggested, overdue, exceptions, held;
  std::vector<PlaceholderCustomer> customers;
};

const PlaceholderCockpit& placeholder_cockpit();

}  // namespace cockpit::ui
