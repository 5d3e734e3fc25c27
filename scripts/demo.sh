#!/bin/sh
# `make demo`: build everything, boot the test kernel once with an edu device,
# load streamclass and the C consumer that registers the edu device, and show
# what the demo scenario prints, with the KUnit summaries of the loaded modules.
set -eu
. "$(dirname "$0")/lib.sh"

prepare test
mods=$(our_modules)
# shellcheck disable=SC2086
log=$("$TOP/scripts/run-vm.sh" demo "$TOP/tests/scenarios/demo" $mods)
sed -n 's/^\[ *[0-9.]*\] //; s/^streamclass-init: //; /^demo:\|^# [a-z_]*: pass:\|frames moved\|bus address\|^dma-api errors\|kmemleak found/p' "$log"
echo "(the whole console: $log)"
awk -f "$TOP/scripts/verdict.awk" "$log" >/dev/null || die "the demo boot reported a problem: $log"
