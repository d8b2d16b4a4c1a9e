#!/bin/sh
# run_desktop.sh APP SHOT.png [app args…]: runs the desktop app under a fresh Xvfb for
# a few frames, then checks the screenshot with check_png.py (not blank, many colours).
set -eu
app=$1; shot=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
db="${shot%.png}.db"   # one fresh database per run: the app writes the demo book into it
rm -f "$shot" "$db" "$db-wal" "$db-shm" "$db.identity"
xvfb-run -a -s "-screen 0 1280x800x24" "$app" --frames 5 --screenshot "$shot" --db "$db" "$@"
python3 "$here/check_png.py" "$shot"
