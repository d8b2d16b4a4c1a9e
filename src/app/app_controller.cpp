#include "app/app_controller.hpp"

#include <cstdio>

#include "domain/demo_book.hpp"

namespace cockpit {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string out;
  char buf[8192];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace

AppController::~AppController() {
  // The session and sync refer to the store: drop them first.
  sync_.reset();
  account_.reset();
  session_.reset();
  identity_.reset();
  store_.reset();
}

void AppController::load_templates(const std::string& path) {
  templates_ = builtin_templates();
  templates_source_ = "built-in";
  templates_error_.clear();
  if (path.empty()) return;
  auto text = read_file(path);
  if (!text) return;
  TemplatesOrError t = parse_templates(*text);
  if (!t.templates) {
    templates_error_ = path + ": " + t.error;
    return;
  }
  templates_ = std::move(*t.templates);
  templates_source_ = path;
}

bool AppController::open(const ControllerConfig& config, Time now) {
  OpenOptions o;
  o.journal_mode = config.journal_mode;
  auto s = Store::open(config.db_path, o);
  if (!s) {
    error_ = "could not open " + config.db_path + ": " + s.error();
    return false;
  }
  return open_store(std::move(s.value()), config, now);
}

bool AppController::open_store(Store store, const ControllerConfig& config, Time now) {
  session_.reset();
  identity_.reset();
  store_ = std::make_unique<Store>(std::move(store));
  return finish_open(config, now);
}

bool AppController::finish_open(const ControllerConfig& config, Time now) {
  config_ = config;
  load_templates(config.templates_path);
  // An empty store (nothing ever written) gets the demo book, marked in the audit trail
  // as "demo" the way `cockpit-cli demo` marks it, so the badge survives a restart.
  // A device of a server gets its records from the server, never a demo of its own.
  auto first = store_->changes(0, 1);
  if (!server_mode() && first && first->empty()) {
    const Book demo = demo_book_at(now);
    const Stamp who{"system:demo", now};
    Status st = store_->transaction([&]() -> Status {
      auto r = store_->import_document(demo, who);
      if (!r) return Error{r.error()};
      return store_->append_audit(who, "demo", R"({"source":"built-in demo book"})");
    });
    if (!st) {
      error_ = "could not write the demo book: " + st.error();
      return false;
    }
    if (config_.platform) config_.platform->persist_after_commit();
  }
  demo_ = false;
  if (auto audit = store_->audit(0, 50)) {
    for (const AuditEntry& e : audit.value())
      if (e.action == "demo") demo_ = true;
  }
  const std::string remember = config.db_path.empty() ? std::string() : config.db_path + ".identity";
  identity_ = std::make_unique<LocalIdentity>(*store_, remember);
  ++revision_;
  if (server_mode()) resume_device(now);
  return true;
}

std::vector<Person> AppController::people() {
  if (server_mode() || !identity_) return {};  // the server's people sign in with a password
  return identity_->people();
}

bool AppController::sign_in(const std::string& manager_id, Time now) {
  if (!identity_) {
    error_ = "no database is open";
    return false;
  }
  if (server_mode()) {
    error_ = "sign in with your password";
    return false;
  }
  std::string why;
  if (!identity_->sign_in(manager_id, "", why)) {
    error_ = why;
    return false;
  }
  if (config_.platform) config_.platform->persist_after_commit();  // the remembered identity file, in the browser
  return open_session(manager_id, now);
}

// The person's working state over this device's store: their slice and lists.
bool AppController::open_session(const std::string& manager_id, Time now) {
  auto m = store_->get_manager(manager_id);
  if (!m || !m.value()) {
    error_ = "nobody with the id \"" + manager_id + "\" on this device";
    return false;
  }
  const Manager& who = *m.value();
  auto s = std::make_unique<Session>(*store_, Actor{who.id, who.role}, Settings{}, templates_);
  if (Status st = s->load(now); !st) {
    error_ = "could not load " + manager_id + "'s customers: " + st.error();
    return false;
  }
  // After every commit: the browser saves to IndexedDB, sync sends it at once.
  s->set_after_commit([this] {
    if (config_.platform) config_.platform->persist_after_commit();
    if (sync_) sync_->nudge();
  });
  session_ = std::move(s);
  me_ = Person{who.id, who.name, who.email, who.role};
  lists_minute_ = now / kMinute;
  ++revision_;
  return true;
}

bool AppController::sign_in_remembered(Time now) {
  if (!identity_) return false;
  auto a = identity_->remembered();
  return a && sign_in(a->manager_id, now);
}

void AppController::sign_out() {
  if (server_mode()) {
    const Time now = config_.platform ? config_.platform->now() : now_utc();
    // The request leaves with the session's credentials before the device forgets them.
    if (account_) account_->sign_out([this](bool answered) { sign_out_answer_ = answered; });
    wipe_device(now);
    remember_sign_out(true);  // until the server has answered (tick_sync)
    return;
  }
  if (identity_) identity_->sign_out();
  if (config_.platform) config_.platform->persist_after_commit();
  session_.reset();
  me_ = {};
  ++revision_;
}

Outcome AppController::apply(const Action& action, Time now) {
  if (!session_) return {false, "sign in first"};
  Outcome out = session_->apply(action, now);
  if (out.ok) {
    lists_minute_ = now / kMinute;
    ++revision_;
  }
  return out;
}

void AppController::tick(Time now) {
  if (server_mode()) tick_sync(now);
  if (!session_ || now / kMinute == lists_minute_) return;
  lists_minute_ = now / kMinute;
  session_->refresh(now);
  ++revision_;
}

const vm::SearchIndex& AppController::search_index() {
  if (index_rev_ != revision_ && session_) {
    index_.build(session_->slice());
    index_rev_ = revision_;
  }
  return index_;
}

const vm::CsvPreview& AppController::csv_preview(const CsvUploadInput& input) {
  if (!session_) {
    csv_preview_ = {};
    return csv_preview_;
  }
  if (csv_rev_ != revision_ || !(csv_input_ == input)) {
    csv_preview_ = vm::build_csv_preview(session_->slice(), input);
    csv_rev_ = revision_;
    csv_input_ = input;
  }
  return csv_preview_;
}

const vm::TodayModel& AppController::today(const vm::CustomerQuery& query, Time now) {
  if (!session_) {
    today_ = {};
    return today_;
  }
  if (today_rev_ != revision_ || !(today_query_ == query)) {
    const vm::SearchIndex& index = search_index();
    today_ = vm::build_today(session_->slice(), session_->lists(), index, query, now);
    today_rev_ = revision_;
    today_query_ = query;
  }
  return today_;
}

vm::CustomerListRow AppController::today_row(int list_index, const std::string& search) const {
  return vm::customer_row(session_->slice(), session_->lists(), index_, list_index, search);
}

const vm::CustomerModel& AppController::customer(const std::string& id, Time now) {
  if (!session_) {
    customer_ = {};
    return customer_;
  }
  if (customer_rev_ != revision_ || customer_id_ != id) {
    customer_ = vm::build_customer(session_->slice(), session_->lists(), id, now, session_->settings());
    customer_rev_ = revision_;
    customer_id_ = id;
  }
  return customer_;
}

const std::vector<vm::ManagerLoad>& AppController::lead(Time now) {
  if (!session_) {
    lead_.clear();
    return lead_;
  }
  if (lead_rev_ != revision_) {
    lead_ = vm::build_lead(session_->slice(), session_->lists(), now);
    lead_rev_ = revision_;
  }
  return lead_;
}

const std::vector<vm::SenderUse>& AppController::unasking_senders() {
  if (!session_) {
    senders_.clear();
    return senders_;
  }
  if (senders_rev_ != revision_) {
    senders_ = vm::build_unasking_senders(session_->slice(), session_->lists());
    senders_rev_ = revision_;
  }
  return senders_;
}

const std::vector<std::pair<std::string, std::string>>& AppController::find_customers(const std::string& search,
                                                                                   std::size_t limit) {
  if (!session_) {
    found_.clear();
    return found_;
  }
  if (found_rev_ != revision_ || found_search_ != search) {
    found_ = vm::find_customers(session_->slice(), search, limit);
    found_rev_ = revision_;
    found_search_ = search;
  }
  return found_;
}

}  // namespace cockpit
