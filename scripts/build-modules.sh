#!/bin/sh
# Build the external-module tree (./Kbuild) against the test kernel, with clippy,
# and check rustfmt with the kernel's .rustfmt.toml.
# Env: KDIR (kernel build dir, required). Writes objects beside the sources.
set -eu
. "$(dirname "$0")/lib.sh"
: "${KDIR:?KDIR must name the kernel build directory}"
[ -f "$KDIR/Module.symvers" ] || die "$KDIR has no Module.symvers (run make modules there)"
ls "$KDIR"/rust/*.rmeta >/dev/null 2>&1 || die "$KDIR has no rust/*.rmeta (not a Rust-enabled build)"
"$TOP/scripts/check-tools.sh"

LIBCLANG_PATH=$(llvm-config$LLVM_SUFFIX --libdir)
export LIBCLANG_PATH
make -s -C "$KDIR" M="$TOP" LLVM="$LLVM_SUFFIX" CLIPPY=1 modules >&2 ||
	die "module build failed (output above)"

src=$(readlink -f "$KDIR/source" 2>/dev/null || echo "$KDIR")
rs=$(cd "$TOP" && find . -name '*.rs' -not -path './build/*')
# shellcheck disable=SC2086
[ -z "$rs" ] || (cd "$TOP" && rustfmt --check --color never --config-path "$src/.rustfmt.toml" $rs >&2) ||
	die "rustfmt: the files above are not formatted (rustfmt --config-path $src/.rustfmt.toml)"
