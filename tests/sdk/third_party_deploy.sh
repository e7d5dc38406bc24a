#!/usr/bin/env bash
# A third-party authorizer in a real deployment (issue 10): the SDK is installed to a prefix,
# examples/hello-authorizer is built out of tree against that prefix alone, ccprovision puts the
# resulting .so into every kit with its own config keys (nothing injected), and a server and
# three sites run as real processes on loopback. The sites' policies use the plugin's own knob
# ([hello] min_svn = 3); site-2 proves svn 1, so the job goes to site-1 and site-3 and the
# decision names the knob's rule for site-2.
#   third_party_deploy.sh BUILD_DIR SOURCE_DIR CMAKE CXX [SANITIZER_FLAGS]
set -euo pipefail
build_dir=$1 source_dir=$2 cmake=$3 cxx=$4 flags=${5:-}
bin=$build_dir/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/cchost-third-party-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "third_party_deploy: FAIL: $*"
  for log in "$work"/logs/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; done
  exit 1
}

# 1. The plugin, from the installed SDK only.
"$cmake" --install "$build_dir" --prefix "$work/prefix" --component sdk >/dev/null
"$cmake" -G Ninja -S "$source_dir/examples/hello-authorizer" -B "$work/hello" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_MODULE_LINKER_FLAGS="$flags" >"$work/cmake.log" 2>&1 ||
  { cat "$work/cmake.log"; fail "configuring the plugin against the installed SDK"; }
"$cmake" --build "$work/hello" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "building the plugin"; }
mkdir -p "$work/plugins" "$work/logs" "$work/ws"
cp "$work/hello/hello_authorizer.so" "$work/plugins/"
chmod 0755 "$work/plugins" "$work/plugins/hello_authorizer.so"

# 2. A project that names only that plugin; each participant's config is the plugin's own keys.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/project"
cat >"$work/project/server.toml" <<'EOF'
[policy]
name = "third-party server"
require = ["x-hello"]
allow_simulated = true   # x-hello has no hardware root: test only
peer_trust = "mutual"    # the job goes to the largest set of sites that all trust each other
EOF
cat >"$work/project/site.toml" <<'EOF'
[policy]
name = "third-party site"
require = ["x-hello"]
allow_simulated = true   # x-hello has no hardware root: test only

[hello]
min_svn = 3
EOF
authorizer() {  # namespace, plugin file and the plugin's own config keys, nothing else
  printf '  [[%s.authorizer]]\n  namespace = "x-hello"\n  plugin = "hello_authorizer.so"\n  args = { svn = %s, greeting = "%s" }\n' "$1" "$2" "$3"
}
{
  printf '[project]\nname = "third-party"\nsimulate = false\n\n'
  printf '[server]\nname = "server"\nhost = "127.0.0.1"\nport = %s\npolicy = "server.toml"\n' "$port"
  authorizer server 9 "from the server"
  for site in "site-1 5" "site-2 1" "site-3 7"; do
    set -- $site
    printf '\n[[site]]\nname = "%s"\norg = "org-%s"\npolicy = "site.toml"\n' "$1" "$1"
    authorizer site "$2" "from $1"
  done
  printf '\n[admin]\nname = "admin"\n'
} >"$work/project/project.toml"

"$bin/ccprovision" --project "$work/project/project.toml" --out "$work/kits" --plugin-dir "$work/plugins" \
  --state "$work/state" >"$work/logs/provision.log" 2>&1 || fail "ccprovision"
fingerprint=$(cat "$work/kits/root.fingerprint")
# The kit pins the out-of-tree .so and passes its config through verbatim: no backend key.
grep -q 'svn = 1' "$work/kits/site-2/participant.toml" || fail "site-2's kit lacks its own svn"
if grep -q 'backend' "$work/kits/site-2/participant.toml"; then fail "a backend key was injected"; fi
cmp -s "$work/kits/site-2/plugins/hello_authorizer.so" "$work/plugins/hello_authorizer.so" ||
  fail "the kit does not hold the out-of-tree plugin"

# 3. A real deployment.
for who in server site-1 site-2 site-3; do
  "$bin/cchost" --log-level info run --kit "$work/kits/$who" --workspace "$work/ws/$who" \
    --root-fingerprint "$fingerprint" --heartbeat-ms 300 >"$work/logs/$who.log" 2>&1 &
  pids+=($!)
done
admin=("$bin/cchost" admin --kit "$work/kits/admin" --root-fingerprint "$fingerprint" --timeout 10)
registered=0
for _ in $(seq 1 120); do
  registered=$("${admin[@]}" status 2>/dev/null | grep -cE '^  site-[0-9]+ +yes' || true)
  [ "$registered" -ge 3 ] && break
  sleep 0.5
done
[ "$registered" -ge 3 ] || fail "only $registered of 3 sites registered"

printf 'third-party payload\n' >"$work/payload.bin"
cat >"$work/job.toml" <<'EOF'
id = "tp-1"
deploy_map = ["site-1", "site-2", "site-3"]
min_sites = 2
retries = 0
payload = "payload.bin"
EOF
table=$("${admin[@]}" submit "$work/job.toml" --wait 60 2>&1) || fail "submit: $table"
echo "$table"
grep -Eq '^  site-1 +deployed' <<<"$table" || fail "site-1 not deployed"
grep -Eq '^  site-3 +deployed' <<<"$table" || fail "site-3 not deployed"
grep -Eq '^  site-2 +excluded .*hello\.svn' <<<"$table" || fail "site-2 not excluded by the min_svn knob's rule"
echo "third_party_deploy: ok (the out-of-tree plugin's knob excluded site-2)"
