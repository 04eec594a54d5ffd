#!/usr/bin/env bash
# Debian packages the tests use. Skips apt when everything is already there.
set -euo pipefail
# python3-ipykernel + python3-nbclient: the %%track tests run notebooks through a real Jupyter kernel (/usr/bin/python3).
# python3-torch + python3-onnx make the real ONNX models the inference tests use; python3-sklearn,
# python3-scipy and python3-pandas are the oracles numerical code is checked against (and ship real
# data sets); libxml2-utils gives xmllint for checking JUnit reports against their schema.
PACKAGES=(git python3 make g++ python3-ipykernel python3-nbclient chromium libkrb5-dev
  python3-torch python3-onnx python3-sklearn python3-scipy python3-pandas python3-numpy libxml2-utils)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
