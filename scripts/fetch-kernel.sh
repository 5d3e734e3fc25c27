#!/bin/sh
# Fetch and unpack Debian's linux-source-7.3 (newest 7.3.x of trixie-backports,
# else sid) with a private apt configuration under $CACHE/apt/kernel.
# Caches: the .deb and the unpacked tree in $CACHE/src/linux-source-<version>.
# Prints the source directory. KSRC=/path skips all of this.
set -eu
. "$(dirname "$0")/lib.sh"

if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel source tree"
	echo "$KSRC"
	exit 0
fi

pkg=linux-source-7.3
ver=
for suite in trixie-backports sid; do
	private_apt "kernel-$suite" "$suite" apt-get update >/dev/null 2>&1 || continue
	ver=$(private_apt "kernel-$suite" "$suite" apt-cache show "$pkg" 2>/dev/null |
		awk '/^Version:/ { print $2 }' | sort -V | tail -n 1)
	[ -n "$ver" ] && break
done
[ -n "$ver" ] || die "$pkg not found in trixie-backports or sid (asked the mirror in the machine's apt sources)"

src=$CACHE/src/$pkg-$ver
if [ ! -f "$src/.unpacked" ]; then
	note "downloading $pkg $ver ($suite)"
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$src" && private_apt "kernel-$suite" "$suite" apt-get download "$pkg=$ver" >/dev/null) ||
		die "could not download $pkg=$ver from $suite"
	dpkg-deb -x "$src"/"$pkg"_*.deb "$src/deb"
	tarball=$(ls "$src"/deb/usr/src/linux-source-*.tar.* | head -n 1)
	[ -n "$tarball" ] || die "$pkg $ver holds no source tarball"
	tar -xaf "$tarball" -C "$src"
	rm -rf "$src/deb" "$src"/*.deb
	touch "$src/.unpacked"
fi
ls -d "$src"/linux-source-*/ | head -n 1 | sed 's|/$||'
