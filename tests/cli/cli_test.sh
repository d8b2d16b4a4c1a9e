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
sync)
  # A real cockpit-server on port 0; its "listening on" line is read through a FIFO
  # (a wait on the line itself, with a timeout, not a sleep).
  [ -x "$server" ] || { echo "sync: no cockpit-server binary given" >&2; exit 1; }
  mkfifo srv.pipe
  "$server" serve --port 0 --db srv.db --demo --heartbeat 2 >srv.pipe 2>srv.err &
  srv=$!
  trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
  exec 3<srv.pipe
  url=
  while IFS= read -r -t 20 -u 3 line; do
    if [[ $line =~ listening\ on\ (http://[^/]+)/ ]]; then url=${BASH_REMATCH[1]}; break; fi
  done
  [ -n "$url" ] || { echo "sync: cockpit-server did not start: $(cat srv.err)" >&2; exit 1; }
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
