#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release preset and runs the
# whole test suite through ctest. Genuine vectors are read from $CCHOST_VECTORS
# (default ../shared/vectors); tests that need them skip with a message where they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
export CCHOST_VECTORS=${CCHOST_VECTORS:-$(cd .. && pwd)/shared/vectors}
./scripts/build.sh "$preset"
if ! ctest --preset "$preset" -j "${CCHOST_JOBS:-$(nproc)}" --timeout 600; then
  # Each failure's output again, last, so that the tail of a CI log shows why (the run stays red).
  echo "test.sh: rerunning the failed tests alone, with their output"
  ctest --preset "$preset" --rerun-failed --output-on-failure --timeout 600 || true
  exit 1
fi
