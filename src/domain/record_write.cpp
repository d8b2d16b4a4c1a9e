#include "domain/record_write.hpp"

#include "domain/overloaded.hpp"

namespace cockpit {

std::string_view record_kind(const AnyRecord& r) {
  return std::visit(Overloaded{
                        [](const Manager&) { return std::string_view("managers"); },
                        [](const Customer&) { return std::string_view("customers"); },
                        [](const Case&) { return std::string_view("cases"); },
                        [](const Promise&) { return std::string_view("promises"); },
                        [](const Exception&) { return std::string_view("exceptions"); },
                        [](const Touchpoint&) { return std::string_view("touchpoints"); },
                        [](const Scheduled&) { return std::string_view("scheduled"); },
                        [](const SuggestionDecision&) { return std::string_view("suggestion_decisions"); },
                    },
                    r);
}

std::string customer_of(const AnyRecord& r) {
  return std::visit(Overloaded{
                        [](const Manager&) { return std::string(); },
                        [](const Customer& c) { return c.id; },
                        [](const auto& x) { return x.customer; },
                    },
                    r);
}

}  // namespace cockpit
