# shellcheck shell=sh
# KTAP output for in-guest integration checks, in KUnit's own layout, so the
# host parses them like any KUnit suite. Lines go through /dev/kmsg, which keeps
# them whole among kernel messages. A suite's lines are held back until
# ktap_end, so KUnit suites that run at insmod inside a check do not land in
# the middle of it; only a one-line "started" mark goes out as each check
# begins, so that the host can name the check a hung boot stopped in.
# Sourced by /init (scenario scripts get it from there).
MODDIR=/lib/modules/streamclass

ktap() { echo "$*" >/dev/kmsg; }

# say TEXT: a line of the init script, for the host and the reader.
say() { ktap "streamclass-init: $*"; }

# started WHAT: the progress mark of a step that begins (scripts/run-vm.sh
# names the last one when it kills a hung boot).
started() { say "started: $*"; }

# monitor COMMAND: ask the host to pass COMMAND (device_del or device_add)
# to QEMU's monitor, in a boot with HOTPLUG=1 (scripts/run-vm.sh). It is
# sent within a few seconds; the caller waits for its effect.
monitor() { ktap "streamclass-monitor: $*"; }

# kunit_suites GLOB: the KUnit suites that run when a module loads from now
# on are those whose name matches GLOB (kunit's filter_glob); /init sets
# "-", none: a scenario names the suites that are its point (streamclass.ko's
# own run once per kernel, in the base boot).
# (No newline: kunit keeps the string as written, and "*\n" matches nothing.)
kunit_suites() { printf %s "$1" >/sys/module/kunit/parameters/filter_glob; }

# iommu: true in a boot with the Intel IOMMU on (scripts/run-vm.sh, IOMMU=1).
# There a scenario runs only what the IOMMU changes: its other checks are
# marked `plain` and run in the boot without it.
_iommu=0
! grep -q intel_iommu=on /proc/cmdline || _iommu=1
iommu() { [ "$_iommu" = 1 ]; }

# plain COMMAND...: run COMMAND (a check, or steps between checks) only in a
# boot without the IOMMU: what it checks does not depend on it.
plain() { iommu || "$@"; }

# waitfor SECONDS COMMAND...: poll COMMAND every 0.5 s until it succeeds.
waitfor() {
	t=$(($1 * 2))
	shift
	until "$@"; do
		t=$((t - 1))
		[ $t -gt 0 ] || return 1
		sleep 0.5
	done
}

# ktap_suite NAME PLANNED [PLANNED_IOMMU]: start a suite of PLANNED cases
# (PLANNED_IOMMU in a boot with the IOMMU, where its plain checks are left
# out). Its start mark lets the host count the cases of a suite a dead boot
# never reported.
ktap_suite() {
	_suite=$1 _plan=$2 _n=0 _fail=0 _lines=
	! iommu || _plan=${3:-$2}
	started "suite $1 of $_plan cases"
}

_add() {
	_lines="$_lines
$*"
}

# check NAME COMMAND...: run COMMAND; one ok/not ok line named NAME, with the
# command's output as diagnostics when it fails.
check() {
	_name=$1
	shift
	_n=$((_n + 1))
	started "$_suite $_n: $_name"
	if _out=$("$@" 2>&1); then
		_add "    ok $_n $_name"
	else
		_add "$(echo "$_out" | sed 's/^/    # /')"
		_add "    not ok $_n $_name"
		_fail=1
	fi
}

# ktap_end: print the suite, then its summary line.
ktap_end() {
	ktap "    KTAP version 1"
	ktap "    # Subtest: $_suite"
	ktap "    1..$_plan"
	echo "$_lines" | while IFS= read -r l; do [ -n "$l" ] && ktap "$l"; done
	if [ "$_fail" = 0 ]; then ktap "ok 1 $_suite"; else ktap "not ok 1 $_suite"; fi
}
