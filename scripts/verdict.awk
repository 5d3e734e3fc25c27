# Read console logs of test boots and judge them: KTAP results per suite, and
# every kernel report that must turn a run red. Usage:
#   awk -f verdict.awk LOG...
# Suites that run once userspace has started (our modules' KUnit suites and
# the scenarios' KTAP checks) are counted in the totals; the kernel's built-in
# suites, which run at boot before /init, are reported apart. Prints a line
# per suite, one per problem, the wall time of each boot, then
# "N passed, N failed[, N skipped]" last.
# Exit status: 0 green, 1 red.

function flush_suite() {
	if (suite == "")
		return
	missing = plan - seen
	if (missing > 0) {
		problem(file ": suite " suite " ran " seen " of " plan " cases")
		sfail += missing
	}
	row = sprintf("%-8s %-44s %3d passed, %d failed, %d skipped", \
		sfail ? "FAIL" : "ok", suite " (" lname ")", spass, sfail, sskip)
	if (user) {
		print row
		pass += spass; fail += sfail; skip += sskip
	} else {
		builtin = builtin "\n  " row
		if (sfail)
			problem(file ": built-in suite " suite " failed")
	}
	suite = ""
}

function problem(msg) {
	problems = problems "\n  " msg
	nproblems++
}

# A report outside any test case: counted as one more failure.
function report(msg) {
	problem(msg)
	reports++
}

# A log ends where the next begins: judge it under its own name (`file`,
# not FILENAME, which names the next log by then).
FNR == 1 {
	if (NR != 1) endfile()
	file = FILENAME
	lname = file; sub(/.*\//, "", lname); sub(/\.log$/, "", lname)
	marker = 0; suite = ""; nlines = 0; user = 0; sd_expect = 0
}

{
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	nlines++
}

# A scenario suite's start mark: its cases count as failed unless its KTAP
# block comes (a boot that died in it never prints one).
line ~ /^streamclass-init: started: suite [^ ]+ of [0-9]+ cases$/ {
	n = split(line, w, " ")
	pending[w[4]] = w[6] + 0
}
line ~ /^    # Subtest: / {
	flush_suite()
	suite = line; sub(/^    # Subtest: /, "", suite)
	delete pending[suite]
	plan = 0; seen = 0; spass = 0; sfail = 0; sskip = 0
	next
}
suite != "" && line ~ /^    1\.\.[0-9]+$/ { plan = substr(line, 8) + 0; next }
suite != "" && line ~ /^    (not )?ok [0-9]+ / {
	seen++
	if (line ~ /^    not ok/) {
		sfail++
		problem(file ": " suite ": " substr(line, 5))
	} else if (line ~ /# SKIP/)
		sskip++
	else
		spass++
	next
}
suite != "" && line ~ /^(not )?ok [0-9]+ / {
	if (line ~ /^not ok/ && sfail == 0) {
		sfail++
		problem(file ": suite " suite " failed: " line)
	}
	flush_suite()
	next
}

# The PCI driver's .shutdown: a scenario that leaves device DEV bound at
# power-off says "shutdown expected: DEV"; the case passes when the device
# says it stopped, and the kernel then powered down.
line ~ /^streamclass-init: shutdown expected: / {
	sd_dev = substr(line, 38); sub(/ .*/, "", sd_dev)
	sd_expect = 1; sd_stopped = 0; sd_down = 0
	next
}
sd_expect && index(line, " " sd_dev ": shutdown: SRBs refused, bus mastering off") { sd_stopped = 1 }
sd_expect && sd_stopped && line ~ /^reboot: Power down/ { sd_down = 1 }

line ~ /^streamclass-init: modules in / { user = 1 }
line ~ /^streamclass-init: done$/ { marker = 1 }
line ~ /^streamclass-init: dma-api errors: / && line !~ /errors: 0$/ {
	report(file ": DMA-API debug " substr(line, 19))
}
line ~ /^streamclass-host: qemu (exited|killed)/ { report(file ": " substr(line, 19)) }
line ~ /^streamclass-host: boot wall time / {
	times = times sprintf("\n  %-16s %s", lname, substr(line, 34))
}

# Kernel reports. Each turns the run red; each kind counts as one failure per
# log (a leak of 40 objects is one failure), and its first lines are listed.
function kernel_report(kind) {
	key = file SUBSEP kind
	if (!(key in kinds)) {
		kinds[key] = 0
		reports++
	}
	if (kinds[key]++ < 3)
		problem(file ": " kind ": " line)
}
line ~ /(^|[^A-Za-z])(UBSAN|KASAN|KFENCE):/ { kernel_report("sanitizer"); next }
line ~ /possible (recursive|circular) locking|inconsistent lock state|lock held when returning|INFO: (task .* blocked|possible|trying to register)/ {
	kernel_report("lockdep"); next
}
line ~ /DMA-API: .*(driver|exceeded|failed|leak)/ { kernel_report("DMA-API debug"); next }
# DMA-API debug turns itself off when its own bookkeeping cannot allocate:
# the rest of the boot would go unchecked.
line ~ /DMA-API: .*(dma-debug disabled|disabling)/ { kernel_report("DMA-API debug off"); next }
line ~ /(^|[^A-Za-z])(BUG|WARNING|Oops):|^Kernel panic|general protection fault/ {
	kernel_report("oops/BUG/WARN"); next
}
line ~ /unreferenced object 0x|kmemleak: [0-9]+ new suspected|streamclass-init: kmemleak found/ {
	kernel_report("kmemleak"); next
}

function endfile() {
	flush_suite()
	if (sd_expect) {
		ok = sd_stopped && sd_down
		printf "%-8s %-44s %3d passed, %d failed, 0 skipped\n", ok ? "ok" : "FAIL", \
			"streamclass_shutdown (" lname ")", ok, !ok
		if (ok)
			pass++
		else {
			fail++
			problem(file ": .shutdown: " sd_dev (sd_stopped ? " stopped, but no power-down followed" : " never said it stopped"))
		}
		sd_expect = 0
	}
	for (p in pending) {
		problem(file ": suite " p " never reported its " pending[p] " cases (the boot ended first): counted as failed")
		fail += pending[p]
		delete pending[p]
	}
	if (!marker)
		report(file ": no final marker (crash, hang or timeout): see the log")
}

END {
	if (NR > 0) endfile()
	if (builtin != "")
		print "built-in kernel suites (not counted):" builtin
	if (nproblems)
		print "problems:" problems
	if (times != "")
		print "boot wall times:" times
	if (pass + fail == 0 && !nproblems) {
		print "no test of ours ran"
		fail = 1
	}
	fail += reports
	red = fail || nproblems
	printf "%d passed, %d failed", pass, fail
	if (skip) printf ", %d skipped", skip
	printf "\n"
	exit red ? 1 : 0
}
