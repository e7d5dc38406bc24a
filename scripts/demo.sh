#!/usr/bin/env bash
# The README's demo command: a local multi-site deployment on loopback.
#   setup (if needed) -> build -> provision 1 server + 3 sites + admin (simulated SEV-SNP)
#   -> start the 4 hosts -> submit a job -> print the decision table -> stop everything.
# site-3 runs a simulated guest with DEBUG enabled; site-1's and site-2's own policies reject
# it as a peer, so the job goes to site-1 and site-2 and the table names the failed rule.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
preset=${CCHOST_PRESET:-release}
build_dir=${CCHOST_BUILD_DIR:-}   # an existing build folder: skip setup and build

if [ -z "$build_dir" ]; then
  # Only what the demo runs (not every test and benchmark), with ninja's progress line showing.
  echo "demo: setting up and building cchost, ccprovision and the SNP plugin (first run takes a few minutes)"
  ./scripts/setup.sh
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "${CCHOST_JOBS:-$(nproc)}" --target cchost ccprovision snp_authorizer
  build_dir=$root/build/$preset
fi
bin=$build_dir/bin
plugins=$build_dir/plugins

demo=$root/build/demo
rm -rf "$demo"
mkdir -p "$demo/logs" "$demo/ws"

# A free loopback port, so the demo never collides with anything already listening.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
       echo $((20000 + RANDOM % 20000)))
cp -r examples/local-demo "$demo/project"
sed -i "s/^port = .*/port = $port/" "$demo/project/project.toml"

echo "demo: provisioning 1 server, 3 sites and an admin (simulated SEV-SNP evidence)"
"$bin/ccprovision" --project "$demo/project/project.toml" --out "$demo/kits" \
  --plugin-dir "$plugins" --state "$demo/state" >"$demo/logs/provision.log" 2>&1 ||
  { cat "$demo/logs/provision.log"; exit 1; }
# The root pin: a kit is trusted only through a fingerprint held outside it. ccprovision prints
# it and writes it next to the kits; every operator passes it to cchost run and cchost admin.
fingerprint=$(cat "$demo/kits/root.fingerprint")
echo "demo: project root fingerprint $fingerprint"

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

for who in server site-1 site-2 site-3; do
  "$bin/cchost" --log-level info run --kit "$demo/kits/$who" --workspace "$demo/ws/$who" \
    --root-fingerprint "$fingerprint" --heartbeat-ms 500 >"$demo/logs/$who.log" 2>&1 &
  pids+=($!)
done
echo "demo: started server, site-1, site-2, site-3 on 127.0.0.1:$port"

admin=("$bin/cchost" admin --kit "$demo/kits/admin" --root-fingerprint "$fingerprint" --timeout 10)
registered=0
for _ in $(seq 1 120); do
  # Counted from the JSON status (the human table is for people, not scripts).
  registered=$("${admin[@]}" status --json 2>/dev/null |
    python3 -c 'import json,sys; print(sum(1 for p in json.load(sys.stdin)["participants"] if p["registered"] and p.get("reachable", True)))' 2>/dev/null ||
    echo 0)
  [ "$registered" -ge 3 ] && break
  sleep 0.5
done
if [ "$registered" -lt 3 ]; then
  echo "demo: only $registered of 3 sites registered; logs in $demo/logs"
  exit 1
fi
echo "demo: all 3 sites registered (each appraised the server first, then was appraised)"

printf 'model weights, shared only with sites everyone trusts\n' >"$demo/payload.bin"
cp examples/local-demo/job.toml "$demo/job.toml"

echo "demo: submitting job demo-1 to site-1, site-2, site-3 (min_sites = 2)"
echo
set +e
"${admin[@]}" submit "$demo/job.toml" --wait 90
submit_rc=$?
set -e
echo
summary=$("${admin[@]}" status --job demo-1 --summary)
stop_all
trap - EXIT

# Every participant stopped cleanly, so every log must end with its signed shutdown head; a
# site's log must also hold the last signed head the server received in its heartbeats.
for who in server site-1 site-2 site-3; do
  against=()
  [ -f "$demo/ws/server/site-heads/$who.json" ] && against=(--against "$demo/ws/server/site-heads/$who.json")
  "$bin/cchost" audit verify "$demo/ws/$who/audit.log" --kit "$demo/kits/$who" \
    --root-fingerprint "$fingerprint" "${against[@]}" >/dev/null ||
    { echo "demo: the audit log of $who does not verify"; exit 1; }
done
# Key release: each accepted site opened the payload sealed to its own job key; an excluded
# site was sent no deploy at all (its audit log records no payload, its workspace holds none).
want=$(sha256sum "$demo/payload.bin" | cut -d' ' -f1)
for who in site-1 site-2 site-3; do
  stored="$demo/ws/$who/jobs/demo-1/payload"
  if [ -f "$stored" ]; then
    [ "$(sha256sum "$stored" | cut -d' ' -f1)" = "$want" ] ||
      { echo "demo: $who holds a payload that is not the one submitted"; exit 1; }
    echo "demo: $who opened the payload sealed to its job key (SHA-256 matches, mode $(stat -c %a "$stored"))"
  elif grep -q '"job.deployed"' "$demo/ws/$who/audit.log"; then
    echo "demo: $who recorded a deployment but holds no payload"; exit 1
  else
    echo "demo: $who was excluded and received nothing: no ciphertext, no payload"
  fi
done
# Receipts: every deployed site returned one, signed with its kit's receipt key over the job,
# the payload's SHA-256 and the evidence it presented; re-verified here offline from the
# server's audit log and the server's kit.
receipts=$("$bin/cchost" audit receipts "$demo/ws/server/audit.log" --kit "$demo/kits/server" \
  --root-fingerprint "$fingerprint" --job demo-1) || { echo "$receipts"; echo "demo: the receipts do not verify"; exit 1; }
sed 's/^/demo: /' <<<"$receipts"
echo "demo: logs: $demo/logs/{server,site-1,site-2,site-3}.log"
echo "demo: audit logs (hash-chained, heads signed, verified): $demo/ws/*/audit.log"
echo "demo: $summary"
exit $submit_rc
