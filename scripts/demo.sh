#!/bin/sh
# `make demo`: build everything, boot the test kernel once with an edu device,
# load streamclass and the Rust edu capture sample, stream frames through its
# /dev/videoN with v4l2-ctl (made by edu's DMA into the mmap'd buffers),
# check them in the guest, bring them out over a second serial line and
# write them as PGM images under build/demo/; then one frame of the software
# capture sample's colour bars in each pixel format, as PNG pictures
# (ImageMagick). Shows what the demo scenario
# and the sample print, with the KUnit summaries of the loaded modules.
set -eu
. "$(dirname "$0")/lib.sh"

prepare test
mods=$(our_modules)
# shellcheck disable=SC2086
log=$("$TOP/scripts/run-vm.sh" demo "$TOP/tests/scenarios/demo" $mods)
sed -n 's/^\[ *[0-9.]*\] //; s/^streamclass-init: //; s/^streamclass_edu_capture [0-9a-f:.]*: /  sample: /; /^demo: [0-9]* frames streamed/d; /^demo:\|^# [a-z_]*: pass:\|^  sample: \|^dma-api errors\|kmemleak found/p' "$log"
echo "(the whole console: $log)"
awk -f "$TOP/scripts/verdict.awk" "$log" >/dev/null || die "the demo boot reported a problem: $log"
# The frames: the scenario named their size on the console, and sent them raw.
geom=$(tr -d '\r' <"$log" |
	sed -n 's/^.*streamclass-init: demo: out on ttyS1: \([0-9]*\) bytes, \([0-9]*\) frames of \([0-9]*\)x\([0-9]*\)$/\1 \2 \3 \4/p' |
	tail -n 1)
[ -n "$geom" ] || die "the demo sent no frames: $log"
set -- $geom
out=$TOP/build/vm/demo.out
# The testcap frames that followed: bytes, pixel format, width, height.
tc=$(tr -d '\r' <"$log" |
	sed -n 's/^.*streamclass-init: demo: testcap out on ttyS1: \([0-9]*\) bytes, \([A-Z0-9]*\) \([0-9]*\)x\([0-9]*\)$/\1 \2 \3 \4/p')
sent=$(echo "$tc" | awk -v n="$1" '{ n += $1 } END { print n }')
[ "$(wc -c <"$out")" -eq "$sent" ] || die "$out holds $(wc -c <"$out") bytes, $sent sent"
size=$(($3 * $4))
# The same byte-for-byte check as in the guest, on what came out.
head -c "$1" "$out" >"$out.edu"
busybox sh -c ". '$TOP/tests/v4l2/edu_pattern.sh' && pattern '$out.edu' $size $2" >/dev/null ||
	die "the frames that came out ($out) do not hold the sample's pattern"
mkdir -p "$TOP/build/demo"
rm -f "$TOP/build/demo"/frame-*.pgm
i=0
while [ "$i" -lt "$2" ]; do
	f=$TOP/build/demo/frame-$(printf %02d "$i").pgm
	{
		printf 'P5\n%d %d\n255\n' "$3" "$4"
		dd if="$out.edu" bs="$size" skip="$i" count=1 status=none
	} >"$f"
	echo "$f"
	i=$((i + 1))
done
# The colour bars as PNG, by ImageMagick: RGB24 as it is, YUYV as UYVY
# (its bytes swapped in pairs, which ImageMagick reads).
rm -f "$TOP/build/demo"/testcap-*.png
# Debian's ImageMagick (scripts/provision.sh), whatever else is first in PATH.
convert=/usr/bin/convert
[ -x "$convert" ] || convert=convert
off=$1
echo "$tc" | while read -r bytes fcc w h; do
	[ -n "$bytes" ] || continue
	png=$TOP/build/demo/testcap-$fcc-${w}x$h.png
	case $fcc in
	YUYV) dd if="$out" iflag=skip_bytes,count_bytes skip="$off" count="$bytes" conv=swab status=none |
		"$convert" -size "${w}x$h" -depth 8 uyvy:- "$png" ;;
	RGB3) dd if="$out" iflag=skip_bytes,count_bytes skip="$off" count="$bytes" status=none |
		"$convert" -size "${w}x$h" -depth 8 rgb:- "$png" ;;
	esac || die "ImageMagick could not convert the $fcc frame"
	echo "$png"
	off=$((off + bytes))
done
[ -n "$tc" ] || die "the demo sent no testcap frames: $log"
# The sum, last: the scenario checked each frame against the pattern.
sum=$(tr -d '\r' <"$log" |
	sed -n 's/^.*streamclass-init: \(demo: [0-9]* frames streamed to userspace by device DMA, [0-9]* verified\)$/\1/p' |
	tail -n 1)
[ -n "$sum" ] || die "the demo streamed nothing: $log"
echo "$sum"
