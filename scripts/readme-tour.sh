#!/usr/bin/env bash
# Runs README.md's tour as written (issue 14 item 7): every fenced ```sh/```bash command between
# <!-- tour:begin --> and <!-- tour:end -->, in order, in one shell, in a scratch folder, with the
# built binaries on PATH and $CCHOST_SRC naming this checkout (what the README's setup block
# tells a reader to do). A fenced block right after <!-- tour:file NAME --> is written to NAME
# instead (the policy the reader is asked to save). A command whose comment says `# exit N` must
# exit N; every other one must exit 0. The first that does not is named with its README line.
#   CCHOST_BUILD_DIR   the build folder (default build/release)
#   CCHOST_TOUR_TIMEOUT  seconds for the whole tour (default 50)
#   CCHOST_TOUR_KEEP=1   keep the scratch folder (it is kept anyway when the tour fails)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$(cd "${CCHOST_BUILD_DIR:-build/release}" 2>/dev/null && pwd) ||
  { echo "readme-tour: no build folder ${CCHOST_BUILD_DIR:-build/release}; build first (./scripts/build.sh)"; exit 2; }
for need in bin/cchost bin/ccprovision plugins/snp_authorizer.so; do
  [ -e "$build/$need" ] || { echo "readme-tour: $build/$need is missing; build cchost, ccprovision and snp_authorizer"; exit 2; }
done
vectors=$(cd "${CCHOST_VECTORS:-$root/../shared/vectors}" 2>/dev/null && pwd) ||
  { echo "readme-tour: no vectors at ${CCHOST_VECTORS:-$root/../shared/vectors} (set CCHOST_VECTORS)"; exit 2; }

# The tour's server listens where examples/local-demo/project.toml says; a demo or another tour
# already there would answer instead of ours.
port=$(sed -n 's/^port = \([0-9]*\).*/\1/p' examples/local-demo/project.toml)
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "readme-tour: 127.0.0.1:$port (examples/local-demo/project.toml) is already in use"; exit 2
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cchost-tour.XXXXXX")
tour=$scratch/.tour.sh

# README.md -> one bash script: each command is announced with its README line, then run as
# written; the ERR trap names the command that failed.
awk '
  function quote(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
  function flush() {
    if (cmd == "") return
    print "__tour_at " start " " quote(cmd)
    if (match(cmd, /#[ \t]*exit [0-9]+/)) {
      code = substr(cmd, RSTART, RLENGTH); sub(/.*exit /, "", code)
      print "__tour_rc=0"; print "{"; print cmd; print "} || __tour_rc=$?"
      print "__tour_expect " code " \"$__tour_rc\""
    } else {
      print cmd
    }
    cmd = ""
  }
  /<!-- tour:begin -->/ { on = 1; began = 1; next }
  /<!-- tour:end -->/ { on = 0; ended = 1; next }
  !on { next }
  /<!-- tour:file [^ ]+ -->/ && !fence { file = $3; next }
  /^```/ {
    if (!fence) {
      fence = 1; lang = substr($0, 4); gsub(/[ \t]/, "", lang)
      shell = (file == "" && (lang == "sh" || lang == "bash"))
      if (file != "") { print "cat >" quote(file) " <<\047__TOUR_FILE__\047" }
    } else {
      flush()
      if (file != "") { print "__TOUR_FILE__"; file = "" }
      fence = 0; shell = 0
    }
    next
  }
  fence && file != "" { print; next }
  fence && shell {
    if (cmd == "") {
      if ($0 ~ /^[ \t]*(#.*)?$/) next  # blank lines and comment lines between commands
      start = NR
    }
    cmd = (cmd == "" ? $0 : cmd "\n" $0)
    if ($0 !~ /\\$/) flush()  # a trailing backslash continues the command
    next
  }
  END {
    if (!began || !ended) { print "readme-tour: README.md has no <!-- tour:begin --> ... <!-- tour:end -->" > "/dev/stderr"; exit 1 }
  }
' README.md >"$tour.body"

cat >"$tour" <<'EOF'
set -e -o pipefail
__tour_line=0
__tour_cmd=
__tour_count=0
__tour_at() {
  __tour_line=$1 __tour_cmd=$2 __tour_count=$((__tour_count + 1))
  echo "$1" >.tour.at  # for the runner, should the whole tour be stopped by its timeout
  printf '\n== README.md:%s\n$ %s\n' "$1" "$2"
}
__tour_fail() {
  printf '\nreadme-tour: FAILED at README.md:%s (%s)\n  %s\n' "$__tour_line" "$1" "${__tour_cmd//$'\n'/$'\n'  }" >&2
  exit 1
}
__tour_expect() { [ "$2" = "$1" ] || __tour_fail "exit $2, README says exit $1"; }
trap '__tour_fail "exit $?"' ERR
# Whatever the tour left running in the background (the participants) stops with it.
__tour_stop() {
  local pids
  pids=$(jobs -pr)
  [ -z "$pids" ] || { kill -TERM $pids 2>/dev/null || true; wait 2>/dev/null || true; }
}
trap __tour_stop EXIT
EOF
cat "$tour.body" >>"$tour"
echo 'echo "$__tour_count" >.tour.count' >>"$tour"

echo "readme-tour: running README.md's tour in $scratch (binaries from $build)"
started=$(date +%s)
# timeout leads its own process group and signals all of it: a participant started in the
# background is stopped too, even when the tour shell itself is killed. Being in its own group,
# it does not get a Ctrl-C meant for us: we pass it on (set before it starts, so no signal falls
# between the two), and on any way out of here.
runner=
stop_runner() { [ -z "$runner" ] || kill -TERM -- "-$runner" 2>/dev/null || true; }
interrupted() { echo "readme-tour: interrupted; scratch folder kept: ${scratch:-}" >&2; exit "$1"; }
trap stop_runner EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
(cd "$scratch" && exec env -u CCHOST_ROOT_FINGERPRINT PATH="$build/bin:$PATH" CCHOST_SRC="$root" \
   CCHOST_VECTORS="$vectors" timeout --kill-after=5 "${CCHOST_TOUR_TIMEOUT:-50}" bash "$tour") &
runner=$!
rc=0
wait "$runner" || rc=$?
if kill -0 "$runner" 2>/dev/null; then wait "$runner" || true; fi
runner=
trap - INT TERM EXIT
elapsed=$(($(date +%s) - started))
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
  echo "readme-tour: FAILED: the tour did not finish within ${CCHOST_TOUR_TIMEOUT:-50}s; it was running" \
    "README.md:$(cat "$scratch/.tour.at" 2>/dev/null || echo '?')" >&2
fi
if [ "$rc" -ne 0 ]; then
  echo "readme-tour: scratch folder kept: $scratch" >&2
  exit 1
fi
echo
echo "readme-tour: $(cat "$scratch/.tour.count") commands of README.md's tour ran as written in ${elapsed}s"
[ "${CCHOST_TOUR_KEEP:-0}" = 1 ] && echo "readme-tour: scratch folder kept: $scratch" || rm -rf "$scratch"
