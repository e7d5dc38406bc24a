#!/usr/bin/env bash
# Builds the .deb (CPack), then checks it as an operator would meet it: unpacked into an empty
# root, every binary and plugin finds its libraries there or in a package its Depends names, and
# the installed cchost (not the build tree's) prints its version, finds the installed plugins by
# default and verifies a genuine SNP report with the installed policy. docs/operations.md.
#   ./scripts/package.sh          build dir: $CCHOST_BUILD_DIR or build/release
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
build=${CCHOST_BUILD_DIR:-$repo/build/release}
vectors=${CCHOST_VECTORS:-$repo/../shared/vectors}

./scripts/setup.sh
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset release >/dev/null
fi
echo "package: building (cchost, ccprovision, plugins)"
cmake --build "$build" --target cchost ccprovision all -- -j"${CCHOST_JOBS:-2}" >/dev/null

rm -f "$build"/cchost_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/cchost_*.deb)
echo "package: $deb ($(du -h "$deb" | cut -f1))"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
depends=$(dpkg-deb -f "$deb" Depends)
echo "package: Depends: $depends"

fail() { echo "package: FAIL: $*" >&2; exit 1; }

# The layout the installed cchost relies on.
for path in usr/bin/cchost usr/bin/ccprovision usr/lib/cchost/plugins/snp_authorizer.so \
            usr/share/cchost/policies/snp.toml usr/lib/systemd/system/cchost@.service \
            usr/share/doc/cchost/docs/operations.md usr/share/man/man1/cchost.1 \
            usr/share/man/man1/ccprovision.1; do
  [ -e "$root/$path" ] || fail "the package lacks /$path"
done

# Every ELF: no library missing, no path back into the build tree, and each library it links
# comes from a package that Depends names (so a fresh Debian 12 pulls it in).
declared=$(tr ',' '\n' <<<"$depends" | sed -E 's/^ *//; s/ .*//; s/:.*//' | sort -u)
while IFS= read -r elf; do
  [ "$(head -c 4 "$elf" | tail -c 3)" = "ELF" ] || continue
  ldd_out=$(LD_LIBRARY_PATH="$root/usr/lib" ldd "$elf")
  grep -q 'not found' <<<"$ldd_out" && fail "${elf#"$root"}: $(grep 'not found' <<<"$ldd_out" | head -1)"
  if readelf -d "$elf" | grep -Eq 'R(UN)?PATH.*'"$repo"; then fail "${elf#"$root"} has an RPATH into the build tree"; fi
  # Only the libraries the ELF itself names (NEEDED); what those pull in is their packages' business.
  while read -r needed; do
    lib=$(awk -v n="$needed" '$1 == n && $2 == "=>" {print $3}' <<<"$ldd_out")
    [ -n "$lib" ] || continue  # the dynamic loader itself, or a vDSO
    case "$lib" in "$root"/*) continue ;; esac
    pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -n "$pkg" ] || fail "${elf#"$root"}: no package owns $lib"
    # Depends may name the package or a virtual one it provides (libspdlog1.10 provides
    # libspdlog1.10-fmt9, which is what dpkg-shlibdeps writes).
    names=$(printf '%s\n%s\n' "$pkg" "$(dpkg-query -W -f='${Provides}' "$pkg" 2>/dev/null | tr ',' '\n' | sed -E 's/^ *//; s/ .*//')")
    grep -qxFf <(grep -v '^$' <<<"$names") <<<"$declared" ||
      fail "${elf#"$root"} needs $lib from $pkg, which Depends does not name"
  done < <(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done < <(find "$root/usr" -type f \( -path '*/bin/*' -o -name '*.so*' \))
echo "package: every binary and plugin resolves its libraries through Depends"

# apt resolves the package against this machine's Debian 12 archive (dependencies satisfiable).
apt-get install -s -qq "$deb" >/dev/null || fail "apt cannot resolve the package's dependencies"

cchost="$root/usr/bin/cchost"
"$cchost" --version
list=$("$cchost" plugins list) || fail "installed cchost plugins list: $list"
echo "$list"
grep -q 'x-snp' <<<"$list" || fail "the installed cchost did not find the installed SNP plugin by default"
"$root/usr/bin/ccprovision" --help >/dev/null || fail "installed ccprovision --help"

case_dir="$vectors/snp/cases/tav_milan_v3"
if [ -f "$case_dir/report.bin" ]; then
  at=$(sed -n 's/^at = "\(.*\)"/\1/p' "$case_dir/case.toml")
  "$cchost" verify --namespace x-snp --evidence "$case_dir/report.bin" --collateral "$case_dir/collateral" \
    --no-binding --at "$at" >/dev/null || fail "installed cchost verify of tav_milan_v3 at $at"
  echo "package: installed cchost verified snp/tav_milan_v3 at $at"
else
  echo "package: SKIP verify: no SNP vectors at $vectors (set CCHOST_VECTORS)"
fi
if command -v systemd-analyze >/dev/null; then
  # The shipped unit rates 1.7 ("OK"); a change that loosens it past 2.5 fails here.
  systemd-analyze security --offline=yes --threshold=25 --root="$root" cchost@x.service >/dev/null 2>&1 ||
    fail "systemd-analyze security: the shipped unit's exposure is above 2.5 (threshold 25 on its 0..100 scale) (or the unit does not parse)"
  systemd-analyze security --offline=yes --root="$root" cchost@x.service 2>/dev/null | tail -1
fi
echo "package: ok"
