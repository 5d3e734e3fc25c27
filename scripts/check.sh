#!/bin/bash
# `make check`: provision, build the test kernel and our modules, boot one VM
# per scenario of tests/scenarios (core, SRB engine, minidriver capture, the
# V4L2 reference; core and capture each without and with the Intel IOMMU),
# JOBS of them at a time, and judge the console logs together
# (scripts/verdict.awk).
# Env: KDIR to use an existing Rust-enabled kernel build; SCENARIOS to pick
#   (e.g. SCENARIOS=capture:iommu); JOBS boots at once (default: the number of
#   cores), SMP CPUs per guest (default: cores / JOBS, at least 1). Why these
#   defaults: Documentation/testing.rst, "Boots in parallel".
set -eu
. "$(dirname "$0")/lib.sh"

prepare test

mods=$(our_modules)
# Longest first (base:iommu holds the soak), so that the short boots fill
# the gaps.
scenarios=${SCENARIOS:-base:iommu capture capture:iommu stream stream:iommu strmini:iommu srb testcap strmini v4l2 base}
count=$(echo "$scenarios" | wc -w)
cores=$(nproc)
jobs=${JOBS:-$cores}
[ "$jobs" -le "$count" ] || jobs=$count
[ "$jobs" -ge 1 ] || jobs=1
smp=${SMP:-$((cores / jobs))}
[ "$smp" -ge 1 ] || smp=1
note "booting $count scenario(s), $jobs at a time, $smp CPU(s) each"

logs=
running=0
for s in $scenarios; do
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
note "console logs: $TOP/build/logs/"
# shellcheck disable=SC2086
awk -f "$TOP/scripts/verdict.awk" $logs
