// TEMPORARY placeholder rows (see placeholder_data.hpp). Not real data; delete when
// the App reads view models from src/app.
#include "ui/placeholder_data.hpp"

namespace cockpit::ui {

const PlaceholderCockpit& placeholder_cockpit() {
  static const PlaceholderCockpit data = [] {
    PlaceholderCockpit d;
    d.manager = "Anna Keller";
    d.role = "Customer manager";
    d.suggested = {
        {"Bergmann Logistik", "Tell them the new delivery date for order 4471", "promise moved yesterday"},
        {"Nordlicht Bakery", "No personal message in 41 days", "last contact Oct 12"},
        {"Hoffmann & Sohn", "Exception resolved: confirm the refund", "resolved today"},
    };
    d.overdue = {
        {"Bergmann Logistik", "Send the revised quote", "due 3 days ago"},
        {"Kessler Dental", "Call back about the invoice", "due yesterday"},
    };
    d.exceptions = {
        {"Hoffmann & Sohn", "Payment failed twice", "open 2 days"},
        {"Alpine Outfitters", "Shipment stuck in customs", "open 5 days"},
        {"Kessler Dental", "Address could not be verified", "open 1 day"},
        {"Nordlicht Bakery", "Card expires this month", "open 6 hours"},
    };
    d.held = {
        {"Alpine Outfitters", "Automated 'Your order shipped' held: open exception", "held since 09:12"},
    };
    d.customers = {
        {"c-1001", "Jonas Bergmann", "Bergmann Logistik", 2, 1, 0, "Nov 19"},
        {"c-1002", "Mira Hoffmann", "Hoffmann & Sohn", 1, 0, 1, "Nov 21"},
        {"c-1003", "Lea Kessler", "Kessler Dental", 1, 1, 1, "Nov 02"},
        {"c-1004", "Tom Richter", "Alpine Outfitters", 0, 0, 1, "Nov 20"},
        {"c-1005", "Sofia Brandt", "Nordlicht Bakery", 0, 0, 1, "Oct 12"},
        {"c-1006", "Paul Weber", "Weber Architekten", 1, 0, 0, "Nov 22"},
        {"c-1007", "Emma Schulz", "Schulz Garden Supply", 0, 0, 0, "Nov 15"},
    };
    return d;
  }();
  return data;
}

}  // namespace cockpit::ui
