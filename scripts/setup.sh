#!/usr/bin/env bash
# Installs what cchost needs to build and test on Debian 12. Idempotent: packages
# already present are skipped, so a second run does no network work at all.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang libclang-rt-14-dev
  libboost-dev libboost-filesystem-dev libboost-system-dev
  libzmq3-dev cppzmq-dev
  libssl-dev openssl
  libtomlplusplus-dev
  libspdlog-dev libfmt-dev
  nlohmann-json3-dev
  libcbor-dev          # plugins/aci: the UVM endorsement is a COSE_Sign1 (CBOR) document
  libcpp-httplib-dev   # plugins/aci: HTTP client for the SKR sidecar on localhost, and the test sidecar
  libxmlsec1-dev       # plugins/nvcommon: NVIDIA RIMs are XMLDSig documents (verify; sign for the sim RIM signer)
  libcli11-dev
  libsystemd-dev       # host/cli: cchost run tells systemd it is ready and pings its watchdog (sd_notify)
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 iproute2   # tests/faults: the harness, and network namespaces + veth pairs
  nftables           # tests/faults: packet loss where the kernel has no netem (random drop rule)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
