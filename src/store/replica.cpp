// The device side of sync, as storage: replica values (client id, cursor, whose share),
// the outbox with bases, applying what the server answered, the notices to show.
// The rules of what to send and how to read answers live in src/client; this file
// only makes each answer one transaction.
//
// [SECTION] Index
//  - helpers: a blank record, parsing one stored record back, the kinds children first
//  - replica values
//  - outbox
//  - apply_remote: acks, removals, deletions, records, cursor, notices
//  - notices
#include <algorithm>

#include "store/store_impl.hpp"

namespace cockpit {

namespace {

// ---------------------------------------------------------------- [SECTION] helpers

// A record of kind `k` carrying only its id: what an erasure in RecordWrites needs.
AnyRecord blank(RecordKind k, const std::string& id) {
  return visit_kind(k, [&]<class R>(std::type_identity<R>) {
    R r{};
    r.id = id;
    return AnyRecord{std::move(r)};
  });
}

// One record from its contract JSON (a base or stash this store wrote itself), checked
// like any document against what the store holds.
std::optional<AnyRecord> parse_one(RecordKind k, const std::string& json, const KnownRecords& known) {
  std::string doc = "{\"";
  doc += list_name(k);
  doc += "\":[" + json + "]}";
  ParsedDocument d = parse_document(doc, &known);
  if (!d.ok()) return std::nullopt;
  return visit_kind(k, [&]<class R>(std::type_identity<R>) -> std::optional<AnyRecord> {
    const auto& list = d.book.*RecordInfo<R>::book;
    if (list.empty()) return std::nullopt;
    return AnyRecord{list.front()};
  });
}

// Every kind, children first: deleting in this order keeps each foreign key.
std::array<RecordKind, kRecordKindCount> children_first() {
  auto kinds = all_record_kinds();
  std::reverse(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace

// ---------------------------------------------------------------- [SECTION] replica values

Result<std::string> Store::replica_value(std::string_view key) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::string> {
    Using q(s.stmt("SELECT value FROM replica_meta WHERE key = ?1"));
    q->bind(1, key);
    return q->step() ? q->text(0) : std::string();
  });
}

Status Store::set_replica_value(std::string_view key, std::string_view value) {
  Impl& s = *impl_;
  return guarded([&]() -> Status {
    Using q(s.stmt("INSERT INTO replica_meta (key, value) VALUES (?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    q->bind(1, key);
    q->bind(2, value);
    q->run();
    return Status::success();
  });
}

// ---------------------------------------------------------------- [SECTION] outbox

Result<std::vector<OutboxEntry>> Store::outbox(std::size_t limit) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::vector<OutboxEntry>> {
    Using q(s.stmt(
        "SELECT c.seq, c.entity, c.entity_id, c.op, c.record, c.base, COALESCE(b.seq, 0) FROM change_log c "
        "LEFT JOIN replica_base b ON b.entity = c.entity AND b.id = c.entity_id "
        "WHERE c.synced = 0 ORDER BY c.seq LIMIT ?1"));
    q->bind(1, static_cast<std::int64_t>(limit));
    std::vector<OutboxEntry> out;
    while (q->step()) {
      OutboxEntry e;
      e.seq = q->integer(0);
      e.entity = parse_RecordKind(q->view(1)).value_or(RecordKind::manager);
      e.id = q->text(2);
      e.op = q->text(3);
      e.record = q->opt_text(4);
      e.base = q->opt_text(5);
      e.base_seq = q->integer(6);
      out.push_back(std::move(e));
    }
    return out;
  });
}

Result<std::size_t> Store::outbox_size() {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::size_t> {
    return static_cast<std::size_t>(s.db.query_int("SELECT count(*) FROM change_log WHERE synced = 0"));
  });
}

// ---------------------------------------------------------------- [SECTION] apply_remote

namespace {

// The working parts of one apply_remote, over the open transaction.
struct Applier {
  Store::Impl& s;
  const Stamp& who;
  RemoteApplied out;

  bool pending(RecordKind e, std::string_view id) {
    Using q(s.stmt("SELECT 1 FROM change_log WHERE synced = 0 AND entity = ?1 AND entity_id = ?2 LIMIT 1"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    return q->step();
  }

  void set_base(RecordKind e, const std::string& id, const std::string& customer, std::int64_t seq) {
    Using q(s.stmt(
        "INSERT INTO replica_base (entity, id, customer, seq, stash) VALUES (?1, ?2, ?3, ?4, NULL) "
        "ON CONFLICT(entity, id) DO UPDATE SET customer = excluded.customer, seq = excluded.seq, stash = NULL"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->bind(3, customer);
    q->bind(4, seq);
    q->run();
  }

  // Keeps the server's version (or "the server has none": "") for when the record's
  // unsent changes have been answered.
  void stash(RecordKind e, const std::string& id, const std::string& customer, std::int64_t seq,
             const std::string& body) {
    Using q(s.stmt(
        "INSERT INTO replica_base (entity, id, customer, seq, stash) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(entity, id) DO UPDATE SET customer = excluded.customer, seq = MAX(seq, excluded.seq), "
        "stash = excluded.stash"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->bind(3, customer);
    q->bind(4, seq);
    q->bind(5, body);
    q->run();
  }

  void drop_base(RecordKind e, std::string_view id) {
    Using q(s.stmt("DELETE FROM replica_base WHERE entity = ?1 AND id = ?2"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->run();
  }

  // `elsewhere`: the change came from another device, the lead or upstream (it is
  // marked on screen); not for the server's answer to this device's own change.
  void write(const AnyRecord& r, bool elsewhere = true) {
    if (std::visit([&](const auto& x) { return s.put_row(x, who, LogMode::remote); }, r)) {
      out.writes.push_back({r});
      if (elsewhere) out.customers.push_back(customer_of(r));
    }
  }

  void erase(RecordKind e, const std::string& id, bool elsewhere = true) {
    // Whose record it was, read before it goes: a deleted message changes its customer.
    std::string customer = e == RecordKind::customer ? id : std::string();
    if (e != RecordKind::customer && e != RecordKind::manager) {
      Using q(s.stmt("SELECT customer FROM " + std::string(list_name(e)) + " WHERE id = ?1"));
      q->bind(1, id);
      if (q->step()) customer = q->text(0);
    }
    if (!s.remove_any(e, id, who, LogMode::remote)) return;  // not here: nothing changed
    out.writes.push_back({blank(e, id), true});
    if (elsewhere && !customer.empty()) out.customers.push_back(customer);
  }

  // The record's last unsent change was just answered: put the server's version in
  // place if one was held back.
  void settle(RecordKind e, const std::string& id) {
    if (pending(e, id)) return;
    std::optional<std::string> stashed;
    {
      Using q(s.stmt("SELECT stash FROM replica_base WHERE entity = ?1 AND id = ?2"));
      q->bind(1, to_string(e));
      q->bind(2, id);
      if (q->step()) stashed = q->opt_text(0);
    }
    if (!stashed) return;
    if (stashed->empty()) {
      erase(e, id, false);
      drop_base(e, id);
      return;
    }
    if (auto r = parse_one(e, *stashed, s.known)) write(*r, false);
    Using q(s.stmt("UPDATE replica_base SET stash = NULL WHERE entity = ?1 AND id = ?2"));
    q->bind(1, to_string(e));
    q->bind(2, id);
    q->run();
  }

  void ack(const RemoteAck& a) {
    std::optional<std::string> base;
    std::string customer = a.entity == RecordKind::customer ? a.id : std::string();
    {
      Using q(s.stmt("SELECT base, COALESCE(json_extract(record, '$.customer'), json_extract(base, '$.customer'), '') "
                     "FROM change_log WHERE seq = ?1"));
      q->bind(1, a.change_seq);
      if (q->step()) {
        base = q->opt_text(0);
        if (customer.empty()) customer = q->text(1);
      }
    }
    {
      Using q(s.stmt("UPDATE change_log SET synced = 1 WHERE seq = ?1"));
      q->bind(1, a.change_seq);
      q->run();
    }
    if (a.status == AckStatus::settled) {
      settle(a.entity, a.id);
      return;
    }
    if (a.status == AckStatus::applied) {
      if (!a.record) {
        drop_base(a.entity, a.id);  // deleted on the server too
        return;
      }
      const std::string body = std::visit([](const auto& x) { return to_json(x); }, *a.record);
      if (pending(a.entity, a.id)) {
        stash(a.entity, a.id, customer_of(*a.record), a.seq, body);
      } else {
        set_base(a.entity, a.id, customer_of(*a.record), a.seq);
        write(*a.record, false);
      }
      return;
    }
    // Refused: the edit did not happen. Unless a server version is already held back,
    // what the record was before this edit is what the server has ("" when the edit
    // created it).
    bool held = false;
    {
      Using q(s.stmt("SELECT stash IS NOT NULL FROM replica_base WHERE entity = ?1 AND id = ?2"));
      q->bind(1, to_string(a.entity));
      q->bind(2, a.id);
      held = q->step() && q->integer(0) != 0;
    }
    if (!held) stash(a.entity, a.id, customer, 0, base.value_or(""));
    settle(a.entity, a.id);
  }

  void remove_customer(const std::string& customer) {
    std::optional<std::string> owner = s.owner_of(customer);
    if (owner) {
      for (RecordKind k : children_first()) {
        if (k == RecordKind::customer) break;  // the records about the customer, then the customer
        Using q(s.stmt("DELETE FROM " + std::string(list_name(k)) + " WHERE owner = ?1 AND customer = ?2"));
        q->bind(1, *owner);
        q->bind(2, customer);
        q->run();
      }
      Using q(s.stmt("DELETE FROM customers WHERE id = ?1"));
      q->bind(1, customer);
      q->run();
    }
    {
      Using q(s.stmt("DELETE FROM replica_base WHERE customer = ?1"));
      q->bind(1, customer);
      q->run();
    }
    // Unsent edits of the customer can no longer be applied: say so, then drop them.
    Using q(s.stmt(
        "SELECT seq, entity, entity_id FROM change_log WHERE synced = 0 AND ("
        "(entity = 'customer' AND entity_id = ?1) OR json_extract(record, '$.customer') = ?1 OR "
        "json_extract(base, '$.customer') = ?1)"));
    q->bind(1, customer);
    std::vector<std::int64_t> dropped;
    while (q->step()) {
      dropped.push_back(q->integer(0));
      SyncNotice n;
      n.at = who.at;
      n.kind = "dropped";
      n.code = "reassigned";
      n.entity = q->text(1);
      n.entity_id = q->text(2);
      n.customer = customer;
      n.message = "Customer " + customer + " is no longer yours; your change to " + n.entity + " " + n.entity_id +
                  " was not sent.";
      notice(n);
    }
    for (auto seq : dropped) {
      Using u(s.stmt("UPDATE change_log SET synced = 1 WHERE seq = ?1"));
      u->bind(1, seq);
      u->run();
    }
    out.dropped += dropped.size();
    out.customers.push_back(customer);
  }

  // Everything goes but the records with unsent changes (their answers are coming).
  void clear_all() {
    for (RecordKind k : children_first()) {
      Using q(s.stmt("DELETE FROM " + std::string(list_name(k)) +
                     " WHERE id NOT IN (SELECT entity_id FROM change_log WHERE synced = 0 AND entity = ?1)"));
      q->bind(1, to_string(k));
      q->run();
    }
    s.db.exec("DELETE FROM replica_base");
  }

  void notice(const SyncNotice& n) {
    Using q(s.stmt(
        "INSERT INTO sync_notices (at, kind, code, entity, entity_id, customer, message, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    q->bind(1, n.at ? n.at : who.at);
    q->bind(2, n.kind);
    q->bind(3, n.code);
    q->bind(4, n.entity);
    q->bind(5, n.entity_id);
    q->bind(6, n.customer);
    q->bind(7, n.message);
    q->bind(8, n.detail.empty() ? std::string("{}") : n.detail);
    q->run();
  }
};

}  // namespace

Result<RemoteApplied> Store::apply_remote(const RemoteBatch& batch, const Stamp& who) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<RemoteApplied> {
    return s.atomic([&]() -> Result<RemoteApplied> {
      // Within one answer records may come in any order (a case before its customer);
      // the references must hold when it commits.
      s.db.exec("PRAGMA defer_foreign_keys = ON");
      Applier a{s, who, {}};
      for (const auto& ack : batch.acks) a.ack(ack);
      if (batch.full) {
        a.clear_all();
        a.out.reload = true;
      }
      for (const auto& c : batch.removed_customers) a.remove_customer(c);
      if (!batch.removed_customers.empty()) a.out.reload = true;
      for (const auto& [e, id] : batch.deletions) {
        if (a.pending(e, id)) {
          a.stash(e, id, "", 0, "");  // deleted there; our unsent edit will recreate it or be refused
          continue;
        }
        a.erase(e, id);
        a.drop_base(e, id);
      }
      // Parents first, so an open slice patched in this order stays consistent.
      std::vector<const RemoteRecord*> records;
      records.reserve(batch.records.size());
      for (const auto& r : batch.records) records.push_back(&r);
      std::stable_sort(records.begin(), records.end(),
                       [](const RemoteRecord* x, const RemoteRecord* y) { return x->record.index() < y->record.index(); });
      for (const RemoteRecord* r : records) {
        const RecordKind e = kind_of(r->record);
        const std::string& id = record_id(r->record);
        if (a.pending(e, id)) {
          // Held back; the base stays the seq the unsent changes were made from (0 keeps
          // it: MAX), so the server still sees this version as concurrent with them and
          // reports a conflict instead of silently replacing it.
          a.stash(e, id, customer_of(r->record), 0, std::visit([](const auto& x) { return to_json(x); }, r->record));
          continue;
        }
        a.set_base(e, id, customer_of(r->record), r->seq);
        a.write(r->record);
      }
      if (batch.cursor) {
        Using q(s.stmt("INSERT INTO replica_meta (key, value) VALUES ('cursor', ?1) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
        q->bind(1, std::to_string(*batch.cursor));
        q->run();
      }
      for (const auto& n : batch.notices) a.notice(n);
      auto& cs = a.out.customers;
      std::sort(cs.begin(), cs.end());
      cs.erase(std::unique(cs.begin(), cs.end()), cs.end());
      if (!cs.empty() && cs.front().empty()) cs.erase(cs.begin());  // managers belong to nobody
      return std::move(a.out);
    });
  });
}

// ---------------------------------------------------------------- [SECTION] notices

Result<std::vector<SyncNotice>> Store::notices(bool include_dismissed, std::size_t limit) {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::vector<SyncNotice>> {
    Using q(s.stmt(
        "SELECT seq, at, kind, code, entity, entity_id, customer, message, detail, dismissed FROM sync_notices "
        "WHERE ?1 = 1 OR dismissed = 0 ORDER BY seq DESC LIMIT ?2"));
    q->bind(1, static_cast<std::int64_t>(include_dismissed ? 1 : 0));
    q->bind(2, static_cast<std::int64_t>(limit));
    std::vector<SyncNotice> out;
    while (q->step()) {
      SyncNotice n;
      n.seq = q->integer(0);
      n.at = q->integer(1);
      n.kind = q->text(2);
      n.code = q->text(3);
      n.entity = q->text(4);
      n.entity_id = q->text(5);
      n.customer = q->text(6);
      n.message = q->text(7);
      n.detail = q->text(8);
      n.dismissed = q->integer(9) != 0;
      out.push_back(std::move(n));
    }
    return out;
  });
}

Result<std::size_t> Store::notice_count() {
  Impl& s = *impl_;
  return guarded([&]() -> Result<std::size_t> {
    return static_cast<std::size_t>(s.db.query_int("SELECT count(*) FROM sync_notices WHERE dismissed = 0"));
  });
}

Status Store::dismiss_notice(std::int64_t seq) {
  Impl& s = *impl_;
  return guarded([&]() -> Status {
    Using q(s.stmt("UPDATE sync_notices SET dismissed = 1 WHERE (?1 = 0 OR seq = ?1) AND dismissed = 0"));
    q->bind(1, seq);
    q->run();
    return Status::success();
  });
}

}  // namespace cockpit
