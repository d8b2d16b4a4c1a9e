#!/bin/sh
# run_desktop.sh APP SHOT.png [app args…]: runs the desktop app under a fresh Xvfb for
# a few frames, then checks the screenshot with check_png.py (not blank, many colours).
set -eu
app=$1; shot=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$shot"
xvfb-run -a -s "-screen 0 1280x800x24" "$app" --frames 5 --screenshot "$shot" --db "${TMPDIR:-/tmp}/cockpit-desktop-test.db" "$@"
python3 "$here/check_png.py" "$shot"
