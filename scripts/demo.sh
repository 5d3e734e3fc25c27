#!/bin/sh
# `make demo`: build everything, boot the test kernel once with an edu device,
# load streamclass, and show the lines it and the demo scenario print.
set -eu
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/provision.sh"
KDIR=${KDIR:-$("$TOP/scripts/build-kernel.sh" test)}
export KDIR
"$TOP/scripts/build-modules.sh"
mods=$(our_modules)
# shellcheck disable=SC2086
log=$("$TOP/scripts/run-vm.sh" demo "$TOP/tests/scenarios/demo" $mods)
sed -n 's/^\[ *[0-9.]*\] //; /streamclass\|demo:\|# Subtest\|^ *\(not \)\?ok /p' "$log" |
	grep -v 'streamclass-init: modules in'
echo "(the whole console: $log)"
awk -f "$TOP/scripts/verdict.awk" "$log" >/dev/null || die "the demo boot reported a problem: $log"
