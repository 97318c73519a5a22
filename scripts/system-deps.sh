#!/usr/bin/env bash
# System packages the tests need: nginx (with the stream module) and openssl
# for the real-nginx tests, Chromium for the browser tests (Playwright drives
# Debian's build; it cannot download its own here), and Node.js/npm to build
# the page when the machine has none.
# Installs whatever is missing when run as root; otherwise says what to install,
# and the real-nginx tests skip (outside CI) with that reason.
set -euo pipefail

packages=(nginx-light libnginx-mod-stream openssl ca-certificates chromium)
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "system-deps: missing ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# The nginx package starts a service on port 80 after installing, and apt-get
# fails when that start fails. The tests never use it: keep services stopped.
policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
