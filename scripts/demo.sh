#!/bin/sh
# `make demo`: build everything, boot the test kernel once with an edu device,
# load streamclass and the Rust edu capture sample, capture frames by device
# DMA, and show what the demo scenario and the sample print, with the KUnit
# summaries of the loaded modules.
set -eu
. "$(dirname "$0")/lib.sh"

prepare test
mods=$(our_modules)
# shellcheck disable=SC2086
log=$("$TOP/scripts/run-vm.sh" demo "$TOP/tests/scenarios/demo" $mods)
sed -n 's/^\[ *[0-9.]*\] //; s/^streamclass-init: //; s/^streamclass_edu_capture [0-9a-f:.]*: /  sample: /; /^demo: [0-9]* frames captured/d; /^demo:\|^# [a-z_]*: pass:\|^  sample: \|^dma-api errors\|kmemleak found/p' "$log"
echo "(the whole console: $log)"
awk -f "$TOP/scripts/verdict.awk" "$log" >/dev/null || die "the demo boot reported a problem: $log"
# The sum of the capture, last: the scenario printed it from the class's stats.
sum=$(tr -d '\r' <"$log" |
	sed -n 's/^.*streamclass-init: \(demo: [0-9]* frames captured by device DMA, [0-9]* verified\)$/\1/p' |
	tail -n 1)
[ -n "$sum" ] || die "the demo captured nothing: $log"
echo "$sum"
