#!/bin/sh
# Build the test kernel (bzImage + in-tree modules, so Module.symvers exists)
# from `make tinyconfig` plus fragments of scripts/config/, with LLVM.
# Usage: build-kernel.sh [test|bench]   (default: test)
#   test: test.config; bench: test.config, then bench.config's overrides.
# Caches: $CACHE/build/<kernel version>-<name>-<hash of the fragments>/, reused
# when present. Prints that build directory.
set -eu
. "$(dirname "$0")/lib.sh"

name=${1:-test}
case $name in
test) frags=$TOP/scripts/config/test.config ;;
bench) frags="$TOP/scripts/config/test.config $TOP/scripts/config/bench.config" ;;
*) die "unknown kernel configuration '$name' (test or bench)" ;;
esac
src=$("$TOP/scripts/fetch-kernel.sh")
"$TOP/scripts/check-tools.sh"

kver=$(make -s -C "$src" kernelversion)
# shellcheck disable=SC2086
hash=$(cat $frags | sha256sum | cut -c1-12)
out=$CACHE/build/$kver-$name-$hash
if [ -f "$out/.built" ]; then
	echo "$out"
	exit 0
fi

LIBCLANG_PATH=$(llvm-config$LLVM_SUFFIX --libdir)
export LIBCLANG_PATH
mk() { make -s -C "$src" O="$out" LLVM="$LLVM_SUFFIX" "$@"; }

note "configuring Linux $kver ($name) in $out"
mkdir -p "$out"
mk tinyconfig >/dev/null
# shellcheck disable=SC2086
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $frags >/dev/null
mk olddefconfig >/dev/null

# Every option of the fragments (the last word on each) must have survived.
# shellcheck disable=SC2086
lost=$(cat $frags | awk '
	/^# CONFIG_.* is not set$/ { k = $2 }
	/^CONFIG_/ { k = $0; sub(/=.*/, "", k) }
	/^(# )?CONFIG_/ { if (!(k in last)) order[++n] = k; last[k] = $0 }
	END { for (i = 1; i <= n; i++) print last[order[i]] }' |
	while read -r line; do
	case $line in
	"# "*)
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || echo "$opt"
		;;
	*) grep -qxF "$line" "$out/.config" || echo "${line%%=*}" ;;
	esac
done)
[ -z "$lost" ] || die "olddefconfig dropped or changed:" $lost "(see $out/.config)"

note "building Linux $kver with LLVM$LLVM_SUFFIX on $(nproc) cores (about 7 minutes cold)"
mk -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
	die "kernel build failed; last lines of $out/build.log: $(tail -n 3 "$out/build.log" | tr '\n' ' ')"
touch "$out/.built"
echo "$out"
