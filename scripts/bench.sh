#!/bin/sh
# `make bench`: build the non-debug bench kernel (cached like the test kernel),
# build the modules against it, boot once, and print the benchmark's table and
# its "bench NAME VALUE" lines. Not a test: it passes or fails nothing.
set -eu
. "$(dirname "$0")/lib.sh"

KDIR=
prepare bench
# shellcheck disable=SC2046
log=$(VM_STALL=${VM_STALL:-600} SMP=1 "$TOP/scripts/run-vm.sh" bench "$TOP/tests/scenarios/bench" $(our_modules))
grep -q 'streamclass-init: done' "$log" || die "the bench boot did not finish: $log"
sed -n 's/^\[ *[0-9.]*\] //; s/^streamclass_bench: //; /^bench /p' "$log"
echo "(the whole console: $log; the modules are now built for the bench kernel:"
echo " make check rebuilds them for the test kernel)"
