#!/usr/bin/env bash
# Builds every libFuzzer target (clang `fuzz` preset) and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (CI runs it with a small budget)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
export CCHOST_VECTORS=${CCHOST_VECTORS:-$(cd .. && pwd)/shared/vectors}
./scripts/setup.sh
cmake --preset fuzz >/dev/null
targets=$(ninja -C build/fuzz -t targets all | sed -n 's/^\(fuzz_[a-z0-9_]*\): .*/\1/p' | sort -u)
if [ -z "$targets" ]; then
  echo "fuzz: no fuzz targets defined"
  exit 0
fi
# shellcheck disable=SC2086
cmake --build build/fuzz -j "${CCHOST_JOBS:-$(nproc)}" --target $targets
failed=0
for t in $targets; do
  corpus=build/fuzz/corpus/$t
  mkdir -p "$corpus"
  seeds=tests/fuzz-seeds/$t
  # Genuine evidence makes the best seeds; it is read from $CCHOST_VECTORS, never committed.
  if [ -d "$CCHOST_VECTORS" ]; then
    case $t in
      fuzz_snp_*) for f in "$CCHOST_VECTORS"/snp/cases/*/report.bin; do
                    [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$(dirname "$f")").bin"; done ;;
      fuzz_crypto_jws) for f in "$CCHOST_VECTORS"/azure/maa/*.jwt "$CCHOST_VECTORS"/azure/maa/*/*.jwt; do
                    [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"; done ;;
      fuzz_policy_load) for f in policies/*.toml; do cp -n "$f" "$corpus/seed-$(basename "$f")"; done ;;
      fuzz_tdx_quote) for f in "$CCHOST_VECTORS"/tdx/*/*.dat; do
                    [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
      fuzz_tdx_collateral_json) for f in "$CCHOST_VECTORS"/tdx/*/*.json "$CCHOST_VECTORS"/tdx/phala/*.collateral/*.json; do
                    [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
      fuzz_nv_spdm) find "$CCHOST_VECTORS"/nvidia -name report.bin | while read -r f; do
                    cp -n "$f" "$corpus/seed-$(echo "$f" | md5sum | cut -c1-12).bin"; done ;;
      fuzz_nv_rim) for f in "$CCHOST_VECTORS"/nvidia/rims/*/*; do
                    [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"; done ;;
      fuzz_nv_evidence_json) find "$CCHOST_VECTORS"/nvidia -name evidence.json | while read -r f; do
                    cp -n "$f" "$corpus/seed-$(echo "$f" | md5sum | cut -c1-12).json"; done ;;
    esac
  fi
  echo "fuzz: $t for ${seconds}s"
  if ! build/fuzz/fuzz/$t -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=0 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) >"build/fuzz/$t.log" 2>&1; then
    echo "fuzz: $t FAILED (see build/fuzz/$t.log)"; tail -40 "build/fuzz/$t.log"; failed=1
  fi
done
exit $failed
