#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release preset and runs the
# whole test suite through ctest. Genuine vectors are read from $CCHOST_VECTORS
# (default ../shared/vectors); tests that need them skip with a message where they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
export CCHOST_VECTORS=${CCHOST_VECTORS:-$(cd .. && pwd)/shared/vectors}
./scripts/build.sh "$preset"
ctest --preset "$preset" -j "${CCHOST_JOBS:-$(nproc)}" --timeout 600
