#!/usr/bin/env bash
# Installs the Debian packages Letterbox needs to build and test, if any are missing.
set -euo pipefail
# kannel, kannel-extras (fakesmsc) and chromium are real peers the tests drive (python3 drives chromium);
# curl posts the samples in the quick start.
packages=(libsqlite3-dev libxml2-dev zlib1g-dev pkg-config tzdata e2fsprogs kannel kannel-extras chromium curl python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
