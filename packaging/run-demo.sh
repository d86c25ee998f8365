#!/bin/sh
# The main job: installs dependencies, builds, and runs the demo on a fresh local store.
set -eu
cd "$(dirname "$0")/.."
sh packaging/install-deps.sh
sh packaging/build.sh
BIN=build/bin/mintkiosk
SERVER_BIN=build/bin/mintkiosk-server
SERVER_DATA="$(pwd)/build/demo-server"
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
echo "== Starting a local central server (embedded SQLite in $SERVER_DATA) with the demo centre"
rm -rf "$SERVER_DATA"
CODE=$("$SERVER_BIN" --data "$SERVER_DATA" demo)
"$SERVER_BIN" --data "$SERVER_DATA" serve --listen 127.0.0.1:0 --port-file "$SERVER_DATA/port" \
  2> "$SERVER_DATA/server.log" &
SERVER_PID=$!
trap 'kill -TERM "$SERVER_PID" 2>/dev/null || true' EXIT
TRIES=0
while [ ! -s "$SERVER_DATA/port" ]; do
  TRIES=$((TRIES + 1))
  if [ "$TRIES" -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server did not start:" >&2
    cat "$SERVER_DATA/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
URL="http://127.0.0.1:$(cat "$SERVER_DATA/port")"
echo "server at $URL, health: $(curl -s "$URL/v1/health")"
echo
echo "== Enrolling this device with the one-time code $CODE"
"$BIN" --data "$DATA" enroll --server "$URL" --code "$CODE" --name "Demo-Kiosk Foyer"
"$SERVER_BIN" --data "$SERVER_DATA" device list
echo "the device asks the server who it is (with its token):"
curl -s -H "Authorization: Bearer $(cat "$DATA/device.token")" "$URL/v1/device"
echo
echo
echo "== Sessions today"
"$BIN" --data "$DATA" sessions --today
echo "open for check-in now:"
"$BIN" --data "$DATA" sessions --open
SESSION=$("$BIN" --data "$DATA" sessions --open | head -n 1 | cut -f 1)
echo
echo "== Finding 'mül' (Müller, Mueller and Muller alike)"
"$BIN" --data "$DATA" find mül --limit 5
PERSON=$("$BIN" --data "$DATA" find mül --limit 1 | cut -f 1)
echo
echo "== Checking in, twice (the second time changes nothing)"
"$BIN" --data "$DATA" checkin --session "$SESSION" --person "$PERSON"
"$BIN" --data "$DATA" checkin --session "$SESSION" --person "$PERSON"
echo
echo "== Syncing: the check-in goes up to the server, the centre's data comes down"
"$BIN" --data "$DATA" sync
"$BIN" --data "$DATA" status
echo
echo "== A second kiosk joins the centre and syncs; it knows the check-in already"
DATA2="$(pwd)/build/demo-data-2"
rm -rf "$DATA2"
CENTRE=$("$SERVER_BIN" --data "$SERVER_DATA" centre list | head -n 1 | cut -f 1)
CODE2=$("$SERVER_BIN" --data "$SERVER_DATA" enroll --centre "$CENTRE" 2>/dev/null)
"$BIN" --data "$DATA2" enroll --server "$URL" --code "$CODE2" --name "Demo-Kiosk Raum 2"
"$BIN" --data "$DATA2" sync
"$BIN" --data "$DATA2" checkin --session "$SESSION" --person "$PERSON"
echo
echo "== Attendance of that session as CSV for Excel (first lines)"
"$BIN" --data "$DATA" export attendance --session "$SESSION" | head -n 4
echo
echo "== Stopping the server (SIGTERM: requests in flight finish, exit 0); its access log:"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
trap - EXIT
cat "$SERVER_DATA/server.log"
echo
echo "The demo store is in $DATA; try: $BIN --data $DATA --help"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "== Opening the kiosk in a window (close the window to end the demo)"
  "$BIN" --data "$DATA" kiosk --windowed
else
  echo "On a machine with a display, open the kiosk with: $BIN --data $DATA kiosk --windowed"
fi
