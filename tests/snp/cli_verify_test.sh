#!/bin/sh
# `cchost verify --namespace x-snp` on every genuine SNP case, at the case's own time:
# exit 0 and the case's measurement for "verified", exit 1 with a reason for "rejected" (4 when
# the reason is collateral the verifier lacks: fetch it and retry, docs/cli.md "Exit status").
# usage: cli_verify_test.sh CCHOST PLUGIN_DIR SOURCE_DIR      (exit 77 = skipped: no vectors)
set -u
cchost=$1 plugins=$2 src=$3
cases=${CCHOST_VECTORS:-$src/../shared/vectors}/snp/cases
if [ ! -d "$cases" ]; then
  echo "SKIP: SNP vectors not found ($cases); set CCHOST_VECTORS"
  exit 77
fi
fail=0
for dir in "$cases"/*/; do
  name=$(basename "$dir")
  at=$(sed -n 's/^at = "\(.*\)"$/\1/p' "$dir/case.toml")
  expect=$(sed -n 's/^expect = "\(.*\)"$/\1/p' "$dir/case.toml")
  measurement=$(sed -n 's/^measurement = "\(.*\)"$/\1/p' "$dir/case.toml")
  out=$("$cchost" verify --namespace x-snp --evidence "$dir/report.bin" \
        --collateral "$dir/collateral" --at "$at" --no-binding --plugin-dir "$plugins" 2>&1)
  rc=$?
  if [ "$expect" = verified ]; then
    if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q "snp.measurement = $measurement"; then
      echo "FAIL $name: expected verified with measurement $measurement, rc=$rc:"; echo "$out"; fail=1
    fi
  else
    if { [ $rc -ne 1 ] && [ $rc -ne 4 ]; } || [ -z "$out" ]; then
      echo "FAIL $name: expected exit 1 or 4 with a reason, rc=$rc:"; echo "$out"; fail=1
    fi
  fi
  echo "$name: rc=$rc ($expect)"
done
# The one without a VCEK must say so (never "valid").
out=$("$cchost" verify --namespace x-snp --evidence "$cases/NEGATIVE_v4_no_vcek/report.bin" \
      --collateral "$cases/NEGATIVE_v4_no_vcek/collateral" --at 2026-11-01T00:00:00Z --no-binding \
      --plugin-dir "$plugins" 2>&1)
rc=$?
if [ $rc -ne 4 ] || ! printf '%s' "$out" | grep -q "collateral missing: no VCEK"; then
  echo "FAIL NEGATIVE_v4_no_vcek: expected exit 4 and \"collateral missing: no VCEK\", rc=$rc:"; echo "$out"; fail=1
fi
exit $fail
