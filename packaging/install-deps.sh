#!/bin/sh
# Installs everything mintkiosk needs to build, test and run, from Debian 12 packages only.
# Idempotent: packages already installed are left as they are. Run as root.
set -eu

PACKAGES="
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libimgui-dev libstb-dev libfreetype-dev libsdl2-dev libgl1-mesa-dri
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev
  libsodium-dev libzstd-dev libqrencode-dev libcairo2-dev
  catch2 fonts-dejavu-core xvfb xauth xdotool x11-xkb-utils poppler-utils gettext openssl curl
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages are installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages:$missing" >&2
  echo "install-deps: run this script as root (or with sudo) to install them" >&2
  exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
