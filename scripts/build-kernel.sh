#!/bin/sh
# Build the test kernel (bzImage + in-tree modules, so Module.symvers exists)
# from `make tinyconfig` plus a fragment of scripts/config/, with LLVM.
# Usage: build-kernel.sh [FRAGMENT-NAME]   (default: test)
# Caches: $CACHE/build/<kernel version>-<fragment name>-<fragment hash>/, reused
# when present. Prints that build directory.
set -eu
. "$(dirname "$0")/lib.sh"

frag=$TOP/scripts/config/${1:-test}.config
[ -f "$frag" ] || die "no config fragment $frag"
src=$("$TOP/scripts/fetch-kernel.sh")
"$TOP/scripts/check-tools.sh"

kver=$(make -s -C "$src" kernelversion)
hash=$(sha256sum "$frag" | cut -c1-12)
out=$CACHE/build/$kver-${1:-test}-$hash
if [ -f "$out/.built" ]; then
	echo "$out"
	exit 0
fi

LIBCLANG_PATH=$(llvm-config$LLVM_SUFFIX --libdir)
export LIBCLANG_PATH
mk() { make -s -C "$src" O="$out" LLVM="$LLVM_SUFFIX" "$@"; }

note "configuring Linux $kver ($(basename "$frag")) in $out"
mkdir -p "$out"
mk tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >/dev/null
mk olddefconfig >/dev/null

# Every option of the fragment must have survived olddefconfig.
lost=$(grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$frag" | while read -r line; do
	case $line in
	"# "*)
		opt=${line#\# }
		opt=${opt%% *}
		grep -q "^$opt=" "$out/.config" && echo "$opt"
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
