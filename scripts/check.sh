#!/bin/bash
# `make check`: provision, build the test kernel and our modules, boot one VM
# per scenario of tests/scenarios (core, SRB engine, minidriver capture,
# streams, the software sample, the strmini.h layer, the V4L2 reference;
# "iommu", what the Intel IOMMU changes) and `make check-external` on a copy
# of the Windows-style sample ("external"), JOBS of them at a time, longest
# first, and judge the console logs together (scripts/verdict.awk).
# Env: KDIR to use an existing Rust-enabled kernel build; SCENARIO to pick
#   boots by name (e.g. SCENARIO="capture iommu external"; SCENARIOS is the
#   older spelling); JOBS boots at once (default: the number of cores + 1),
#   SMP CPUs per guest (default: cores / JOBS, at least 1). Why these
#   defaults: Documentation/testing.rst, "Boots in parallel".
# Usage: check.sh          the run
#        check.sh --list   the scenarios and their last wall times, no run
set -eu
. "$(dirname "$0")/lib.sh"

# Every boot of a full run, each the folder of tests/scenarios of its name
# but "external" (make check-external on a copy of samples/strmini);
# longest first as measured here, the order of boots never timed.
ALL="iommu stream srb testcap capture strmini v4l2 base external"
names() { for s in $ALL; do echo "$s"; done; }

# last_time NAME: the wall time of NAME's last boot, in seconds, or nothing.
last_time() {
	f=$TOP/build/logs/$1.log
	[ -f "$f" ] || return 0
	tr -d '\r' <"$f" | sed -n 's/^streamclass-host: boot wall time \([0-9]*\) s$/\1/p' | tail -n 1
}

# table: each scenario with its last wall time.
table() {
	for n in $(names); do
		t=$(last_time "$n")
		[ -n "$t" ] && t="$t s" || t="not run yet"
		printf '  %-10s %s\n' "$n" "$t"
	done
}

if [ "${1:-}" = --list ]; then
	echo "scenarios (make check SCENARIO=\"NAME...\"), with their last wall times:"
	table
	exit 0
fi

picked=
for n in ${SCENARIO:-${SCENARIOS:-$ALL}}; do
	case " $ALL " in
	*" $n "*) picked="$picked $n" ;;
	*) die "no scenario '$n'; the scenarios: $ALL" ;;
	esac
done

prepare test
mods=$(our_modules)
note "scenarios and their last wall times:"
table >&2

# A Windows-style minidriver folder outside the tree (a copy of
# samples/strmini), built and run by `make check-external` as a porter
# would. If it cannot build, its log holds only a suite start mark, which
# the verdict counts as a failed case.
external() {
	ext=$TOP/build/external-src/strmini
	rm -rf "$ext" "$TOP/build/logs/external.log"
	mkdir -p "$ext"
	cp "$TOP"/samples/strmini/*.[ch] "$TOP"/samples/strmini/Kbuild \
		"$TOP"/samples/strmini/test.sh "$TOP"/samples/strmini/vm.env "$ext/"
	EXT=$ext "$TOP/scripts/check-external.sh" >"$TOP/build/logs/external.out" 2>&1 || :
	[ -f "$TOP/build/logs/external.log" ] ||
		echo "streamclass-init: started: suite check_external_build of 1 cases" \
			>"$TOP/build/logs/external.log"
}

# Longest first, by their last wall times (boots never timed first, in the
# order of ALL), so that the short boots fill the gaps at the end.
boots=$(i=0; for n in $picked; do
	i=$((i + 1))
	t=$(last_time "$n")
	echo "${t:-$((100000 - i))} $n"
done | sort -rn -k1,1 | cut -d' ' -f2)
count=$(echo $boots | wc -w)
cores=$(nproc)
jobs=${JOBS:-$((cores + 1))}
[ "$jobs" -le "$count" ] || jobs=$count
[ "$jobs" -ge 1 ] || jobs=1
smp=${SMP:-$((cores / jobs))}
[ "$smp" -ge 1 ] || smp=1
note "booting $count scenario(s), $jobs at a time, $smp CPU(s) each"

# check-external.sh needs no second prepare (and must not rebuild our
# modules while other boots copy them).
export STREAMCLASS_PREPARED=1
logs=
running=0
for name in $boots; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || :
		running=$((running - 1))
	fi
	note "booting scenario $name"
	if [ "$name" = external ]; then
		SMP=$smp external &
	else
		# shellcheck disable=SC2086
		SMP=$smp "$TOP/scripts/run-vm.sh" "$name" "$TOP/tests/scenarios/$name" $mods >/dev/null &
	fi
	running=$((running + 1))
	logs="$logs $TOP/build/logs/$name.log"
done
wait
note "console logs: $TOP/build/logs/"
# shellcheck disable=SC2086
awk -f "$TOP/scripts/verdict.awk" $logs
