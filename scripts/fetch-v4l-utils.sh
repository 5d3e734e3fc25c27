#!/bin/sh
# Fetch and unpack Debian trixie's v4l-utils (1.30.1) together with every
# shared library its v4l2-compliance and v4l2-ctl load at run time, with a
# private apt configuration under $CACHE/apt/v4l-trixie, for the guest's
# initramfs: nothing is installed on the host.
# Caches: $CACHE/v4l-utils/<version>/debs (the .debs, packages.txt naming
# their versions) and $CACHE/v4l-utils/<version>/root (them unpacked with
# dpkg-deb -x, plus trixie's merged-/usr links lib -> usr/lib and
# lib64 -> usr/lib64). Once a root is unpacked (stamp .unpacked) later runs
# reuse the newest one without asking the mirror; rm -rf $CACHE/v4l-utils
# fetches again.
# Usage: fetch-v4l-utils.sh          prints the root directory
#        fetch-v4l-utils.sh --list   prints, relative to the root, the files
#          the two tools need: the binaries, the loader by its PT_INTERP name
#          (lib64/ld-linux-x86-64.so.2) and each library by the path the
#          loader opens (usr/lib/x86_64-linux-gnu/SONAME, a system search
#          path, so no ld.so.cache is needed). Some are symlinks in the root:
#          copy each with its target's content, e.g.
#            for f in $(fetch-v4l-utils.sh --list); do
#                mkdir -p "$dst/${f%/*}"; cp -L "$root/$f" "$dst/$f"; done
#          (about 8 MB in all). The list is what the unpacked loader itself
#          resolves (ld.so --list), checked on every run.
set -eu
. "$(dirname "$0")/lib.sh"

mode=${1:-}
case $mode in
"" | --list) ;;
*) die "usage: $0 [--list]" ;;
esac

# What v4l2-compliance and v4l2-ctl need, found from the ELF NEEDED entries of
# the binaries and of each library in turn (v4l2-ctl: libv4l2.so.0,
# libstdc++.so.6, libm.so.6, libgcc_s.so.1, libc.so.6; libv4l2.so.0:
# libv4lconvert.so.0; libv4lconvert.so.0: libjpeg.so.62; the rest: only
# libc, libm, libgcc_s and the loader). Neither tool links libudev,
# libv4l2rds, libbpf, libelf or zlib. The first three share v4l-utils'
# version.
same_source="v4l-utils libv4l-0t64 libv4lconvert0t64"
others="libjpeg62-turbo libstdc++6 libgcc-s1 libc6"
bins="usr/bin/v4l2-compliance usr/bin/v4l2-ctl"
interp=lib64/ld-linux-x86-64.so.2
libdir=usr/lib/x86_64-linux-gnu

# needed_files ROOT: print the files the tools need, relative to ROOT, as the
# unpacked loader resolves them; fails when a library is missing or would be
# taken from outside ROOT.
needed_files() {
	r=$1 out=
	for b in $bins; do
		out="$out$("$r/$interp" --library-path "$r/$libdir" --list "$r/$b")" ||
			die "the loader in $r could not list $b's libraries"
		out="$out
"
	done
	printf '%s\n' $bins
	printf '%s' "$out" | awk -v root="$r/" '
		$2 == "=>" && $3 == "not" {
			print "streamclass: error: " $1 " not found in " root > "/dev/stderr"
			bad = 1
			next
		}
		$1 ~ /^\// { p = substr($1, 2) }	# the loader, by its PT_INTERP name
		$1 !~ /^\// && $2 == "=>" {
			if (index($3, root) != 1) {
				print "streamclass: error: " $1 " resolved outside " root ": " $3 > "/dev/stderr"
				bad = 1
				next
			}
			p = substr($3, length(root) + 1)
		}
		p != "" && !seen[p]++ { print p }
		{ p = "" }
		END { exit bad }'
}

dir=$(ls -d "$CACHE"/v4l-utils/*/.unpacked 2>/dev/null | sed 's|/\.unpacked$||' | sort -V | tail -n 1)
if [ -z "$dir" ]; then
	private_apt v4l-trixie trixie apt-get update >/dev/null 2>&1 ||
		die "apt-get update of trixie failed (asked the mirror in the machine's apt sources)"
	ver=$(private_apt v4l-trixie trixie apt-cache show v4l-utils 2>/dev/null |
		awk '/^Version:/ { print $2 }' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "v4l-utils not found in trixie"
	dir=$CACHE/v4l-utils/$ver
	note "downloading v4l-utils $ver and its libraries (trixie)"
	rm -rf "$dir"
	mkdir -p "$dir/debs"
	set --
	for p in $same_source; do
		set -- "$@" "$p=$ver"
	done
	# shellcheck disable=SC2086
	(cd "$dir/debs" && private_apt v4l-trixie trixie apt-get download "$@" $others >/dev/null) ||
		die "could not download v4l-utils $ver and its libraries from trixie"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -f "$deb" Package Version | paste -sd ' ' - >>"$dir/debs/packages.txt"
		dpkg-deb -x "$deb" "$dir/root"
	done
	for l in lib lib64; do
		[ -e "$dir/root/$l" ] || ln -s "usr/$l" "$dir/root/$l"
	done
	needed_files "$dir/root" >/dev/null || die "v4l-utils $ver: libraries missing (see above)"
	upstream=${ver#*:}
	upstream=${upstream%-*}
	for b in $bins; do
		"$dir/root/$interp" --library-path "$dir/root/$libdir" "$dir/root/$b" --version 2>&1 |
			grep -q " $upstream" || die "$b of $ver does not run here"
	done
	touch "$dir/.unpacked"
fi

if [ "$mode" = --list ]; then
	list=$(needed_files "$dir/root") || die "libraries missing in $dir/root (rm -rf $dir to fetch again)"
	echo "$list"
else
	echo "$dir/root"
fi
