// Zendesk event webhooks (https://developer.zendesk.com/api-reference/webhooks/event-types/):
// {type: "zen:event-type:ticket.created", id, time, subject: "zen:ticket:35436",
//  detail: {id, status, subject, type, tags, priority, requester_id, via: {channel},
//  created_at, updated_at}, event: {…}}. A ticket names its requester by Zendesk user
// id only: the customer is matched by that id kept on the customer (learned from a
// user event that carries the e-mail, or from the lead matching an event by hand).
#include <algorithm>

#include "server/connect_map_parts.hpp"

namespace cockpit::server::connect {

namespace {

constexpr std::string_view kTicket = "zen:event-type:ticket.", kUser = "zen:event-type:user.";

// Whether the admin marked this kind of ticket ("type:problem", "tag:refund", "priority:urgent").
bool marked(const json& d, const SourceOptions& o) {
  const auto& marks = o.marked.empty() ? default_marked() : o.marked;
  auto has = [&](const std::string& m) { return std::find(marks.begin(), marks.end(), m) != marks.end(); };
  if (has("type:" + lower(text(d, "type"))) || has("priority:" + lower(text(d, "priority")))) return true;
  const auto tags = d.find("tags");
  if (tags != d.end() && tags->is_array())
    for (const auto& t : *tags)
      if (t.is_string() && has("tag:" + lower(t.get<std::string>()))) return true;
  return false;
}

bool open_status(const std::string& s) { return s == "new" || s == "open" || s == "pending" || s == "hold"; }

std::string channel_of(const json& d) {
  const std::string via = lower(text(object(d, "via"), "channel"));
  if (via == "email" || via == "mail") return "email";
  if (via == "voice" || via == "phone") return "phone";
  if (via == "sms") return "sms";
  if (via == "chat" || via == "messaging" || via == "native_messaging" || via == "whatsapp") return "chat";
  return "portal";  // web form, help center, API
}

std::string subject_of(const json& d) {
  const std::string s = text(d, "subject");
  return s.empty() ? "Zendesk ticket #" + text(d, "id") : s;
}

json incoming(const json& d, Time at, const std::string& subject) {
  return {{"case", nullptr},     {"at", format_time(at)}, {"channel", channel_of(d)}, {"direction", "in"},
          {"sender", "customer"}, {"kind", "question"},   {"subject", subject}};
}

// The exception of a marked ticket follows its status; an unmarked or solved one is resolved.
Patch ticket_exception(const json& d, const SourceOptions& o, const Mapped& m) {
  Patch p;
  p.kind = RecordKind::exception;
  p.id = "x-zendesk-" + text(d, "id");
  if (marked(d, o) && open_status(lower(text(d, "status")))) {
    p.fields = {{"status", "open"}, {"resolved_at", nullptr}, {"summary", "Zendesk ticket #" + text(d, "id") + ": " + subject_of(d)}};
    const auto created = parse_time(text(d, "created_at"));
    p.create = {{"case", nullptr}, {"kind", "support_ticket"}, {"raised_at", format_time(created ? *created : m.at)},
                {"waiting_on", "support"}};
    p.missing = WhenMissing::create;
  } else {
    p.fields = {{"status", "resolved"}, {"resolved_at", format_time(m.at)}};
    p.missing = WhenMissing::skip;
  }
  return p;
}

// A comment by the requester (not by an agent) is a message in.
void comment(const json& e, const json& d, Mapped& m) {
  const json& c = object(object(e, "event"), "comment");
  if (c.is_null()) return;
  const json& author = object(c, "author");
  const bool from_requester = text(author, "id") == text(d, "requester_id") ||
                              (author.contains("is_staff") && author["is_staff"] == false);
  if (!from_requester) return;
  m.patches.push_back(touchpoint("t-zendesk-" + text(d, "id") + "-c" + text(c, "id"),
                                 incoming(d, m.at, "Re: " + subject_of(d))));
}

void map_ticket(const json& e, const json& d, const SourceOptions& o, Mapped& m) {
  m.who = {text(d, "requester_id"), {}, {}};
  if (m.type == "zen:event-type:ticket.created") {
    const auto created = parse_time(text(d, "created_at"));
    m.patches.push_back(touchpoint("t-zendesk-" + text(d, "id"), incoming(d, created ? *created : m.at, subject_of(d))));
  } else if (m.type == "zen:event-type:ticket.comment_added") {
    comment(e, d, m);
  }
  m.patches.push_back(ticket_exception(d, o, m));
}

}  // namespace

Mapped map_zendesk(const json& e, const SourceOptions& options) {
  Mapped m;
  m.event_id = text(e, "id");
  m.type = text(e, "type");
  if (m.event_id.empty()) return failed("a Zendesk event has an \"id\"", "id");
  if (m.type.empty()) return failed("a Zendesk event has a \"type\" (zen:event-type:…)", "type");
  const json& d = object(e, "detail");
  // The ticket's own version orders changes; the event's time otherwise.
  auto at = parse_time(text(d, "updated_at"));
  if (!at) at = parse_time(text(e, "time"));
  if (!at) return failed("a Zendesk event has a \"time\" (ISO 8601)", "time");
  m.at = *at;
  const bool ticket = m.type.rfind(kTicket, 0) == 0, user = m.type.rfind(kUser, 0) == 0;
  if ((ticket || user) && text(d, "id").empty()) return failed("the Zendesk event's \"detail\" has no \"id\"", "detail.id");
  if (ticket) map_ticket(e, d, options, m);
  else if (user && !text(d, "email").empty()) m.who = {text(d, "id"), lower(text(d, "email")), {}};  // links the ids
  else m.ignored = "Zendesk event type \"" + m.type + "\" is not mapped";
  return m;
}

}  // namespace cockpit::server::connect
