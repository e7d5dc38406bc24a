#!/bin/sh
# `cchost verify --namespace x-az-aci` on every MAA vector through the real binary and plugin,
# each at the time PROVENANCE.md gives, with the outcome it gives (exit 0 accepted, 1 rejected
# with the reason named). Collateral folders are made in a temporary folder from the vector
# files at run time.
# usage: cli_verify_test.sh CCHOST PLUGIN_DIR SOURCE_DIR      (exit 77 = skipped: no vectors)
set -u
cchost=$1 plugins=$2 src=$3
azure=${CCHOST_VECTORS:-$src/../shared/vectors}/azure
if [ ! -d "$azure/maa" ]; then
  echo "SKIP: Azure vectors not found ($azure); set CCHOST_VECTORS"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wus" "$tmp/synthetic" "$tmp/eus2"
cp "$azure/maa/jwks_sharedwus_2021-05-05_subset.json" "$tmp/wus/maa.sharedwus.wus.attest.azure.net.jwks.json"
cp "$azure/maa/synthetic/test_issuer_jwks.json" "$tmp/synthetic/maa.test-maa.invalid.jwks.json"
cp "$azure/maa/jwks_sharedwus_2021-05-05_subset.json" "$tmp/eus2/maa.sharedeus2.eus2.attest.azure.net.jwks.json"
printf 'min_rsa_bits = 1024\n' > "$tmp/legacy.toml"
fail=0

# check NAME EXPECT(0|1) FRAGMENT ARGS...: runs cchost verify, wants exit EXPECT and FRAGMENT in the output.
check() {
  name=$1 want=$2 fragment=$3
  shift 3
  out=$("$cchost" verify --namespace x-az-aci --plugin-dir "$plugins" "$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ] || ! printf '%s' "$out" | grep -qF -- "$fragment"; then
    echo "FAIL $name: expected exit $want and \"$fragment\", got rc=$rc:"; echo "$out"; fail=1
  else
    echo "ok   $name (rc=$rc)"
  fi
}

wus="--collateral $tmp/wus --at 2021-04-17T00:38:40Z --no-binding"
check sgx_sharedwus_default 1 "at least 2048 bits, got 1024" --evidence "$azure/maa/sgx_sharedwus_2021-04-17.jwt" $wus
check sgx_sharedwus_legacy 1 "x-ms-sevsnpvm-reportdata\" missing (x-ms-attestation-type \"sgx\")" \
  --evidence "$azure/maa/sgx_sharedwus_2021-04-17.jwt" $wus --config "$tmp/legacy.toml"
check sgx_sharedwus_now 1 "MAA token expired" --evidence "$azure/maa/sgx_sharedwus_2021-04-17.jwt" \
  --collateral "$tmp/wus" --at 2026-01-01T00:00:00Z --no-binding --config "$tmp/legacy.toml"
check alg_none 1 "(unsecured) is always refused" --evidence "$azure/maa/negative/alg_none.jwt" $wus --config "$tmp/legacy.toml"
check alg_hs256 1 "(HMAC) is always refused" --evidence "$azure/maa/negative/alg_hs256_pubkey_as_secret.jwt" $wus --config "$tmp/legacy.toml"
check kid_unknown 1 "not found in the JWKS" --evidence "$azure/maa/negative/kid_unknown.jwt" $wus --config "$tmp/legacy.toml"
check payload_tampered 1 "signature does not verify" --evidence "$azure/maa/negative/payload_tampered_debuggable_false.jwt" $wus --config "$tmp/legacy.toml"
check signature_truncated 1 "JWS signature" --evidence "$azure/maa/negative/signature_truncated.jwt" $wus --config "$tmp/legacy.toml"
check nvflare_mock 1 "not valid UTF-8 JSON" --evidence "$azure/maa/nvflare_mock_cvm_corrupt.jwt" \
  --collateral "$tmp/eus2" --at 2024-03-08T16:20:00Z --no-binding
check snp_weu_test 1 "is not a trusted MAA instance" --evidence "$azure/maa/snp_weu_test.jwt" \
  --collateral "$tmp/wus" --at 2025-04-08T04:16:00Z --no-binding

# The synthetic matrix under its reference policy, at t = 1760000000.
policy="$src/tests/aci/fixtures/synthetic_policy.toml"
for f in "$azure"/maa/synthetic/*.jwt; do
  name=$(basename "$f" .jwt)
  expect=$(sed -n "s/^ *\"$name\": *\"\([a-z]*\)\".*/\1/p" "$azure/maa/synthetic/expected.json")
  if [ "$expect" = accept ]; then
    check "synthetic/$name" 0 "aci.host_data" --evidence "$f" --collateral "$tmp/synthetic" --at 1760000000 \
      --no-binding --policy "$policy"
  elif [ "$expect" = reject ]; then
    # What must reject it: the verifier's own checks, or the policy rule named.
    case $name in
      attestation_type_azurevm) why="failed rule aci.attestation_type" ;;
      compliance_*) why="failed rule aci.compliance_status" ;;
      debuggable_true) why="failed rule aci.debuggable" ;;
      guestsvn_too_low) why="failed rule aci.min_guest_svn" ;;
      uvm_svn_too_low) why="failed rule aci.min_uvm_svn" ;;
      hostdata_mismatch) why="failed rule aci.host_data" ;;
      launchmeasurement_mismatch) why="failed rule aci.launch_measurement_matches_uvm" ;;
      vmpl_nonzero) why="failed rule aci.vmpl" ;;
      nonce_mismatch) why="REPORT_DATA must be SHA-256(runtime data)" ;;  # x-ms-runtime edited after MAA hashed it
      expired) why="MAA token expired" ;;
      nbf_future) why="MAA token not yet valid" ;;
      iss_wrong) why="is not a trusted MAA instance" ;;
      exp_missing) why="\"exp\" missing" ;;
      *) why="UNLISTED VECTOR $name" ;;
    esac
    check "synthetic/$name" 1 "$why" --evidence "$f" --collateral "$tmp/synthetic" --at 1760000000 \
      --no-binding --policy "$policy"
  else
    echo "FAIL synthetic/$name: no expected outcome in expected.json"; fail=1
  fi
done
exit $fail
