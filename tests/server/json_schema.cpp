#include "json_schema.hpp"

#include <regex>
#include <set>
#include <stdexcept>

namespace cockpit::test {
namespace {

using nlohmann::json;

const std::set<std::string> kKeywords = {
    "$ref",  "type",  "properties", "required", "additionalProperties", "items",     "enum",      "const",
    "oneOf", "anyOf", "allOf",      "minimum",  "maximum",              "minLength", "maxLength", "pattern",
};
const std::set<std::string> kAnnotations = {"description", "title", "format", "default", "examples"};

bool has_type(const json& v, const std::string& t) {
  if (t == "null") return v.is_null();
  if (t == "boolean") return v.is_boolean();
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "number") return v.is_number();
  if (t == "integer") return v.is_number_integer() || (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())));
  throw std::invalid_argument("unknown type \"" + t + "\"");
}

std::string pointer_part(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return out;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& v, const json& s, const std::string& at, std::vector<std::string>& out) const {
    if (s.is_boolean()) {
      if (!s.get<bool>()) out.push_back(at + ": no value is allowed here");
      return;
    }
    if (!s.is_object()) throw std::invalid_argument("a schema must be an object or a boolean, at " + at);
    for (auto it = s.begin(); it != s.end(); ++it)
      if (!kKeywords.count(it.key()) && !kAnnotations.count(it.key()))
        throw std::invalid_argument("schema keyword \"" + it.key() + "\" is not supported (tests/server/json_schema.hpp)");
    if (auto r = s.find("$ref"); r != s.end()) check(v, resolve(*r), at, out);
    if (auto t = s.find("type"); t != s.end()) {
      const json types = t->is_array() ? *t : json::array({*t});
      bool any = false;
      for (const auto& name : types) any = any || has_type(v, name.get<std::string>());
      if (!any) out.push_back(at + ": " + std::string(v.type_name()) + " is not of type " + t->dump());
      if (!any) return;  // the other keywords would only repeat it
    }
    if (auto e = s.find("enum"); e != s.end()) {
      bool found = false;
      for (const auto& x : *e) found = found || x == v;
      if (!found) out.push_back(at + ": " + v.dump() + " is not one of " + e->dump());
    }
    if (auto c = s.find("const"); c != s.end() && *c != v) out.push_back(at + ": " + v.dump() + " is not " + c->dump());
    if (v.is_number()) numbers(v.get<double>(), s, at, out);
    if (v.is_string()) strings(v.get<std::string>(), s, at, out);
    if (v.is_object()) object(v, s, at, out);
    if (v.is_array())
      if (auto items = s.find("items"); items != s.end())
        for (std::size_t i = 0; i < v.size(); ++i) check(v[i], *items, at + "/" + std::to_string(i), out);
    combinations(v, s, at, out);
  }

 private:
  const json& resolve(const json& ref) const {
    const std::string r = ref.get<std::string>();
    if (r.rfind("#/", 0) != 0) throw std::invalid_argument("only local $refs are supported: " + r);
    const json::json_pointer p(r.substr(1));
    if (!root_.contains(p)) throw std::invalid_argument("$ref to nothing: " + r);
    return root_.at(p);
  }

  static void numbers(double n, const json& s, const std::string& at, std::vector<std::string>& out) {
    if (auto m = s.find("minimum"); m != s.end() && n < m->get<double>()) out.push_back(at + ": below " + m->dump());
    if (auto m = s.find("maximum"); m != s.end() && n > m->get<double>()) out.push_back(at + ": above " + m->dump());
  }

  static void strings(const std::string& str, const json& s, const std::string& at, std::vector<std::string>& out) {
    if (auto m = s.find("minLength"); m != s.end() && str.size() < m->get<std::size_t>())
      out.push_back(at + ": shorter than " + m->dump());
    if (auto m = s.find("maxLength"); m != s.end() && str.size() > m->get<std::size_t>())
      out.push_back(at + ": longer than " + m->dump());
    if (auto p = s.find("pattern"); p != s.end() && !std::regex_search(str, std::regex(p->get<std::string>())))
      out.push_back(at + ": \"" + str + "\" does not match " + p->dump());
  }

  void object(const json& v, const json& s, const std::string& at, std::vector<std::string>& out) const {
    static const json kNone = json::object();
    const json& props = s.contains("properties") ? s["properties"] : kNone;
    if (auto r = s.find("required"); r != s.end())
      for (const auto& name : *r)
        if (!v.contains(name.get<std::string>())) out.push_back(at + ": \"" + name.get<std::string>() + "\" is missing");
    const auto extra = s.find("additionalProperties");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string where = at + "/" + pointer_part(it.key());
      if (auto p = props.find(it.key()); p != props.end())
        check(it.value(), *p, where, out);
      else if (extra != s.end())
        check(it.value(), *extra, where + " (not a listed property)", out);
    }
  }

  void combinations(const json& v, const json& s, const std::string& at, std::vector<std::string>& out) const {
    if (auto all = s.find("allOf"); all != s.end())
      for (const auto& sub : *all) check(v, sub, at, out);
    auto count_valid = [&](const json& list, std::vector<std::string>& why) {
      std::size_t n = 0;
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::vector<std::string> p;
        check(v, list[i], at, p);
        if (p.empty()) ++n;
        for (auto& x : p) why.push_back("[" + std::to_string(i) + "] " + x);
      }
      return n;
    };
    if (auto any = s.find("anyOf"); any != s.end()) {
      std::vector<std::string> why;
      if (count_valid(*any, why) == 0) out.push_back(at + ": matches none of anyOf: " + join(why));
    }
    if (auto one = s.find("oneOf"); one != s.end()) {
      std::vector<std::string> why;
      const std::size_t n = count_valid(*one, why);
      if (n == 0) out.push_back(at + ": matches none of oneOf: " + join(why));
      if (n > 1) out.push_back(at + ": matches " + std::to_string(n) + " of oneOf, not exactly one");
    }
  }

  static std::string join(const std::vector<std::string>& parts) {
    std::string s;
    for (const auto& p : parts) s += (s.empty() ? "" : "; ") + p;
    return s;
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> schema_problems(const nlohmann::json& value, const nlohmann::json& schema,
                                         const nlohmann::json& root) {
  std::vector<std::string> out;
  Validator(root).check(value, schema, "", out);
  return out;
}

}  // namespace cockpit::test
