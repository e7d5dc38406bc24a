#!/bin/sh
# `cchost verify` on the genuine NVIDIA vectors through the real binary and the built plugins:
# one GPU with its RIMs (the full offline pass), a switch with its BIOS RIM, the 8 GPU + 4
# NVSwitch board with the topology stage derived, and the rejections (wrong nonce, a report
# from another device, a board missing a GPU against the board policy).
# usage: cli_verify_test.sh CCHOST PLUGIN_DIR SOURCE_DIR      (exit 77 = skipped: no vectors)
set -u
cchost=$1 plugins=$2 src=$3
vec=${CCHOST_VECTORS:-$src/../shared/vectors}/nvidia
if [ ! -d "$vec" ]; then
  echo "SKIP: NVIDIA vectors not found ($vec); set CCHOST_VECTORS"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# check NAME EXPECTED_RC PATTERN ARGS...
check() {
  name=$1 want=$2 pattern=$3
  shift 3
  out=$("$cchost" verify --plugin-dir "$plugins" "$@" 2>&1)
  rc=$?
  if [ $rc -ne "$want" ] || ! printf '%s' "$out" | grep -q -- "$pattern"; then
    echo "FAIL $name: expected rc=$want and \"$pattern\", got rc=$rc:"; echo "$out" | tail -30; fail=1
  else
    echo "ok $name: rc=$rc"
  fi
}
# One device folder as NVIDIA's evidence list (base64 report and chain).
token() {
  printf '[{"arch":"%s","evidence":"%s","certificate":"%s"}]' "$2" \
    "$(base64 -w0 "$vec/$1/report.bin")" "$(base64 -w0 "$vec/$1/certchain.pem")" > "$3"
}

nogpu="$tmp/nogpu"; mkdir -p "$nogpu/rims"
cp "$vec/rims/nvtrust_samples/Driver_RIM_test_no_gpu.swidtag" "$nogpu/rims/NV_GPU_DRIVER_GH100_545.00.xml"
cp "$vec/rims/nvtrust_samples/1010_0200_882_96005E0001_test_no_gpu.swidtag" "$nogpu/rims/NV_GPU_VBIOS_1010_0200_882_96005E0001.xml"
token gpu/nvtrust_test_no_gpu_545.00 HOPPER "$tmp/nogpu.json"
nonce_nogpu=4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e
check gpu_full_offline_pass 0 'gpu.measurements = "success"' --namespace x-nv-gpu --evidence "$tmp/nogpu.json" \
      --collateral "$nogpu" --report-data $nonce_nogpu --at 2024-01-01T00:00:00Z
check gpu_json 0 '"gpu.driver_rim_status"' --namespace x-nv-gpu --evidence "$tmp/nogpu.json" \
      --collateral "$nogpu" --report-data $nonce_nogpu --at 2024-01-01T00:00:00Z --json
check gpu_wrong_nonce 1 'nonce mismatch' --namespace x-nv-gpu --evidence "$tmp/nogpu.json" \
      --collateral "$nogpu" --report-data "$(printf '%064d' 0)" --at 2024-01-01T00:00:00Z
token gpu/NEGATIVE_atsdk_hopper_invalid_signature HOPPER "$tmp/badsig.json"
check gpu_invalid_signature 1 'signature does not verify' --namespace x-nv-gpu --evidence "$tmp/badsig.json" --no-binding \
      --at 2025-06-01T00:00:00Z

sw="$tmp/switch"; mkdir -p "$sw/rims"
cp "$vec/rims/atsdk/switchVBIOSRim_NV_SWITCH_BIOS_5612_0002_890_9610550001.xml" "$sw/rims/"
check switch_with_bios_rim 0 'nvswitch.measurements = "success"' --namespace x-nv-switch \
      --evidence "$vec/switch/atsdk_ls10_evidence_json/evidence.json" --collateral "$sw" \
      --report-data 931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb --at 2026-06-01T00:00:00Z

board="$vec/topology/ppcie_8gpu_4switch"
nonce_board=4760e30534a0621357d458b1a7936551b5dc4cd1e69718adf7ed9fb0252a537e
check board_topology 0 'nvtopology.problems = ""' --evidence "x-nv-gpu=$board/gpus/evidence.json" \
      --evidence "x-nv-switch=$board/switches/evidence.json" --report-data $nonce_board --at 2025-06-01T00:00:00Z
check board_json 0 '"cchost.verify.multi/v1"' --evidence "x-nv-gpu=$board/gpus/evidence.json" \
      --evidence "x-nv-switch=$board/switches/evidence.json" --report-data $nonce_board --at 2025-06-01T00:00:00Z --json
# Seven of the eight GPUs: the switches list a GPU the bundle does not hold.
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); json.dump(d[:7], open(sys.argv[2],'w'))" \
  "$board/gpus/evidence.json" "$tmp/seven.json"
check board_missing_gpu 0 'which no GPU record in the bundle has' --evidence "x-nv-gpu=$tmp/seven.json" \
      --evidence "x-nv-switch=$board/switches/evidence.json" --report-data $nonce_board --at 2025-06-01T00:00:00Z
check board_missing_gpu_policy 1 'nvtopology.require_consistent' --evidence "x-nv-gpu=$tmp/seven.json" \
      --evidence "x-nv-switch=$board/switches/evidence.json" --report-data $nonce_board --at 2025-06-01T00:00:00Z \
      --policy "$src/policies/nvtopology.toml" --evidence-age 0
exit $fail
