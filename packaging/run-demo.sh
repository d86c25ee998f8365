#!/bin/sh
# The main job: installs dependencies, builds, and runs the demo on a fresh local store.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
sh packaging/build.sh
BIN=build/bin/mintkiosk
if [ -n "${MK_DEMO_DATA:-}" ]; then
  DATA="$MK_DEMO_DATA"
else
  # The demo's sessions are laid around the current time: start from a fresh store every run.
  DATA="$(pwd)/build/demo-data"
  rm -rf "$DATA"
fi
echo
echo "== Seeding the demo centre into $DATA"
"$BIN" --data "$DATA" demo
echo
echo "== Sessions today"
"$BIN" --data "$DATA" sessions --today
SESSION=$("$BIN" --data "$DATA" sessions --today | head -n 1 | cut -f 1)
echo
echo "== Finding 'mül' (Müller, Mueller and Muller alike)"
"$BIN" --data "$DATA" find mül --limit 5
PERSON=$("$BIN" --data "$DATA" find mül --limit 1 | cut -f 1)
echo
echo "== Checking in, twice (the second time changes nothing)"
"$BIN" --data "$DATA" checkin --session "$SESSION" --person "$PERSON"
"$BIN" --data "$DATA" checkin --session "$SESSION" --person "$PERSON"
echo
echo "== Attendance of that session as CSV for Excel (first lines)"
"$BIN" --data "$DATA" export attendance --session "$SESSION" | head -n 4
echo
echo "The demo store is in $DATA; try: $BIN --data $DATA --help"
