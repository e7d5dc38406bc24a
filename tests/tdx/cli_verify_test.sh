#!/bin/sh
# `cchost verify --namespace x-tdx` on the genuine TDX quotes at the times PROVENANCE.md records:
# exit 0 and the expected TCB status for those that verify, exit 1 with a reason for the others
# (4 where the collateral itself is stale at that time: an expired CRL, docs/cli.md "Exit status").
# usage: cli_verify_test.sh CCHOST PLUGIN_DIR SOURCE_DIR      (exit 77 = skipped: no vectors)
set -u
cchost=$1 plugins=$2 src=$3
vec=${CCHOST_VECTORS:-$src/../shared/vectors}/tdx
if [ ! -d "$vec" ]; then
  echo "SKIP: TDX vectors not found ($vec); set CCHOST_VECTORS"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# check NAME EXPECTED_RC PATTERN QUOTE COLLATERAL AT [extra args]
check() {
  name=$1 want=$2 pattern=$3 quote=$4 coll=$5 at=$6
  shift 6
  out=$("$cchost" verify --namespace x-tdx --evidence "$vec/$quote" --collateral "$coll" --at "$at" \
        --plugin-dir "$plugins" "$@" 2>&1)
  rc=$?
  if [ $rc -ne "$want" ] || ! printf '%s' "$out" | grep -q -- "$pattern"; then
    echo "FAIL $name: expected rc=$want and \"$pattern\", got rc=$rc:"; echo "$out"; fail=1
  else
    echo "ok $name: rc=$rc"
  fi
}
gtg="$tmp/gtg2023"
mkdir "$gtg"
cp "$vec/go-tdx-guest/tcbinfo_fmspc_50806f000000.json" "$gtg/tcbinfo.json"
cp "$vec/go-tdx-guest/qe_identity_td_qe.json" "$gtg/qe_identity.json"
cp "$vec/go-tdx-guest/tcbinfo_issuer_chain.pem" "$gtg/tcb_info_issuer_chain.pem"
cp "$vec/go-tdx-guest/qe_identity_issuer_chain.pem" "$gtg/qe_identity_issuer_chain.pem"
cp "$vec/go-tdx-guest/pck_platform_crl.der" "$gtg/pck_crl.der"
cp "$vec/go-tdx-guest/root_ca_crl.der" "$gtg/root_ca_crl.der"
bundle="$tmp/bundle"
mkdir "$bundle"
cp "$vec/phala/quote_v4_uptodate.collateral_bundle.json" "$bundle/"

phala_at=2025-07-19T10:00:34Z
check phala_uptodate 0 'tdx.tcb_status = "UpToDate"' phala/quote_v4_uptodate.dat \
      "$vec/phala/quote_v4_uptodate.collateral" $phala_at --no-binding
check phala_uptodate_bundle 0 'tdx.tcb_status = "UpToDate"' phala/quote_v4_uptodate.dat "$bundle" $phala_at --no-binding
check phala_uptodate_json 0 '"tdx.tcb_status"' phala/quote_v4_uptodate.dat \
      "$vec/phala/quote_v4_uptodate.collateral" $phala_at --no-binding --json
check phala_uptodate_expired 4 'CRL' phala/quote_v4_uptodate.dat \
      "$vec/phala/quote_v4_uptodate.collateral" 2025-07-19T10:00:35Z --no-binding
check phala_uptodate_wrong_binding 1 'REPORT_DATA must be' phala/quote_v4_uptodate.dat \
      "$vec/phala/quote_v4_uptodate.collateral" $phala_at --report-data "$(printf '%0128d' 0)"
check debug_td_gtg2023 0 'tdx.debug = true' trustee/quote_v4_debug_td.dat "$gtg" 2023-07-01T01:00:00Z --no-binding
check debug_td_policy 1 'tdx.debug' trustee/quote_v4_debug_td.dat "$gtg" 2023-07-01T01:00:00Z --no-binding \
      --policy "$src/policies/tdx.toml"
check spr_e4_gtg2023 1 'no TCB level matches' go-tdx-guest/quote_v4_spr_e4.dat "$gtg" 2023-07-01T01:00:00Z --no-binding
check spr_e4_2053 4 'expired' go-tdx-guest/quote_v4_spr_e4.dat "$gtg" 2053-07-01T01:00:00Z --no-binding
exit $fail
