// CSV rows -> contract records (domain/csv_import.hpp): the mapping, the date forms,
// the contract's rules applied to every row, problems by row and column, all or nothing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../known_records.hpp"
#include "domain/csv_import.hpp"
#include "domain/fields.hpp"

using namespace cockpit;

namespace {

test::MemoryKnownRecords store() {
  test::MemoryKnownRecords k;
  k.managers = {"m-anna", "m-ben"};
  k.customers = {"c-1", "c-2"};
  k.cases = {{"k-1", "c-1"}};
  return k;
}

constexpr const char* kCustomers =
    "ID,Name,Owner,Stage,E-mail,Phone,Preferred channel,Since\n"
    "c-10,Domino,m-anna,active,d@example.com,,email,2026-01-05\n"
    "c-11,\"Kit, Cars\",m-ben,Prospect,,+44 1,Phone,2026-02-01 09:30\n";

CsvImport customers(std::string_view text, const CsvMapping& m = {}) {
  const auto k = store();
  return import_csv_text(text, RecordKind::customer, m, &k);
}

CsvImport promises(std::string_view text, const CsvMapping& m = {}) {
  const auto k = store();
  return import_csv_text(text, RecordKind::promise, m, &k);
}

std::vector<std::string> messages(const CsvImport& r) { return r.messages(); }

}  // namespace

TEST_CASE("the fields a CSV may feed come from the contract's field lists") {
  std::vector<std::string> names;
  for (const auto& f : csv_fields(RecordKind::promise)) names.push_back(f.name);
  // Every field of a promise but its history (a list has no place in one row).
  CHECK(names == std::vector<std::string>{"id", "customer", "case", "kind", "text", "made_at", "due_at", "status",
                                          "kept_at"});
  // Every field of a customer but its lists (external_ids: a list has no place in one row).
  std::size_t single = 0;
  for_each_field(RecordInfo<Customer>::fields, [&](const auto& f) {
    single += is_list<typename std::decay_t<decltype(f)>::Type>::value ? 0 : 1;
  });
  CHECK(csv_fields(RecordKind::customer).size() == single);
  CHECK(single + 1 == field_count(RecordInfo<Customer>::fields));
  const auto c = csv_fields(RecordKind::customer);
  CHECK(c[0].required);                 // id
  CHECK_FALSE(c[4].required);           // email
  CHECK(c[7].time);                     // since
  CHECK(c[3].choices == std::vector<std::string>{"prospect", "active", "former"});
  CHECK(csv_fields(RecordKind::case_).empty());
  CHECK_FALSE(csv_importable(RecordKind::touchpoint));
}

TEST_CASE("headers are matched to fields however a spreadsheet writes them") {
  struct Row {
    const char* header;
    const char* normalized;
  };
  for (const Row& r : std::initializer_list<Row>{{"Preferred channel", "preferred_channel"},
                                                 {"PREFERRED-CHANNEL", "preferred_channel"},
                                                 {"  due  at ", "due_at"},
                                                 {"Made.At", "made_at"},
                                                 {"case_id", "case_id"},
                                                 {"", ""}}) {
    CAPTURE(r.header);
    CHECK(normalize_header(r.header) == r.normalized);
  }
  const CsvMapping m = default_mapping(RecordKind::promise, {"ID", "Customer", "Case ID", "Notes"});
  CHECK(m.find("id")->header == "ID");
  CHECK(m.find("case")->header == "Case ID");  // the store's column name is known too
  CHECK(m.find("text")->header.empty());       // no column for it
}

TEST_CASE("a sheet of customers with the default mapping becomes contract records") {
  const CsvImport r = customers(kCustomers);
  REQUIRE_MESSAGE(r.ok(), r.messages().front());
  REQUIRE(r.book.customers.size() == 2);
  const Customer& kit = r.book.customers[1];
  CHECK(kit.id == "c-11");
  CHECK(kit.name == "Kit, Cars");
  CHECK(kit.stage == Stage::prospect);                  // "Prospect"
  CHECK(kit.preferred_channel == Channel::phone);       // "Phone"
  CHECK(kit.email.empty());                             // an empty cell: the field is absent
  CHECK(format_time(kit.since) == "2026-02-01T09:30:00Z");
  CHECK(r.rows == std::vector<std::size_t>{2, 3});
  CHECK(r.ignored == std::vector<std::string>{"E-mail"});  // "e_mail" is not "email"
}

TEST_CASE("an explicit mapping, a fixed value and an unmapped column") {
  CsvMapping m;
  m.map("email", "E-mail");
  m.fix("owner", "m-ben");
  m.map("phone", "");  // explicitly none
  const CsvImport r = customers(kCustomers, m);
  REQUIRE(r.ok());
  CHECK(r.book.customers[0].owner == "m-ben");
  CHECK(r.book.customers[0].email == "d@example.com");
  CHECK(r.book.customers[1].phone.empty());
  CHECK(r.ignored == std::vector<std::string>{"Owner", "Phone"});
}

TEST_CASE("date forms: ISO, day first, month first; a date alone is the end of that day") {
  struct Row {
    const char* cell;
    DateForm form;
    const char* iso;  // nullptr: refused
  };
  for (const Row& r : std::initializer_list<Row>{
           {"2026-04-03", DateForm::iso, "2026-04-03"},
           {"2026-04-03T14:30Z", DateForm::iso, "2026-04-03T14:30Z"},
           {"2026-04-03 14:30", DateForm::iso, "2026-04-03T14:30"},
           {"03/04/2026", DateForm::iso, nullptr},
           {"03/04/2026", DateForm::dmy, "2026-04-03"},
           {"3.4.2026", DateForm::dmy, "2026-04-03"},
           {"03-04-2026 9:05", DateForm::dmy, "2026-04-03T09:05:00Z"},
           {"03/04/2026 09:05:07", DateForm::dmy, "2026-04-03T09:05:07Z"},
           {"03/04/2026", DateForm::mdy, "2026-03-04"},
           {"31/02/2026", DateForm::dmy, nullptr},
           {"02/31/2026", DateForm::mdy, nullptr},
           {"03/04-2026", DateForm::dmy, nullptr},
           {"03/04/26", DateForm::dmy, nullptr},
           {"03/04/2026 25:00", DateForm::dmy, nullptr},
           {"03/04/2026 9", DateForm::dmy, nullptr},
           {"2026-04-03", DateForm::dmy, nullptr},
       }) {
    CAPTURE(r.cell);
    CAPTURE(to_string(r.form));
    auto got = csv_time(r.cell, r.form);
    if (r.iso)
      CHECK(got == std::optional<std::string>(r.iso));
    else
      CHECK_FALSE(got);
  }
  CHECK(parse_DateForm("dmy") == DateForm::dmy);
  CHECK_FALSE(parse_DateForm("dd/mm"));
}

TEST_CASE("a bad date is reported by row, column and the form the sheet was said to use") {
  const char* sheet =
      "id,customer,kind,text,made_at,due at,status\n"
      "p-1,c-1,delivery,Bike,01/11/2026,20/11/2026,open\n"
      "p-2,c-2,refund,Refund,01/11/2026,31/02/2026,open\n";
  CsvMapping m;
  m.dates = DateForm::dmy;
  const CsvImport r = promises(sheet, m);
  CHECK(messages(r) == std::vector<std::string>{
                           "row 3, column \"due at\" (due_at): \"31/02/2026\" is not a date in the form DD/MM/YYYY "
                           "(optionally with HH:MM)"});
  CHECK(r.book.promises.empty());  // all or nothing
  CHECK(r.rows.empty());
  m.dates = DateForm::iso;
  CHECK(promises(sheet, m).problems.size() == 4);  // every date cell, in ISO
}

TEST_CASE("the contract's rules, each named by row and column") {
  struct Row {
    const char* line;     // a customer row under kHeader
    const char* message;  // the one problem
  };
  const std::string header = "id,name,owner,stage,preferred_channel,since\n";
  for (const Row& r : std::initializer_list<Row>{
           {"c-10,Domino,m-anna,activ,email,2026-01-05",
            "row 2, column \"stage\" (stage): \"activ\" is not one of: prospect, active, former"},
           {"c-10,Domino,m-zed,active,email,2026-01-05",
            "row 2, column \"owner\" (owner): no manager \"m-zed\" in the document or the store"},
           {"c-10,,m-anna,active,email,2026-01-05", "row 2, column \"name\" (name): is required"},
           {",Domino,m-anna,active,email,2026-01-05", "row 2, column \"id\" (id): is required"},
           {"c-10,Domino,m-anna,active,chat,2026-01-05",
            "row 2, column \"preferred_channel\" (preferred_channel): \"chat\" is not one of: email, phone, sms, letter"},
       }) {
    CAPTURE(r.line);
    CHECK(messages(customers(header + r.line + "\n")) == std::vector<std::string>{r.message});
  }
}

TEST_CASE("a promise's references: its customer and its case, in the store") {
  const std::string header = "id,customer,case,kind,text,made_at,due_at,status\n";
  CHECK(promises(header + "p-1,c-1,k-1,delivery,Bike,2026-11-01,2026-11-20,open\n").ok());
  CHECK(messages(promises(header + "p-1,c-9,,delivery,Bike,2026-11-01,2026-11-20,open\n")) ==
        std::vector<std::string>{
            "row 2, column \"customer\" (customer): no customer \"c-9\" in the document or the store"});
  CHECK(messages(promises(header + "p-1,c-2,k-1,delivery,Bike,2026-11-01,2026-11-20,open\n")) ==
        std::vector<std::string>{
            "row 2, column \"case\" (case): case \"k-1\" belongs to customer \"c-1\", not \"c-2\""});
}

TEST_CASE("a duplicate id names the row it repeats") {
  const CsvImport r = customers(
      "id,name,owner,stage,preferred_channel,since\n"
      "c-10,A,m-anna,active,email,2026-01-05\n"
      "\n"
      "c-10,B,m-anna,active,email,2026-01-05\n");
  CHECK(messages(r) == std::vector<std::string>{"row 4, column \"id\" (id): the same id as row 2"});
}

TEST_CASE("blank rows are skipped; a file with nothing under its header is refused") {
  const CsvImport r = customers(std::string(kCustomers) + ",,,,,,,\n\n");
  REQUIRE(r.ok());
  CHECK(r.blank_rows == 2);
  CHECK(r.records() == 2);
  CHECK(messages(customers("id,name,owner,stage,preferred_channel,since\n\n")) ==
        std::vector<std::string>{"the file has no rows of data under its header"});
}

TEST_CASE("problems of the mapping are found before any row is read") {
  CsvMapping m;
  m.map("due", "Due date");
  m.map("since", "Started");
  const CsvImport r = customers("id,name,owner,stage,preferred_channel,Started,Started\n", m);
  CHECK(messages(r) == std::vector<std::string>{
                           "unknown field \"due\" for customers (its fields: id, name, owner, stage, email, phone, "
                           "preferred_channel, since, former_at)",
                           "field since: the header \"Started\" names more than one column (6 and 7)"});
  CHECK(messages(customers("id,name,stage,preferred_channel,since\nc-1,A,active,email,2026-01-01\n")) ==
        std::vector<std::string>{
            "field owner: is required and no column feeds it: map one (owner=HEADER) or give a fixed value"});
  CsvMapping missing;
  missing.map("owner", "Manager");
  CHECK(messages(customers(kCustomers, missing)).front().find("no column \"Manager\" in the file (its columns: \"ID\"") !=
        std::string::npos);
}

TEST_CASE("a fixed value is checked like a cell, and named as the fixed value") {
  CsvMapping m;
  m.fix("owner", "m-zed");
  CHECK(messages(customers(kCustomers, m)).front() ==
        "row 2, field owner (fixed value): no manager \"m-zed\" in the document or the store");
}

TEST_CASE("a reading problem of the CSV is reported by row and column, nothing imported") {
  const CsvImport r = customers("id,name\nc-1,Dom\"ino\n");
  CHECK(messages(r) == std::vector<std::string>{
                           "row 2, column 2: a quote inside an unquoted field (put the whole field in quotes and "
                           "double the quote)"});
  CHECK(r.book.customers.empty());
}

TEST_CASE("many bad rows: the first hundred problems, then how many more") {
  std::string sheet = "id,name,owner,stage,preferred_channel,since\n";
  for (int i = 0; i < 250; ++i) sheet += "c-" + std::to_string(i) + ",A,m-anna,active,email,not a date\n";
  const CsvImport r = customers(sheet);
  CHECK(r.problems.size() == 100);
  CHECK(r.left_out == 150);
  CHECK(r.messages().back() == "… and 150 more");
  CHECK(r.problems.front().row == 2);
}

TEST_CASE("only customers and promises come from CSV") {
  const auto k = store();
  CHECK(messages(import_csv_text("id\nx\n", RecordKind::exception, {}, &k)) ==
        std::vector<std::string>{"only customers and promises are imported from CSV"});
}

TEST_CASE("a stored record keeps the fields the sheet does not feed; changes are listed by field") {
  Book stored;
  Customer domino;
  domino.id = "c-10";
  domino.name = "Domino Ltd";
  domino.owner = "m-anna";
  domino.phone = "+44 2";  // the sheet has no phone column once it is unmapped
  domino.email = "old@example.com";
  domino.since = *parse_time("2026-01-05");
  stored.customers.push_back(domino);
  CsvMapping m;
  m.map("phone", "");
  CsvImport r = customers(kCustomers, m);
  REQUIRE(r.ok());
  CHECK(r.book.customers[0].phone.empty());  // before: the contract's default
  keep_unfed_fields(r, stored);
  CHECK(r.book.customers[0].phone == "+44 2");           // not fed: kept
  CHECK(r.book.customers[0].email == "old@example.com");  // "E-mail" is not "email": not fed either
  const std::vector<CsvChange> changes = csv_changes(r, stored);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].row == 2);
  CHECK_FALSE(changes[0].is_new);
  CHECK(changes[0].fields == std::vector<std::string>{"name"});
  CHECK(changes[1].is_new);
  CHECK(changes[1].id == "c-11");
}

TEST_CASE("a promise's history is never fed by a sheet: it is kept") {
  Book stored;
  Promise p;
  p.id = "p-1";
  p.customer = "c-1";
  p.history = {DueChange{1000, 2000, true}};
  stored.promises.push_back(p);
  CsvImport r = promises("id,customer,kind,text,made_at,due_at,status\np-1,c-1,delivery,Bike,2026-11-01,2026-11-20,open\n");
  REQUIRE(r.ok());
  keep_unfed_fields(r, stored);
  CHECK(r.book.promises[0].history == p.history);
}

TEST_CASE("mapping arguments: FIELD=HEADER and FIELD=VALUE") {
  CsvMapping m;
  CHECK_FALSE(add_mapping_argument(m, "due_at=Due date", false));
  CHECK_FALSE(add_mapping_argument(m, "owner=m-anna", true));
  CHECK_FALSE(add_mapping_argument(m, "email=", false));  // explicitly none
  CHECK(m.find("due_at")->header == "Due date");
  CHECK(m.find("owner")->fixed == std::optional<std::string>("m-anna"));
  CHECK(m.find("email")->header.empty());
  CHECK(add_mapping_argument(m, "due_at", false) == std::optional<std::string>("\"due_at\" is not FIELD=HEADER"));
  CHECK(add_mapping_argument(m, "=x", true) == std::optional<std::string>("\"=x\" is not FIELD=VALUE"));
}
