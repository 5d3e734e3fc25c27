#!/bin/sh
# Install what the rig needs, each step skipped when already done:
#   - Debian packages: LLVM 19 (clang, lld, llvm, libclang), kernel build tools,
#     busybox-static for the guest, gcc and a static libc (libc6-dev) for
#     the guest's V4L2 checks (tests/v4l2/*.c), imagemagick for the demo's
#     pictures;
#   - rust-src and bindgen-cli 0.72.1 (cargo install --locked);
#   - qemu-system-x86 from bookworm-backports, matching the preinstalled
#     qemu-utils, through a private apt configuration (never removes a package).
# Caches: apt lists of the private configuration under $CACHE/apt/qemu.
set -eu
. "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=0.72.1

missing=
for p in clang-19 lld-19 llvm-19 libclang-19-dev flex bison bc libelf-dev \
	libssl-dev cpio kmod busybox-static make gcc libc6-dev linux-libc-dev imagemagick; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || die "missing Debian packages:$missing (run as root to install them)"
	note "installing Debian packages:$missing"
	apt-get update -q >/dev/null || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-remove $missing >/dev/null ||
		die "apt-get install failed for:$missing"
fi

command -v rustup >/dev/null || die "rustup not found (needed for rust-src; install Rust with rustup)"
rustup component list --installed 2>/dev/null | grep -q '^rust-src' ||
	rustup component add rust-src >/dev/null 2>&1 || die "rustup component add rust-src failed"

if ! bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	command -v cargo >/dev/null || die "bindgen $BINDGEN_VERSION missing and no cargo to install it"
	note "installing bindgen-cli $BINDGEN_VERSION (about a minute)"
	cargo install --locked -q bindgen-cli --version "$BINDGEN_VERSION" >/dev/null 2>&1 ||
		die "cargo install --locked bindgen-cli --version $BINDGEN_VERSION failed"
fi

if ! command -v qemu-system-x86_64 >/dev/null; then
	[ "$(id -u)" = 0 ] || die "qemu-system-x86_64 missing (run as root to install qemu-system-x86)"
	note "installing qemu-system-x86 from bookworm-backports"
	private_apt qemu "bookworm bookworm-backports" apt-get update >/dev/null 2>&1 ||
		die "apt-get update of bookworm-backports failed"
	DEBIAN_FRONTEND=noninteractive private_apt qemu "bookworm bookworm-backports" \
		apt-get install -y --no-remove -t bookworm-backports qemu-system-x86 >/dev/null ||
		die "installing qemu-system-x86 from bookworm-backports failed"
fi
exit 0
