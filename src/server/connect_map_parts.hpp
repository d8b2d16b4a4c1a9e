#pragma once
// Shared by the per-source mappings (connect_stripe.cpp, connect_shopify.cpp,
// connect_zendesk.cpp). Private to src/server.
#include <string>

#include "server/connect_map.hpp"

namespace cockpit::server::connect {

using sync::json;

// A key's value as text: a string as is, an integer in decimal (ids come as either),
// "" for anything else or absent.
std::string text(const json& j, const char* key);
// A key's object ("null" json when absent or not an object).
const json& object(const json& j, const char* key);
std::string lower(std::string s);
// "12.50 EUR" from an amount in the currency's smallest unit.
std::string money(const json& amount, const std::string& currency);
Mapped failed(std::string error, std::string field = "");

// A new touchpoint from a source system (created once, never changed by later events).
Patch touchpoint(std::string id, const json& create);

Mapped map_stripe(const json& e);
Mapped map_shopify(const std::map<std::string, std::string>& headers, const json& order);
Mapped map_zendesk(const json& e, const SourceOptions& options);

}  // namespace cockpit::server::connect
