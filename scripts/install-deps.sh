#!/usr/bin/env bash
# Installs the Debian packages Letterbox needs to build and test, if any are missing.
set -euo pipefail
# What Letterbox needs to build and run, and what the quick start uses (curl posts the samples).
# The peers only the tests drive (Kannel, Chromium, Request Tracker) are installed by .ci/run.
packages=(libsqlite3-dev libxml2-dev zlib1g-dev pkg-config tzdata e2fsprogs curl python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  # Wait for another package install (unattended-upgrades, a colleague) instead of failing on its lock.
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
fi
