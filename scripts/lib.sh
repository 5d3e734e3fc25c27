# shellcheck shell=sh
# Shared helpers for the rig's scripts: paths of the cache and a one-line die().
# Sourced, never run. Every path the rig writes outside the clone is below $CACHE.

CACHE=${STREAMCLASS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/streamclass}
TOP=$(cd "$(dirname "$0")/.." && pwd)
LLVM_SUFFIX=${LLVM_SUFFIX:--19}
export PATH="$HOME/.cargo/bin:$PATH"

die() {
	echo "streamclass: error: $*" >&2
	exit 1
}

note() {
	echo "streamclass: $*" >&2
}

# The machine's Debian mirror, read from its own apt sources (deb822 or
# one-line format), so that no registry host is ever written into the repo.
debian_mirror() {
	{
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] && awk '/^URIs:/ { print $2 }' "$f"
		done
		[ -r /etc/apt/sources.list ] &&
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' \
				/etc/apt/sources.list
	} | grep -v -e security -e '^$' | grep '/debian/\?$' | head -n 1
}

# Run apt-get with a private configuration below $CACHE/apt/$1: its own
# sources list (suites $2, from the machine's mirror), lists and archives.
# Usage: private_apt NAME "SUITES" apt-get|apt-cache arguments...
private_apt() {
	name=$1 suites=$2 tool=$3
	shift 3
	dir=$CACHE/apt/$name
	mirror=$(debian_mirror)
	[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*}"
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	: >"$dir/sources.list"
	for s in $suites; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $s main" \
			>>"$dir/sources.list"
	done
	set -- -q -o APT::Sandbox::User=root -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o APT::Get::List-Cleanup=false "$@"
	"$tool" "$@"
}

# The .ko files this repository's Kbuild tree built.
our_modules() {
	find "$TOP" -name '*.ko' -not -path "$TOP/build/*" | sort
}

# The kernel's own modules of $KDIR (vivid and what it needs), installed
# once with their modules.dep under $KDIR/streamclass-modules, for a guest
# that loads them with modprobe. Prints that directory.
kernel_modules() {
	dir=$KDIR/streamclass-modules
	if [ ! -f "$dir/.installed" ]; then
		rm -rf "$dir"
		make -s -C "$KDIR" LLVM="$LLVM_SUFFIX" INSTALL_MOD_PATH="$dir" \
			INSTALL_MOD_STRIP=1 modules_install >/dev/null ||
			die "could not install the kernel's modules of $KDIR"
		touch "$dir/.installed"
	fi
	echo "$dir"
}

# Provision, build (or reuse) the kernel of configuration $1 (test or bench)
# unless KDIR names one already, export KDIR, and build our modules for it.
# The test kernel's guests also get v4l-utils and the kernel's modules.
# Skipped where a caller already did it (STREAMCLASS_PREPARED=1, with KDIR).
prepare() {
	[ "${STREAMCLASS_PREPARED:-}" != 1 ] || [ -z "${KDIR:-}" ] || return 0
	"$TOP/scripts/provision.sh"
	KDIR=${KDIR:-$("$TOP/scripts/build-kernel.sh" "$1")}
	export KDIR
	"$TOP/scripts/build-modules.sh"
	if [ "$1" = test ]; then
		"$TOP/scripts/fetch-v4l-utils.sh" >/dev/null
		kernel_modules >/dev/null
	fi
}
