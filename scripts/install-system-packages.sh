#!/usr/bin/env bash
# Install the Debian packages the full test suite needs, if missing (with --runtime, only those the
# portal needs to run, for `make run`): PostgreSQL, Redis,
# Chromium, the libraries and fonts WeasyPrint renders PDFs with, poppler-utils to read PDFs back in tests, and a
# Java runtime for the Nu HTML checker.
# As root it installs them; otherwise it names what is missing (those tests are then skipped,
# or fail under CI=true).
set -euo pipefail

# What the portal itself needs to make PDFs: Pango, HarfBuzz's subsetter (without it WeasyPrint
# falls back to a pure-Python font subsetter, ten times slower a badge) and fonts covering Urdu.
runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core)
if [ "${1:-}" = "--runtime" ]; then
  packages=("${runtime[@]}")
else
  packages=(postgresql redis-server chromium "${runtime[@]}" gettext wrk poppler-utils default-jre-headless)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a system cluster and server; the tests run their own throwaway ones.
else
  echo "Missing Debian packages (install them as root to run every test): ${missing[*]}" >&2
fi
