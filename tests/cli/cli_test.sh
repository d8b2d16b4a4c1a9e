#!/usr/bin/env bash
# cli_test.sh SCENARIO CLI WORKDIR SOURCE_DIR [SERVER] — one scenario of cockpit-cli's tests
# (SERVER: the cockpit-server binary, for the sync scenario).
set -u
scenario=$1 cli=$2 work=$3 src=$4 server=${5:-}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
demo="$src/assets/demo/demo.json"  # the demo book's source, also compiled into the CLI

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run EXPECTED_RC CMD...: runs the CLI, keeps stdout in out.txt, stderr in err.txt.
run() {
  local want=$1; shift
  "$cli" "$@" >out.txt 2>err.txt
  local rc=$?
  if [ "$rc" != "$want" ]; then fail "cockpit-cli $* -> exit $rc, wanted $want; stderr: $(cat err.txt)"; fi
}
# The error must be one line on stderr, starting with "cockpit-cli: ", matching a pattern.
err_is() {
  local lines; lines=$(wc -l <err.txt)
  [ "$lines" = 1 ] || fail "stderr has $lines lines: $(cat err.txt)"
  grep -q "^cockpit-cli: " err.txt || fail "stderr does not start with cockpit-cli: $(cat err.txt)"
  grep -qE -- "$1" err.txt || fail "stderr does not match /$1/: $(cat err.txt)"
}
out_has() { grep -qE -- "$1" out.txt || fail "stdout does not match /$1/: $(head -c 400 out.txt)"; }

# A small valid document (one manager, one customer, a case, an overdue promise, a held message).
cat >doc.json <<'JSON'
{ "managers": [ {"id": "m-anna", "name": "Anna", "email": "anna@example.com", "role": "manager"},
                {"id": "m-lead", "name": "Lena", "email": "lena@example.com", "role": "lead"} ],
  "customers": [ {"id": "c-1", "name": "Domino", "owner": "m-anna", "stage": "active", "email": "d@example.com",
                  "phone": "", "preferred_channel": "email", "since": "2026-01-01"} ],
  "cases": [ {"id": "k-1", "customer": "c-1", "kind": "order", "title": "Bike", "status": "open",
              "opened_at": "2026-10-20T09:00:00Z", "fulfilled_at": null} ],
  "promises": [ {"id": "p-1", "customer": "c-1", "case": "k-1", "kind": "delivery", "text": "Bike delivered",
                 "made_at": "2026-10-20", "due_at": "2026-11-18", "status": "open", "kept_at": null, "history": []} ],
  "exceptions": [ {"id": "x-1", "customer": "c-1", "case": "k-1", "kind": "address_change", "summary": "Ship to HQ",
                   "raised_at": "2026-11-01T10:00:00Z", "waiting_on": "logistics", "status": "open", "resolved_at": null} ],
  "touchpoints": [ {"id": "t-1", "customer": "c-1", "case": "k-1", "at": "2026-10-20T09:01:00Z", "channel": "email",
                    "direction": "out", "sender": "system:noreply", "kind": "order_confirmation", "subject": "Thanks"} ],
  "scheduled": [ {"id": "s-1", "customer": "c-1", "case": "k-1", "scheduled_at": "2026-11-22T12:00:00Z",
                  "channel": "email", "direction": "out", "sender": "system:reviews", "kind": "review_request",
                  "subject": "Rate us"} ] }
JSON

# A real cockpit-server on port 0 with the demo book, in $url; its "listening on" line is
# read through a FIFO (a wait on the line itself, with a timeout, not a sleep).
start_server() {
  [ -x "$server" ] || { echo "$scenario: no cockpit-server binary given" >&2; exit 1; }
  mkfifo srv.pipe
  "$server" serve --port 0 --db srv.db --demo --heartbeat 2 >srv.pipe 2>srv.err &
  srv=$!
  trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
  exec 3<srv.pipe
  url=
  while IFS= read -r -t 20 -u 3 line; do
    if [[ $line =~ listening\ on\ (http://[^/]+)/ ]]; then url=${BASH_REMATCH[1]}; break; fi
  done
  [ -n "$url" ] || { echo "$scenario: cockpit-server did not start: $(cat srv.err)" >&2; exit 1; }
}

case "$scenario" in
import_export)
  run 0 import doc.json --db a.db
  out_has "imported doc.json: 8 records changed, 0 unchanged"
  run 0 import doc.json --db a.db
  out_has "0 records changed, 8 unchanged"
  run 0 export --db a.db exported.json
  [ -s exported.json ] || fail "export wrote nothing"
  run 0 export --db a.db
  out_has '"customers"'
  # export -> import into a fresh file -> export again: identical.
  run 0 import exported.json --db b.db
  run 0 export --db b.db again.json
  cmp -s exported.json again.json || fail "export of the re-imported file differs"
  ;;
report)
  run 0 import doc.json --db a.db
  run 0 report --db a.db --manager m-anna --as-of 2026-11-22T09:00:00Z --json
  python3 - <<'PY' || fail "report JSON is not the contract's object"
import json
r = json.load(open("out.txt"))
assert r["manager"] == "m-anna" and r["as_of"] == "2026-11-22T09:00:00Z", r
for k in ["customers", "pending_exceptions", "overdue_promises", "suggestions", "held_messages"]:
    assert isinstance(r[k], list), k
assert r["customers"][0]["id"] == "c-1" and r["customers"][0]["stage"] == "active"
assert r["overdue_promises"][0] == {**r["overdue_promises"][0], "id": "p-1", "customer": "c-1", "days_overdue": 3}
assert r["pending_exceptions"][0]["age_days"] == 20 and r["pending_exceptions"][0]["waiting_on"] == "logistics"
assert r["held_messages"][0]["scheduled"] == "s-1" and r["held_messages"][0]["reasons"] == ["before_fulfilment"]
kinds = {s["kind"] for s in r["suggestions"]}
assert {"promise_overdue", "exception_update", "held_message_replacement"} <= kinds, kinds
for s in r["suggestions"]:
    assert all(k in s for k in ["customer", "kind", "about", "reason", "subject", "body", "channel"]), s
PY
  # A date alone is the end of that day.
  run 0 report --db a.db --manager m-anna --as-of 2026-11-22 --json
  out_has '"as_of": "2026-11-22T23:59:59.999Z"'
  # The lead sees everyone's customers; the text form also works.
  run 0 report --db a.db --manager m-lead --as-of 2026-11-22T09:00:00Z
  out_has "c-1"
  ;;
errors)
  run 1 import missing.json --db a.db
  err_is "cannot read missing.json"
  [ -e a.db ] && fail "a failed import created the database"
  printf '{"managers": [{"id": "m-1", "name": "A", "role": "boss"}], "promises": 3}' >bad.json
  run 1 import bad.json --db a.db
  err_is 'bad.json refused \(2 problems; nothing applied\): .*managers\[0\] \(id "m-1"\): field "role": "boss" is not one of: manager, lead'
  printf '{not json' >broken.json
  run 1 import broken.json --db a.db
  err_is "not valid JSON"
  run 0 import doc.json --db a.db
  # A bad document leaves the database exactly as it was.
  run 0 export --db a.db before.json
  sed 's/"2026-11-18"/"2027-02-29"/' doc.json >badtime.json
  run 1 import badtime.json --db a.db
  err_is 'promises\[0\] \(id "p-1"\): field "due_at": "2027-02-29" is not a valid time'
  run 0 export --db a.db after.json
  cmp -s before.json after.json || fail "a refused import changed the database"
  run 1 report --db a.db --manager m-nobody
  err_is 'unknown manager "m-nobody"'
  run 2 report --db a.db --manager m-anna --as-of 2026-11-22T24:00Z
  err_is 'bad time in --as-of'
  run 2 report --db a.db --manager m-anna --as-of "2026-11-22 09:00"
  err_is 'bad time in --as-of'
  run 2 report --db a.db
  err_is 'missing --manager'
  run 1 report --db nothing-here.db --manager m-anna
  err_is 'no database at nothing-here.db'
  run 2 frobnicate
  err_is 'unknown command "frobnicate"'
  run 2 report --db a.db --manager m-anna --colour
  err_is 'unknown option --colour'
  echo "plain text, not a database at all..........................................." >text.db
  run 1 import doc.json --db text.db
  err_is 'not a database'
  run 2 generate --db g.db --customers many --seed 1
  err_is 'must be a whole number'
  run 0 --help
  out_has "usage: cockpit-cli import"
  ;;
demo_generate)
  run 0 demo --db demo.db --today 2026-11-22T09:00:00Z
  out_has "demo book written to demo.db \(today 2026-11-22T09:00:00Z\): 13 customers, [1-9][0-9]* records changed"
  # The file is the built-in book: written again from it, nothing changes.
  run 0 demo --db demo.db --today 2026-11-22T09:00:00Z --file "$demo"
  out_has ": 13 customers, 0 records changed"
  run 1 demo --db other.db --file missing.json
  err_is "cannot read missing.json"
  run 2 demo --db other.db "$demo"
  err_is "unexpected argument"
  for m in m-anna m-ben m-lena; do
    run 0 report --db demo.db --manager $m --as-of 2026-11-22T09:00:00Z --json
    cp out.txt "report-$m.json"
  done
  python3 - <<'PY' || fail "the demo does not exercise every suggestion kind and hold reason"
import json
lead = json.load(open("report-m-lena.json"))
kinds = {s["kind"] for s in lead["suggestions"]}
want = {"promise_overdue", "promise_due_soon", "exception_update", "fulfilment_followup",
        "closing_message", "held_message_replacement"}
assert want <= kinds, want - kinds
reasons = {r for h in lead["held_messages"] for r in h["reasons"]}
want_r = {"before_fulfilment", "former_customer", "duplicate", "open_exception", "frequency_cap"}
assert want_r <= reasons, want_r - reasons
# Two managers share the five stories (each keeps every story's records); the lead has her own.
stories = {"m-anna": {"c-bike", "c-wardrobe", "c-fairy"}, "m-ben": {"c-kitcar", "c-tradein"}}
mine = set()
for m in ["m-anna", "m-ben"]:
    r = json.load(open(f"report-{m}.json"))
    ids = {c["id"] for c in r["customers"]}
    assert stories[m] <= ids, (m, stories[m] - ids)
    assert not (ids & mine), m
    mine |= ids
    assert any(c["worst"] == "fine" for c in lead["customers"])
assert mine < {c["id"] for c in lead["customers"]}
ben = json.load(open("report-m-ben.json"))
held = {h["scheduled"]: h["reasons"] for h in ben["held_messages"]}
assert held.get("s-kit-renewal") == ["former_customer"], held
assert {"p-payout"} <= {p["id"] for p in ben["overdue_promises"]}, ben["overdue_promises"]
assert {"x-docs"} <= {x["id"] for x in ben["pending_exceptions"]}, ben["pending_exceptions"]
PY
  # Without --today the demo is relative to now; without --file it needs no file at all.
  run 0 demo --db today.db
  out_has ": 13 customers, "
  run 0 generate --db gen.db --customers 200 --seed 7 --today 2026-11-22T09:00:00Z
  out_has "generated 200 customers"
  run 0 export --db gen.db gen1.json
  run 0 generate --db gen2.db --customers 200 --seed 7 --today 2026-11-22T09:00:00Z
  run 0 export --db gen2.db gen2.json
  cmp -s gen1.json gen2.json || fail "the generator is not deterministic"
  run 0 report --db gen.db --manager m-003 --as-of 2026-11-22T09:00:00Z --json
  out_has '"manager": "m-003"'
  ;;
import_csv)
  # A spreadsheet's customers (Excel's "CSV UTF-8": a byte order mark, CRLF, quotes),
  # then its promises with day-first dates, into the database of doc.json.
  run 0 import doc.json --db a.db
  printf '\xef\xbb\xbfID,Name,Owner,Stage,Preferred channel,Since,Phone\r\nc-10,Zo\xc3\xab Ltd,m-anna,Active,Email,01/02/2026,\r\n"c-11","Kit, ""the"" cars",m-anna,prospect,phone,3.4.2026 14:30,+1 555\r\n' >customers.csv
  run 0 import-csv customers.csv --kind customers --db a.db --dates dmy --dry-run
  out_has "^row 2: customer c-10: new$"
  out_has "^row 3: customer c-11: new$"
  out_has "^dry run: 2 records would change, 0 unchanged; nothing written$"
  run 0 export --db a.db before.json
  grep -q c-10 before.json && fail "the dry run wrote c-10"
  run 0 import-csv customers.csv --kind customers --db a.db --dates dmy
  out_has "^imported customers.csv: 2 customers from 2 rows, 2 records changed, 0 unchanged$"
  run 0 import-csv customers.csv --kind customers --db a.db --dates dmy
  out_has "0 records changed, 2 unchanged$"
  run 0 export --db a.db after.json
  python3 - <<'PY' || fail "the imported customers are not the sheet's rows"
import json
cs = {c["id"]: c for c in json.load(open("after.json"))["customers"]}
assert cs["c-10"]["name"] == "Zoë Ltd" and cs["c-10"]["stage"] == "active", cs["c-10"]
assert cs["c-10"]["since"] == "2026-02-01T23:59:59.999Z", cs["c-10"]["since"]
assert cs["c-11"]["name"] == 'Kit, "the" cars' and cs["c-11"]["since"] == "2026-04-03T14:30:00Z", cs["c-11"]
assert cs["c-11"]["preferred_channel"] == "phone" and cs["c-11"]["phone"] == "+1 555", cs["c-11"]
PY
  # A sheet of promises with its own headers (--map) and one owner... of every row (--set).
  printf 'Ref;Client;What;Promised;Due date;State\np-10;c-10;Call back;01/12/2026;15/12/2026;open\n' >promises.csv
  run 0 import-csv promises.csv --kind promises --db a.db --dates dmy --map id=Ref --map customer=Client \
      --map text=What --map made_at=Promised --map "due_at=Due date" --map status=State --set kind=callback --dry-run
  out_has "^row 2: promise p-10: new$"
  run 0 import-csv promises.csv --kind promises --db a.db --dates=dmy --map id=Ref --map customer=Client \
      --map text=What --map made_at=Promised --map "due_at=Due date" --map status=State --set kind=callback
  out_has "^imported promises.csv: 1 promises from 1 rows, 1 records changed"
  # The phone number is kept when a later sheet has no phone column; a changed name shows.
  printf 'id,name,owner,stage,preferred_channel,since\nc-11,Kit Cars,m-anna,active,phone,2026-04-03T14:30Z\n' >rename.csv
  run 0 import-csv rename.csv --kind customers --db a.db --dry-run
  out_has "^row 2: customer c-11: changes name, stage$"
  run 0 import-csv rename.csv --kind customers --db a.db
  run 0 export --db a.db renamed.json
  grep -q '"+1 555"' renamed.json || fail "a sheet without a phone column erased the phone number"
  ;;
csv_errors)
  run 0 import doc.json --db a.db
  run 0 export --db a.db before.json
  # One bad row of three: nothing applied; every problem by row and column on one line.
  printf 'id,customer,kind,text,made_at,due_at,status\np-20,c-1,delivery,A,2026-11-01,2026-11-20,open\np-21,c-9,delivery,B,2026-11-01,31/02/2026,open\np-22,c-1,parcel,C,2026-11-01,2026-11-20,open\n' >bad.csv
  run 1 import-csv bad.csv --kind promises --db a.db
  err_is 'bad.csv refused \(3 problems; nothing applied\): row 3, column "customer" \(customer\): no customer "c-9" in the document or the store; row 3, column "due_at" \(due_at\): "31/02/2026" is not a date in the form YYYY-MM-DD .*; row 4, column "kind" \(kind\): "parcel" is not one of: delivery, payment, callback, refund, document, other$'
  run 0 export --db a.db after.json
  cmp -s before.json after.json || fail "a refused CSV changed the database"
  printf 'id,name\nc-1,Dom"ino\n' >quote.csv
  run 1 import-csv quote.csv --kind customers --db a.db
  err_is 'row 2, column 2: a quote inside an unquoted field'
  printf 'id,name,stage,preferred_channel,since\n' >noowner.csv
  run 1 import-csv noowner.csv --kind customers --db a.db
  err_is 'field owner: is required and no column feeds it'
  run 2 import-csv bad.csv --kind cases --db a.db
  err_is '--kind is customers or promises'
  run 2 import-csv bad.csv --kind promises --db a.db --dates european
  err_is '--dates is iso, dmy or mdy'
  run 2 import-csv bad.csv --kind promises --db a.db --map due_at
  err_is '--map "due_at" is not FIELD=HEADER'
  run 1 import-csv bad.csv --kind promises --db none.db
  err_is 'no database at none.db'
  # A huge file is refused before it is read.
  truncate -s 70M huge.csv
  run 1 import-csv huge.csv --kind customers --db a.db
  err_is 'huge.csv refused \(nothing applied\): 73400320 bytes, more than the limit of 67108864'
  ;;
csv_sync)
  # The lead's device imports a sheet of customers and syncs: the records reach the
  # real server as the lead's changes, and the new owner's device receives them.
  start_server
  run 0 sync --db lead.db --server "$url" --as m-lena --password-stdin <<<"demo-lena"
  printf 'id,name,owner,stage,preferred_channel,since,email
c-sheet-1,Sheet One,m-anna,active,email,2026-11-01,one@example.com
c-sheet-2,Sheet Two,m-ben,prospect,phone,2026-11-02,
' >team.csv
  run 0 import-csv team.csv --kind customers --db lead.db --actor m-lena
  out_has "2 customers from 2 rows, 2 records changed"
  run 0 sync --db lead.db --server "$url"
  out_has "waiting 0, notices 0$"
  run 0 sync --db anna.db --server "$url" --as m-anna --password-stdin <<<"demo-anna"
  run 0 export --db anna.db anna.json
  python3 - <<'PY' || fail "Anna's device did not receive the lead's imported customer"
import json
cs = {c["id"]: c for c in json.load(open("anna.json"))["customers"]}
assert cs["c-sheet-1"]["owner"] == "m-anna" and cs["c-sheet-1"]["email"] == "one@example.com", cs.get("c-sheet-1")
assert "c-sheet-2" not in cs  # Ben's
PY
  # A row the server would refuse is refused on the device already: nothing to send.
  printf 'id,name,owner,stage,preferred_channel,since
c-sheet-3,Three,m-nobody,active,email,2026-11-01
' >bad.csv
  run 1 import-csv bad.csv --kind customers --db lead.db
  err_is 'row 2, column "owner" \(owner\): no manager "m-nobody" in the document or the store'
  ;;
sync)
  start_server
  # Sign in, sync once: the summary line.
  run 0 sync --db d1.db --server "$url" --as m-anna --password-stdin <<<"demo-anna"
  out_has "^signed in as m-anna "
  out_has "^synced m-anna: cursor [0-9]+, customers [0-9]+, waiting 0, notices 0$"
  [ -f d1.db.session ] || fail "no token file beside the database"
  # Three numbered notes, each printed as it commits, then sent (the token from the file).
  run 0 sync --db d1.db --server "$url" --act 3 --label cli-note
  out_has "^committed 1/3: cli-note 1 on c-"
  out_has "^committed 3/3: cli-note 3 on c-"
  out_has "waiting 0, notices 0$"
  # Another device of the same manager gets each note exactly once.
  run 0 sync --db d2.db --server "$url" --as m-anna --password-stdin --once <<<"demo-anna"
  run 0 export --db d2.db d2.json
  python3 - <<'PY' || fail "the second device does not hold each note exactly once"
import json
subjects = [t["subject"] for t in json.load(open("d2.json"))["touchpoints"]]
for k in (1, 2, 3):
    assert subjects.count(f"cli-note {k}") == 1, (k, subjects.count(f"cli-note {k}"))
PY
  # --watch keeps syncing (the live channel comes up) until SIGTERM, then sums up.
  mkfifo watch.pipe
  "$cli" sync --db d1.db --server "$url" --watch >watch.pipe 2>watch.err &
  watcher=$!
  exec 4<watch.pipe
  live=
  while IFS= read -r -t 20 -u 4 line; do
    echo "$line" >>watch.txt
    if [[ $line == "sync: live"* ]]; then live=1; break; fi
  done
  [ -n "$live" ] || fail "--watch never reported the live channel: $(cat watch.txt watch.err)"
  kill -TERM $watcher
  while IFS= read -r -t 20 -u 4 line; do echo "$line" >>watch.txt; done
  wait $watcher
  rc=$?
  [ "$rc" = 0 ] || fail "--watch ended with $rc after SIGTERM: $(cat watch.err)"
  grep -qE "^synced m-anna: cursor [0-9]+" watch.txt || fail "--watch printed no summary: $(cat watch.txt)"
  # Errors: one line, exit 1 (2 for usage).
  run 1 sync --db d3.db --server "$url" --as m-anna --password-stdin <<<"wrong"
  err_is "sync: m-anna: Wrong manager id or password"
  run 1 sync --db d4.db --server "$url"
  err_is "holds nobody's records yet: sign in with --as"
  run 1 sync --db d1.db --server http://127.0.0.1:9 --timeout 1
  err_is "not in step with http://127.0.0.1:9 after 1 s: .*connect"
  run 2 sync --db d1.db --server "$url" --password-stdin
  err_is "--password-stdin goes with --as"
  run 2 sync --db d1.db --server localhost:1
  err_is "--server wants a URL"
  run 2 sync --db d1.db --server "$url" --once --watch
  err_is "--once or --watch, not both"
  ;;
*)
  fail "unknown scenario $scenario"
  ;;
esac

if [ "$failures" != 0 ]; then
  echo "$scenario: $failures failure(s)" >&2
  exit 1
fi
echo "$scenario: ok"
