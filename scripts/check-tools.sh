#!/bin/sh
# Check, in a second, that every tool the Rust kernel build needs is there, so
# a missing one is one clear line instead of a page of build errors.
set -eu
. "$(dirname "$0")/lib.sh"

for t in clang$LLVM_SUFFIX ld.lld$LLVM_SUFFIX llvm-config$LLVM_SUFFIX rustc bindgen flex bison bc; do
	command -v "$t" >/dev/null || die "$t not found on PATH (scripts/provision.sh installs it)"
done
sysroot=$(rustc --print sysroot)
[ -d "$sysroot/lib/rustlib/src/rust/library/core" ] ||
	die "rust-src missing under $sysroot (rustup component add rust-src)"
[ -f "$(llvm-config$LLVM_SUFFIX --libdir)/libclang.so" ] ||
	ls "$(llvm-config$LLVM_SUFFIX --libdir)"/libclang*.so* >/dev/null 2>&1 ||
	die "libclang not found in $(llvm-config$LLVM_SUFFIX --libdir) (libclang-19-dev)"
