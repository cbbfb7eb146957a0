#!/usr/bin/env bash
# The dashboard's browser test drives Debian's chromium (no browser download by npm). Installs it when missing.
# Idempotent and quick when already there; waits for another apt/dpkg run to finish instead of failing on its lock.
set -euo pipefail
bin="${FERRY_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  sudo=sudo
  command -v sudo >/dev/null || { echo "ensure-chromium: $bin is missing and this user cannot install it (run: apt-get install -y chromium)" >&2; exit 1; }
else
  sudo=
fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { $sudo apt-get -o DPkg::Lock::Timeout=600 "$@"; }
echo "ensure-chromium: installing Debian's chromium (apt-get install -y chromium)" >&2
if ! apt_get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  apt_get update -q >/dev/null
  apt_get install -y --no-install-recommends chromium >/dev/null
fi
[ -x "$bin" ] || { echo "ensure-chromium: chromium installed but $bin is missing" >&2; exit 1; }
