#!/bin/bash
# `make check`: provision, build the test kernel and our modules, boot one VM
# per scenario of tests/scenarios (core, SRB engine, minidriver capture,
# streams, the software sample, the strmini.h layer, the V4L2 reference;
# several both without and with the Intel IOMMU), JOBS of them at a time,
# then `make check-external` on a copy of the Windows-style sample
# ("external"), and judge the console logs together (scripts/verdict.awk).
# Env: KDIR to use an existing Rust-enabled kernel build; SCENARIOS to pick
#   (e.g. SCENARIOS="capture:iommu external"); JOBS boots at once (default: the number of
#   cores), SMP CPUs per guest (default: cores / JOBS, at least 1). Why these
#   defaults: Documentation/testing.rst, "Boots in parallel".
set -eu
. "$(dirname "$0")/lib.sh"

prepare test

mods=$(our_modules)
# Longest first (base:iommu holds the soak), so that the short boots fill
# the gaps.
scenarios=${SCENARIOS:-base:iommu capture capture:iommu stream stream:iommu strmini:iommu srb testcap strmini v4l2 base external}
vms=$(echo " $scenarios " | sed 's/ external / /g')
count=$(echo "$vms" | wc -w)
cores=$(nproc)
jobs=${JOBS:-$cores}
[ "$jobs" -le "$count" ] || jobs=$count
[ "$jobs" -ge 1 ] || jobs=1
smp=${SMP:-$((cores / jobs))}
[ "$smp" -ge 1 ] || smp=1
note "booting $count scenario(s), $jobs at a time, $smp CPU(s) each"

logs=
running=0
for s in $vms; do
	dir=${s%%:*}
	name=$dir
	iommu=0
	case $s in *:iommu) name=$dir-iommu iommu=1 ;; esac
	if [ "$running" -ge "$jobs" ]; then
		wait -n || :
		running=$((running - 1))
	fi
	note "booting scenario $name"
	# shellcheck disable=SC2086
	IOMMU=$iommu SMP=$smp "$TOP/scripts/run-vm.sh" "$name" "$TOP/tests/scenarios/$dir" $mods >/dev/null &
	running=$((running + 1))
	logs="$logs $TOP/build/logs/$name.log"
done
wait
# A Windows-style minidriver folder outside the tree (a copy of
# samples/strmini), built and run by `make check-external` as a porter
# would. If it cannot build, its log holds only a suite start mark, which
# the verdict counts as a failed case.
case " $scenarios " in
*" external "*)
	ext=$TOP/build/external-src/strmini
	rm -rf "$ext" "$TOP/build/logs/external.log"
	mkdir -p "$ext"
	cp "$TOP"/samples/strmini/*.[ch] "$TOP"/samples/strmini/Kbuild \
		"$TOP"/samples/strmini/test.sh "$TOP"/samples/strmini/vm.env "$ext/"
	note "make check-external EXT=$ext"
	EXT=$ext "$TOP/scripts/check-external.sh" >"$TOP/build/logs/external.out" 2>&1 || :
	[ -f "$TOP/build/logs/external.log" ] ||
		echo "streamclass-init: started: suite check_external_build of 1 cases" \
			>"$TOP/build/logs/external.log"
	logs="$logs $TOP/build/logs/external.log"
	;;
esac
note "console logs: $TOP/build/logs/"
# shellcheck disable=SC2086
awk -f "$TOP/scripts/verdict.awk" $logs
