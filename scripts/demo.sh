#!/bin/sh
# `make demo`: build everything, boot the test kernel once with an edu device,
# load streamclass and the Rust edu capture sample, stream frames through its
# /dev/videoN with v4l2-ctl (made by edu's DMA into the mmap'd buffers),
# check them in the guest, bring them out over a second serial line and
# write them as PGM images under build/demo/. Shows what the demo scenario
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
[ "$(wc -c <"$out")" -eq "$1" ] || die "$out holds $(wc -c <"$out") bytes, $1 sent"
size=$(($3 * $4))
# The same byte-for-byte check as in the guest, on what came out.
busybox sh -c ". '$TOP/tests/v4l2/edu_pattern.sh' && pattern '$out' $size $2" >/dev/null ||
	die "the frames that came out ($out) do not hold the sample's pattern"
mkdir -p "$TOP/build/demo"
rm -f "$TOP/build/demo"/frame-*.pgm
i=0
while [ "$i" -lt "$2" ]; do
	f=$TOP/build/demo/frame-$(printf %02d "$i").pgm
	{
		printf 'P5\n%d %d\n255\n' "$3" "$4"
		dd if="$out" bs="$size" skip="$i" count=1 status=none
	} >"$f"
	echo "$f"
	i=$((i + 1))
done
# The sum, last: the scenario checked each frame against the pattern.
sum=$(tr -d '\r' <"$log" |
	sed -n 's/^.*streamclass-init: \(demo: [0-9]* frames streamed to userspace by device DMA, [0-9]* verified\)$/\1/p' |
	tail -n 1)
[ -n "$sum" ] || die "the demo streamed nothing: $log"
echo "$sum"
