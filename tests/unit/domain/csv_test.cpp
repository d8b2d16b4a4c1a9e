// The CSV reader (domain/csv.hpp): one test per edge of RFC 4180 as spreadsheets write
// it, and every refusal by row and column.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/csv.hpp"

using namespace cockpit;
using Rows = std::vector<std::vector<std::string>>;

namespace {

CsvTable read_ok(std::string_view text, char delimiter = 0) {
  CsvRead r = read_csv(text, delimiter);
  INFO(text);
  if (!r.ok()) FAIL_CHECK(r.error->message());
  return r.table;
}

CsvError read_bad(std::string_view text, const CsvLimits& lim = {}) {
  CsvRead r = read_csv(text, 0, lim);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.table.header.empty());  // nothing half-read is handed back
  CHECK(r.table.rows.empty());
  return *r.error;
}

}  // namespace

TEST_CASE("a header and rows, with and without a final line end") {
  for (const char* text : {"id,name\nc-1,Domino\nc-2,Kit\n", "id,name\nc-1,Domino\nc-2,Kit"}) {
    const CsvTable t = read_ok(text);
    CHECK(t.header == std::vector<std::string>{"id", "name"});
    CHECK(t.rows == Rows{{"c-1", "Domino"}, {"c-2", "Kit"}});
  }
}

TEST_CASE("CRLF, LF and a lone CR end records alike") {
  CHECK(read_ok("a,b\r\n1,2\r\n3,4\r\n").rows == Rows{{"1", "2"}, {"3", "4"}});
  CHECK(read_ok("a,b\r1,2\r3,4").rows == Rows{{"1", "2"}, {"3", "4"}});
  CHECK(read_ok("a,b\n1,2\r\n3,4\r").rows == Rows{{"1", "2"}, {"3", "4"}});
}

TEST_CASE("quoted fields: the delimiter, doubled quotes and line ends inside") {
  const CsvTable t = read_ok("id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\r\nlines\"\n4,\"\"\n");
  CHECK(t.rows == Rows{{"1", "a, b"}, {"2", "say \"hi\""}, {"3", "two\r\nlines"}, {"4", ""}});
}

TEST_CASE("a UTF-8 byte order mark is not part of the first header") {
  const CsvTable t = read_ok("\xEF\xBB\xBFid,name\nc-1,Zoë\n");
  CHECK(t.header[0] == "id");
  CHECK(t.rows[0][1] == "Zo\xC3\xAB");
}

TEST_CASE("empty fields, a trailing delimiter and empty lines") {
  CHECK(read_ok("a,b,c\n,,\n1,,3\n").rows == Rows{{"", "", ""}, {"1", "", "3"}});
  CHECK(read_ok("a,b\n1,\n").rows == Rows{{"1", ""}});
  // An empty line is a spreadsheet's empty row: kept, so later row numbers stay right.
  const CsvTable t = read_ok("a,b\n1,2\n\n3,4\n");
  CHECK(t.rows == Rows{{"1", "2"}, {""}, {"3", "4"}});
  CHECK(CsvTable::is_blank(t.rows[1]));
  CHECK(CsvTable::row_number(2) == 4);
}

TEST_CASE("the delimiter: ',' by default, ';' or TAB when the header says so, or as asked") {
  CHECK(read_ok("a;b\n1;2,5\n").rows == Rows{{"1", "2,5"}});
  CHECK(read_ok("a;b\n1;2,5\n").delimiter == ';');
  CHECK(read_ok("a\tb\n1\t2\n").rows == Rows{{"1", "2"}});
  CHECK(read_ok("a,b;c\n1,2;3\n").header == std::vector<std::string>{"a", "b;c"});
  CHECK(read_ok("a,b;c\n1,2;3\n", ';').header == std::vector<std::string>{"a,b", "c"});
  CHECK(read_ok("one\nx\n").rows == Rows{{"x"}});  // a single column
}

TEST_CASE("a quote inside an unquoted field is refused at its row and column") {
  const CsvError e = read_bad("id,name\nc-1,Dom\"ino\n");
  CHECK(e.row == 2);
  CHECK(e.column == 2);
  CHECK(e.message() ==
        "row 2, column 2: a quote inside an unquoted field (put the whole field in quotes and double the quote)");
}

TEST_CASE("text after a closing quote is refused") {
  const CsvError e = read_bad("id,name\n\"c-1\"x,Domino\n");
  CHECK(e.row == 2);
  CHECK(e.column == 1);
  CHECK(e.problem.rfind("'x' after a closing quote", 0) == 0);
}

TEST_CASE("a quoted field that never ends is refused where its record starts") {
  const CsvError e = read_bad("id,text\n1,ok\n2,\"open\nstill open\n3,x\n");
  CHECK(e.row == 3);
  CHECK(e.column == 2);
  CHECK(e.problem == "a quoted field that never ends (its closing quote is missing)");
}

TEST_CASE("rows count records, not lines: a record after a multi-line field") {
  const CsvError e = read_bad("id,text\n1,\"a\nb\nc\"\n2,x\"y\n");
  CHECK(e.row == 3);
}

TEST_CASE("a row with more or fewer fields than the header") {
  CHECK(read_bad("a,b\n1,2,3\n").message() == "row 2, column 3: 3 fields, but the header has 2");
  CHECK(read_bad("a,b,c\n1,2,3\n1,2\n").message() == "row 3: 2 fields, but the header has 3");
}

TEST_CASE("bytes that are not UTF-8 and NUL bytes") {
  // "Zoë" in Latin-1, as a sheet saved as plain "CSV" in Western Europe writes it.
  CHECK(read_bad("id,name\nc-1,Zo\xEB\n").message() == "row 2, column 2: is not UTF-8 text (save the sheet as \"CSV UTF-8\")");
  CHECK(read_bad(std::string("id,name\nc-1,a\0b\n", 15)).message() == "row 2, column 2: contains a NUL byte");
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80"}) {
    CAPTURE(bad);
    CHECK(read_bad(std::string("a\n") + bad + "\n").row == 2);
  }
  CHECK(read_ok("a\n\xF0\x9F\x98\x80\xE2\x82\xAC\n").rows[0][0] == "\xF0\x9F\x98\x80\xE2\x82\xAC");
}

TEST_CASE("an empty file has no header") {
  CHECK(read_bad("").message() == "the file is empty: its first row must name the columns");
  CHECK(read_bad("\xEF\xBB\xBF").row == 0);
}

TEST_CASE("limits: the input, rows, columns and one field") {
  CsvLimits lim;
  lim.max_bytes = 10;
  CHECK(read_bad("a,b\n123,4567\n", lim).message() == "the file has 13 bytes, more than the limit of 10");
  lim = {};
  lim.max_rows = 3;
  CHECK(read_bad("a\n1\n2\n3\n", lim).message() == "more than 2 rows of data");
  CHECK(read_csv("a\n1\n2\n", 0, lim).ok());
  lim = {};
  lim.max_columns = 2;
  CHECK(read_bad("a,b,c\n", lim).message() == "row 1, column 3: more than 2 columns");
  lim = {};
  lim.max_field = 3;
  CHECK(read_bad("a\n1234\n", lim).message() == "row 2, column 1: a field longer than 3 bytes");
  CHECK(read_bad("a\n\"12\"\"34\"\n", lim).message() == "row 2, column 1: a field longer than 3 bytes");
  CHECK(read_csv("a\n\"1\"\"3\"\n", 0, lim).ok());
}

TEST_CASE("linear time: a 20 MB field of doubled quotes and 200,000 rows read in one pass") {
  std::string big = "a\n\"";
  for (int i = 0; i < 2'000'000; ++i) big += "\"\"";
  big += "\"\n";
  CsvLimits lim;
  lim.max_field = 3'000'000;
  CsvRead r = read_csv(big, 0, lim);
  REQUIRE(r.ok());
  CHECK(r.table.rows[0][0].size() == 2'000'000);
  std::string many = "id,name\n";
  for (int i = 0; i < 200'000; ++i) many += "c-" + std::to_string(i) + ",x\n";
  CHECK(read_csv(many).table.rows.size() == 200'000);
}
