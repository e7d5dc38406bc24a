#!/usr/bin/env bash
# The per-site cost key release adds (issue 13): HPKE seal/open of a payload, measured beside
# OpenSSL's own X25519 and AES-256-GCM figures on the same machine in the same run.
# Usage: scripts/bench_key_release.sh [build dir, default build/release]
set -euo pipefail
build=${1:-build/release}
cmake --build "$build" --target bench_key_release >/dev/null
echo "== cchost HPKE (X25519, HKDF-SHA256, AES-256-GCM), per site =="
"$build/bench/bench_key_release"
echo
echo "== openssl speed (same run) =="
openssl version
openssl speed -seconds 1 ecdhx25519 2>/dev/null | tail -2
openssl speed -seconds 1 -evp aes-256-gcm 2>/dev/null | tail -2
