#!/bin/sh
# run_desktop_server.sh DESKTOP SERVER CLI SHOT.png: the desktop app as a device of a
# real cockpit-server, in a real window under Xvfb.
#   1. cockpit-server --demo on a free port (its first line names the URL);
#   2. `cockpit-cli sync` signs this device in as Anna (her share and token in DB);
#   3. another device of Anna's adds a note, which only the server has;
#   4. the desktop opens DB with --server, syncs until in step, screenshots and exits;
#   5. the desktop's database holds the other device's note, the screenshot a real frame.
set -eu
desktop=$1; server=$2; cli=$3; shot=$4
here=$(cd "$(dirname "$0")" && pwd)
work="${shot%.png}.d"
rm -rf "$work" "$shot" && mkdir -p "$work"
fifo="$work/server.out"
mkfifo "$fifo"
"$server" serve --demo --port 0 --db "$work/server.db" --heartbeat 5 >"$fifo" 2>"$work/server.err" &
spid=$!
trap 'kill $spid 2>/dev/null || true; wait $spid 2>/dev/null || true' EXIT
# The first line: "cockpit-server listening on http://127.0.0.1:PORT/ (database …)".
read -r first <"$fifo" || { echo "the server printed nothing: $(cat "$work/server.err")"; exit 1; }
cat "$fifo" >"$work/server.log" &
url=$(echo "$first" | sed -n 's#.*listening on \(http://[^/ ]*\)/.*#\1#p')
[ -n "$url" ] || { echo "no URL in: $first"; exit 1; }

echo demo-anna | "$cli" sync --db "$work/desk.db" --server "$url" --as m-anna --password-stdin --once
echo demo-anna | "$cli" sync --db "$work/other.db" --server "$url" --as m-anna --password-stdin --once \
  --act 1 --label "from the laptop"

xvfb-run -a -s "-screen 0 1280x800x24" "$desktop" --server "$url" --db "$work/desk.db" --until-synced \
  --screenshot "$shot"

python3 - "$work/desk.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("SELECT count(*) FROM touchpoints WHERE subject = 'from the laptop 1'").fetchone()[0]
waiting = db.execute("SELECT count(*) FROM change_log WHERE synced = 0").fetchone()[0]
if n != 1 or waiting != 0:
    sys.exit(f"the desktop did not sync: note seen {n} times, {waiting} changes unsent")
print("the desktop has the other device's note; nothing waits")
PY
python3 "$here/check_png.py" "$shot"
