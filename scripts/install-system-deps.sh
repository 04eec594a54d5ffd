#!/usr/bin/env bash
# Debian packages the tests use. Skips apt when everything is already there.
set -euo pipefail
# python3-ipykernel + python3-nbclient: the %%track tests run notebooks through a real Jupyter kernel (/usr/bin/python3).
PACKAGES=(git python3 make g++ python3-ipykernel python3-nbclient chromium libkrb5-dev)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
