#!/usr/bin/env bash
# Configures and builds one preset (default: release). Used by test.sh, demo.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
./scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "${CCHOST_JOBS:-$(nproc)}"
