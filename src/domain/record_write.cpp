#include "domain/record_write.hpp"

#include "domain/overloaded.hpp"

namespace cockpit {

std::string customer_of(const AnyRecord& r) {
  return std::visit(Overloaded{
                        [](const Manager&) { return std::string(); },
                        [](const Customer& c) { return c.id; },
                        [](const auto& x) { return x.customer; },
                    },
                    r);
}

}  // namespace cockpit
