#include "app/actions.hpp"

#include "domain/overloaded.hpp"

namespace cockpit {
std::string_view action_name(const Action& a) {
  return std::visit(Overloaded{
                        [](const SendMessage&) { return std::string_view("send_message"); },
                        [](const NewDate&) { return std::string_view("new_date"); },
                        [](const MarkKept&) { return std::string_view("mark_kept"); },
                        [](const DismissSuggestion&) { return std::string_view("dismiss"); },
                        [](const SnoozeSuggestion&) { return std::string_view("snooze"); },
                        [](const ResolveException&) { return std::string_view("resolve_exception"); },
                        [](const RerouteException&) { return std::string_view("reroute_exception"); },
                        [](const ReleaseHeld&) { return std::string_view("release_held"); },
                        [](const CancelHeld&) { return std::string_view("cancel_held"); },
                        [](const LogContact&) { return std::string_view("log_contact"); },
                        [](const ReassignCustomer&) { return std::string_view("reassign_customer"); },
                        [](const ImportRecords&) { return std::string_view("import_csv"); },
                        [](const Undo&) { return std::string_view("undo"); },
                    },
                    a);
}

}  // namespace cockpit
