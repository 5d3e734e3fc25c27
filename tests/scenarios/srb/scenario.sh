# In-guest scenario of the SRB engine (sourced by /init): the test minidriver
# tests/srb/streamclass_srb_test.ko on one edu device, loaded once per mode
# (see its header), each mode a rule of strmini.h: completion only by the
# notification, stale notifications refused, TimeoutCounter, READY_FOR_NEXT,
# synchronization with the interrupt, a probe failing after
# SRB_INITIALIZE_DEVICE, an IRQ-less minidriver, INTx (the VM boots with
# pci=nomsi), surprise removal, faults across probe, and a real PCIe hot-unplug
# and re-plug (edu sits behind a hotplug root port: vm.env); last, power-off
# with edu bound and capturing (the PCI driver's .shutdown, checked by the host).

mod=streamclass_srb_test
drv=/sys/bus/pci/drivers/$mod
dbg=/sys/kernel/debug/streamclass
par=/sys/module/$mod/parameters
edu=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && echo "${d##*/}"
done | head -n 1)
cap=$dbg/$mod/$edu

# with MODE [ARGS...]: load the test minidriver in MODE; it must bind edu.
# A check that failed before its rmmod left it loaded: unload it first, so
# one failure does not fail the checks after it.
with() {
	m=$1
	shift
	rmmod $mod 2>/dev/null
	insmod "$MODDIR/$mod.ko" mode="$m" "$@" && test -e "$drv/$edu"
}
# stat KEY: a line of the device's capture statistics.
stat() { sed -n "s/^$1 //p" "$cap/stats"; }
# param NAME: what the minidriver counted.
param() { cat "$par/$1"; }
refused() { cat "$dbg/refused_notifications"; }
# The node of the edu device the test minidriver bound.
edu_node() {
	for n in /sys/class/video4linux/*; do
		[ "$(basename "$(readlink "$n/device")")" = "$edu" ] && echo "/dev/${n##*/}"
	done
}
# captures N: capture N frames, all successful and all with data.
captures() {
	echo "$1" >"$cap/capture" || return 1
	test "$(stat frames)" = "$1" && test "$(stat verified)" = "$1" || { cat "$cap/stats"; return 1; }
}

ktap_suite streamclass_srb_engine 42
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"

# Completion only by the notification, whatever the status said before.
early_bound() { with early && ! grep -q $mod /proc/interrupts; }
check "early status: bound, IRQ-less (no interrupt requested)" early_bound
check "early status: 5 frames complete only at the notification, with data" captures 5
check "the class's own handle cannot be unregistered through the C ABI (-EBUSY)" \
	test "$(param unregister_errno)" = -16
atomic() { test "$(param receives)" -gt 0 && test "$(param atomic_receives)" = "$(param receives)"; }
check "early status: callbacks are atomic with synchronization on" atomic
check "rmmod" rmmod $mod

# A second notification of a completed SRB is refused, never matched to the next.
stale() {
	with stale || return 1
	before=$(refused)
	captures 10 || return 1
	test $(($(refused) - before)) -eq 9 || { echo "refused: $before -> $(refused)"; return 1; }
	rmmod $mod
}
check "stale: 10 frames each complete with their own status; 9 stale notifications refused" stale

# The per-request extension: zeroed for each SRB, its bus address exact (and
# none past its end or without an SRB), and the device reaches it there: edu
# copies a pattern through it by DMA (the VM has no IOMMU and edu a 28-bit
# mask: the class must give memory the device reaches without bouncing).
extdma() {
	with extdma || return 1
	captures 5 || { echo "ext_errors $(param ext_errors)"; return 1; }
	test "$(param ext_frames)" = 5 && test "$(param ext_errors)" = 0 ||
		{ echo "extdma: $(param ext_frames) frames, $(param ext_errors) errors"; return 1; }
	rmmod $mod
}
check "per-request extension: zeroed, exact bus address, 5 frames round-trip by edu's DMA through it" extdma

# Stream instances (debugfs "stream"): SRB_OPEN_STREAM carries the chosen
# format and a stream object with a zeroed per-stream extension (the
# minidriver checks them); one possible instance; SRB_CLOSE_STREAM frees it.
# write TEXT FILE: write TEXT into FILE; fails when the write does, printing
# the error. fails_with WORD TEXT FILE: the write fails, with WORD in its
# error (busy: EBUSY, invalid: EINVAL).
write() { ( echo "$1" >"$2" ) 2>&1; }
fails_with() {
	out=$(write "$2" "$3") && { echo "$2: no error"; return 1; }
	echo "$out" | grep -qi "$1" || { echo "$2: $out"; return 1; }
}
streams() {
	with streams || return 1
	write "open 0 1" "$cap/stream" || return 1
	test "$(param stream_opens)" = 1 && test "$(param open_width)" = 128 || return 1
	grep -qx "stream 0 open 1 Stop" "$cap/streams" || { cat "$cap/streams"; return 1; }
	# One possible instance: a second open is EBUSY, and sends no SRB.
	fails_with busy "open 0 0" "$cap/stream" && test "$(param stream_opens)" = 1 || return 1
	# No stream 1, no format 2, no such verb: EINVAL.
	for bad in "open 1 0" "open 0 2" "run 0"; do
		fails_with invalid "$bad" "$cap/stream" || return 1
	done
	write "close 0" "$cap/stream" && test "$(param stream_closes)" = 1 || return 1
	fails_with invalid "close 0" "$cap/stream" || return 1
	# Reopened: its extension zeroed again (the minidriver checks).
	write "open 0 0" "$cap/stream" && test "$(param open_width)" = 64 &&
		test "$(param stream_opens)" = 2 && test "$(param stream_errors)" = 0
}
check "streams: open carries the format and a zeroed stream object and extension; one instance (EBUSY); bad stream, format, verb EINVAL; close" streams
# KSSTATE: each step one SRB_SET_STREAM_STATE to the instance's control
# callback (synchronized: atomic), completed by the stream notification.
states() {
	write "state 0 3" "$cap/stream" && test "$(param states)" = 123 || return 1
	grep -qx "stream 0 open 1 Run" "$cap/streams" || { cat "$cap/streams"; return 1; }
	# RUN armed the stream timer, which reschedules itself (2 ms).
	waitfor 30 sh -c "test \$(cat $par/timer_ticks) -ge 5" || { echo "timer: $(param timer_ticks) ticks"; return 1; }
	write "state 0 1" "$cap/stream" && test "$(param states)" = 12321 || return 1
	fails_with invalid "state 0 4" "$cap/stream" && fails_with invalid "state 1 0" "$cap/stream" ||
		return 1
	write "state 0 2" "$cap/stream" && test "$(param states)" = 123212 || return 1
	test "$(param atomic_controls)" = 6 && test "$(param stream_errors)" = 0 ||
		{ echo "atomic $(param atomic_controls), errors $(param stream_errors)"; return 1; }
}
# The C timer API: the routine ran in softirq context each time, the
# stream clock (streamclass_query_master_clock_sync) ran during RUN, and
# bad arguments got -EINVAL, the clock before RUN -ENODATA.
timers() {
	t=$(param timer_ticks)
	echo "ticks $t, outside softirq $(param timer_outside), clock read $(param clock_ok), errors $(param timer_errors)"
	test "$t" -ge 5 && test "$(param timer_outside)" = 0 && test "$(param clock_ok)" -ge 1 &&
		test "$(param timer_errors)" = 0
}
check "stream states: STOP->RUN is ACQUIRE, PAUSE, RUN (one SRB each, to the control callback, atomic), back the same way; state 4 or stream 1 EINVAL" states
check "stream timer (C): armed at RUN, runs in softirq context, reads the stream clock; bad arguments EINVAL" timers
closes_at_unbind() {
	# The instance is PAUSEd: unbinding steps it down to STOP, then closes it.
	echo "$edu" >"$drv/unbind" && test "$(param states)" = 12321210 &&
		test "$(param stream_closes)" = 2 && test "$(param ticks_stopped)" = 0 &&
		t=$(param timer_ticks) && sleep 0.5 && test "$(param timer_ticks)" = "$t" &&
		test "$(param closed_before_uninit)" = 1 && test "$(param uninitializes)" = 1 &&
		test "$(param stream_errors)" = 0 && rmmod $mod
}
check "... unbinding with a stream open steps it down to STOP and closes it before SRB_UNINITIALIZE_DEVICE; its timer, never cancelled by the minidriver, is stopped at STOP" closes_at_unbind

# TimeoutCounter: counted down once a second; the handler called at 0.
expires() {
	with timeout || return 1
	! echo 1 >"$cap/capture" 2>/tmp/err || return 1
	grep -qi 'timed out' /tmp/err || { cat /tmp/err; return 1; }
	test "$(param timeouts)" = 1 && rmmod $mod
}
check "timeout: a pending frame ends with -ETIMEDOUT through the handler, called once" expires
resets() {
	with reset && ! echo 1 >"$cap/capture" 2>/dev/null && test "$(param timeouts)" = 2 && rmmod $mod
}
check "reset: the handler set the counter again, so it is called twice" resets
notimeout() {
	with notimeout && echo 1 >"$cap/capture" && test "$(param timeouts)" = 0 && rmmod $mod
}
check "timeout 0: no handler call while the frame takes 2.5 s" notimeout

# READY_FOR_NEXT_DEVICE_REQUEST: the next SRB comes while one is pending.
ready() {
	with ready || return 1
	(echo 1 >"$cap/capture") &
	p=$!
	sleep 1
	echo 1 >"$cap/capture" && wait $p && test "$(param timeouts)" = 0 && rmmod $mod
}
check "ready for next: a held frame completes when the next one arrives" ready

# Synchronization: no entry point overlaps another or the interrupt handler.
# Two vCPUs (vm.env SMP_MIN): the frames are written from CPU 0 and edu's
# interrupt is routed to CPU 1, so an interrupt raised inside a callback
# arrives while the callback still runs, on the other CPU.
irq_of_edu() { awk -v m=$mod '$0 ~ m { sub(":", "", $1); print $1 }' /proc/interrupts; }
cpu1_interrupts() { awk -v m=$mod '$0 ~ m { print $3 }' /proc/interrupts; }
frames_cpu0_irq_cpu1() {
	test "$(grep -c ^processor /proc/cpuinfo)" -ge 2 || { echo "one CPU: nothing can overlap"; return 1; }
	irq=$(irq_of_edu) && test -n "$irq" && echo 2 >/proc/irq/$irq/smp_affinity &&
		taskset 1 sh -c "echo $1 >$cap/capture"
}
sync_on() {
	with overlap && frames_cpu0_irq_cpu1 20 || return 1
	echo "interrupts $(param interrupts), $(cpu1_interrupts) on CPU 1; overlaps $(param overlaps)"
	# edu ORs raises into one status bit: a late interrupt may take two.
	grep $mod /proc/interrupts >/tmp/irqline
	test "$(param interrupts)" -ge 1 && test "$(cpu1_interrupts)" -ge 1 &&
		test "$(param overlaps)" = 0 && test -s /tmp/irqline && atomic && rmmod $mod
}
check "sync on: 20 frames on CPU 0 raise edu's interrupt, handled on CPU 1; no callback overlaps the ISR" sync_on
intx() { cat /tmp/irqline && grep -q pci=nomsi /proc/cmdline && grep -q IO-APIC /tmp/irqline; }
check "... through edu's INTx line (pci=nomsi: an IO-APIC interrupt, not MSI)" intx
# The same without synchronization: the ISR on CPU 1 runs inside the
# callbacks on CPU 0, which shows the check above could see an overlap.
sync_off() {
	with overlap sync=0 && frames_cpu0_irq_cpu1 20 || return 1
	echo "interrupts $(param interrupts), $(cpu1_interrupts) on CPU 1, atomic receives $(param atomic_receives), overlaps $(param overlaps)"
	test "$(param interrupts)" -ge 1 && test "$(param atomic_receives)" = 0 || return 1
	say "overlaps seen without synchronization: $(param overlaps)"
	test "$(param overlaps)" -ge 1 && rmmod $mod
}
check "sync off: callbacks run in process context, unsynchronised, and the ISR on CPU 1 overlaps them" sync_off

# A minidriver that never completes an SRB: removal still ends, within the
# bound (2 timeout periods of 5 s), and the SRB stays valid memory.
never_unbinds() {
	with never || return 1
	(echo 1 >"$cap/capture" 2>/tmp/err; echo $? >/tmp/rc) &
	p=$!
	sleep 1
	echo "$edu" >"$drv/unbind" && wait $p || return 1
	! test -e "$drv/$edu" && test "$(cat /tmp/rc)" != 0 &&
		dmesg | grep -q "SRB ReadData not completed 10 s into removal: abandoned"
}
check "never completes: unbind during a frame still returns; the SRB is abandoned" never_unbinds
late() {
	before=$(refused)
	rmmod $mod && test "$(refused)" = "$before" &&
		dmesg | grep -q "$mod: freeing 1 abandoned SRB(s), 1 completed late"
}
check "... its late notification at module exit is accepted; the SRB freed with the module" late
rebinds() { with early && captures 3 && rmmod $mod; }
check "... and edu binds and captures again" rebinds

# Surprise removal: error injection makes the class's presence check say
# edu is gone (fail_function on streamclass_device_present, -ENODEV).
ff=/sys/kernel/debug/fail_function
gone() {
	echo streamclass_device_present >$ff/inject &&
		printf %#x -19 >$ff/streamclass_device_present/retval &&
		echo 100 >$ff/probability && echo 1 >$ff/interval &&
		echo -1 >$ff/times && echo 0 >$ff/verbose
}
present() { echo >$ff/inject; }
surprise() {
	with early || return 1
	(echo 1000 >"$cap/capture" 2>/tmp/err; echo $? >/tmp/rc) &
	p=$!
	sleep 1
	gone
	g=$?
	echo "$edu" >"$drv/unbind"
	r=$?
	present
	wait $p
	test $g = 0 && test $r = 0 && test "$(cat /tmp/rc)" != 0 || return 1
	echo "surprise_removals $(param surprise_removals), before uninit $(param surprise_before_uninit)"
	test "$(param surprise_removals)" = 1 && test "$(param surprise_before_uninit)" = 1 &&
		dmesg | grep -q "$mod $edu: the device is gone: surprise removal"
}
check "surprise removal: a gone device gets SRB_SURPRISE_REMOVAL, then SRB_UNINITIALIZE_DEVICE" surprise
present_again() {
	echo "$edu" >"$drv/bind" && captures 3 && rmmod $mod &&
		test "$(dmesg | grep -c 'the device is gone')" = 1
}
check "... present again, edu binds, captures, and unbinds without one" present_again
check "... nothing left behind" sh -c "! test -e $dbg/$edu && ! grep -q $mod /proc/iomem /proc/interrupts"

# Faults across probe: fail_function on streamclass_probe_fault, the fault
# point before each step of a probe (1 enable, 2 registration: DMA mask,
# extension and buffer, 3 BARs, 4 IRQ vectors, 5 device and requests,
# 6 SRB_INITIALIZE_DEVICE, 7 the IRQ, 8 debugfs), makes step k fail ("space"
# k: k-1 calls pass first). Steps 4 and 8 may fail (IRQ-less, no debugfs); every
# other failure unbinds with nothing left, the minidriver with an IRQ and bus
# mastering (overlap); after 6 it gets SRB_UNINITIALIZE_DEVICE.
leftover() {
	test -e "$drv/$edu" || test -e "$dbg/$edu" || test -e "$cap" ||
		grep -q $mod /proc/iomem /proc/interrupts
}
faults() {
	with overlap && echo "$edu" >"$drv/unbind" || return 1
	echo streamclass_probe_fault >$ff/inject &&
		printf %#x -12 >$ff/streamclass_probe_fault/retval &&
		echo 100 >$ff/probability && echo 1 >$ff/interval && echo 0 >$ff/verbose ||
		{ present; return 1; }
	failed=
	for k in 1 2 3 4 5 6 7 8; do
		echo $k >$ff/space && echo 1 >$ff/times || break
		if echo "$edu" >"$drv/bind" 2>/dev/null; then
			echo "$edu" >"$drv/unbind" || break
		else
			failed="$failed $k"
		fi
		leftover && { echo "step $k left something"; break; }
	done
	present
	say "binds failed at steps:$failed"
	test "$failed" = " 1 2 3 5 6 7" && ! leftover
}
check "faults across probe: every failing step unbinds cleanly; vectors and debugfs may fail" faults
rebound() { echo "$edu" >"$drv/bind" && captures 3 && rmmod $mod; }
check "... and a bind without faults captures" rebound

# Real PCIe hot-unplug: QEMU's device_del asks the guest, through ACPI, to
# eject edu from its root port; Linux's acpiphp removes the device while the
# card is still there, then ejects it, so the removal is orderly (no
# SRB_SURPRISE_REMOVAL: that is for a device that is gone, tested above).
# Then device_add plugs it in again.
flowing() { test "$(stat frames)" -gt 0; }
gone_from_bus() { ! test -e /sys/bus/pci/devices/$edu; }
unplug() {
	with early || return 1
	(echo 1000000 >"$cap/capture" 2>/tmp/err; echo $? >/tmp/rc) &
	p=$!
	waitfor 60 flowing || { echo "no frame flowed"; return 1; }
	say "frames flowing: $(stat frames); device_del edu0"
	monitor device_del edu0
	waitfor 60 gone_from_bus || { echo "edu still on the bus"; return 1; }
	wait $p
	cat /tmp/err
	test "$(cat /tmp/rc)" != 0 && grep -qE 'No such device|Operation canceled' /tmp/err || return 1
	echo "uninitializes $(param uninitializes), surprise removals $(param surprise_removals)"
	test "$(param uninitializes)" = 1 && test "$(param surprise_removals)" = 0 &&
		! test -e "$dbg/$edu" && ! grep -q $mod /proc/iomem /proc/interrupts
}
check "hot-unplug (QEMU device_del) during a capture ends it with an errno; uninitialized, nothing left" unplug
# The driver link appears as probe begins; the capture file as it ends.
bound_again() { test -e "$drv/$edu" && test -e "$cap/capture"; }
replug() {
	monitor device_add edu,bus=rp0,id=edu0
	waitfor 60 bound_again || { echo "edu not bound again"; return 1; }
	captures 3 && rmmod $mod
}
check "... re-plugged (QEMU device_add), edu binds and captures again" replug

# A probe that fails after SRB_INITIALIZE_DEVICE leaves nothing behind.
fail_info() {
	rmmod $mod 2>/dev/null
	insmod "$MODDIR/$mod.ko" mode=fail_info && ! test -e "$drv/$edu"
}
check "probe failing at SRB_GET_STREAM_INFO binds nothing" fail_info
left() { ! test -e "$dbg/$edu" && ! grep -q $mod /proc/iomem /proc/interrupts && rmmod $mod; }
check "... and leaves no registration, BAR region or IRQ" left
bad_streams() {
	rmmod $mod 2>/dev/null
	insmod "$MODDIR/$mod.ko" mode=bad_streams && ! test -e "$drv/$edu" &&
		dmesg | grep -q "SRB_GET_STREAM_INFO: stream descriptors refused: -22"
}
check "stream descriptors the class cannot take (an image smaller than its lines) bind nothing" bad_streams
check "... and leave no registration, BAR region or IRQ" left

# Hostile minidrivers (tests/srb's late_* and double modes): what a late,
# stale or stuck port does. Each must leave no KASAN, kmemleak or DMA-API
# report (the host reads the console), the memory the minidriver still
# writes kept, and its stale notifications refused and counted. The class
# reloads with 1 s device SRB timeouts: a device gives up on one after 2 s.
# Each check reads only its own kernel messages (dmesg -c first).
# (Rust module parameters are not in sysfs: the 2 s in late_init's message
# shows this one took.)
short_timeouts() {
	rmmod streamclass && insmod "$MODDIR/streamclass.ko" device_srb_timeout_s=1
}
check "reload streamclass with 1 s device SRB timeouts" short_timeouts
late_init() {
	dmesg -c >/dev/null
	rmmod $mod 2>/dev/null
	insmod "$MODDIR/$mod.ko" mode=late_init late_ms=3000 && ! test -e "$drv/$edu" || return 1
	dmesg | grep -q "SRB InitializeDevice not completed 2 s into probe: abandoned" || return 1
	waitfor 10 sh -c "test \$(cat $par/late_writes) = 1" || { echo "no late write"; return 1; }
	test "$(param stack_command_data)" = 0 || { echo "the port config was on the prober's stack"; return 1; }
	rmmod $mod && dmesg | grep -q "$mod: freeing 1 abandoned SRB(s), 1 completed late"
}
check "late init: SRB_INITIALIZE_DEVICE completed 1 s after the probe gave up, its port config written then: the request's own memory (not the prober's stack), kept until the module goes" late_init
late_open() {
	dmesg -c >/dev/null
	with late_open || return 1
	(write "open 0 0" "$cap/stream" >/tmp/err; echo $? >/tmp/rc) &
	p=$!
	waitfor 10 sh -c "test \$(cat $par/stream_opens) = 1" || return 1
	echo "$edu" >"$drv/unbind" && wait $p || return 1
	test "$(cat /tmp/rc)" != 0 && test "$(param late_writes)" = 1 || { cat /tmp/err; return 1; }
	dmesg | grep -q "SRB OpenStream not completed 2 s into removal: abandoned" &&
		rmmod $mod && dmesg | grep -q "$mod: freeing 1 stream instance(s) kept"
}
check "late open: an SRB_OPEN_STREAM the device gave up on at unbind keeps its stream object and extension, which the minidriver writes at SRB_UNINITIALIZE_DEVICE" late_open
late_close() {
	dmesg -c >/dev/null
	with late_close step_ms=1000 && write "open 0 0" "$cap/stream" &&
		write "state 0 3" "$cap/stream" && test "$(param states)" = 123 || return 1
	(write "close 0" "$cap/stream" >/tmp/err; echo $? >/tmp/rc) &
	p=$!
	waitfor 10 sh -c "test \$(cat $par/states) = 1232" || return 1
	echo "$edu" >"$drv/unbind" && wait $p || return 1
	echo "states $(param states), closes $(param stream_closes), closed before uninit $(param closed_before_uninit), late writes $(param late_writes)"
	test "$(param states)" = 123210 && test "$(param stream_closes)" = 1 &&
		test "$(param closed_before_uninit)" = 1 && test "$(param late_writes)" = 0 &&
		test "$(cat /tmp/rc)" = 0 && rmmod $mod
}
check "late close: unbound while a close steps down (each step 1 s late), the instance still steps to STOP and gets SRB_CLOSE_STREAM before SRB_UNINITIALIZE_DEVICE" late_close
double() {
	with double || return 1
	before=$(refused)
	frames "$(edu_node)" 40 || return 1
	echo "stale notifications sent $(param stale_sent), refused $(($(refused) - before)); data SRBs $(param data_srbs), $(param data_in_pause) in PAUSE; states $(param states)"
	test "$(param stale_sent)" -ge 40 && test $(($(refused) - before)) = "$(param stale_sent)" &&
		test "$(param data_errors)" = 0 && test "$(param data_in_pause)" = 2 &&
		test "$(param states)" = 123210 && rmmod $mod
}
check "double completion: 40 frames through two buffers, each data SRB notified again two frames later and after STREAMOFF: every second notification refused and counted, every frame whole and in sequence; STREAMON steps to PAUSE, sends the two buffers queued before it, then RUN" double
keep_data() {
	dmesg -c >/dev/null
	with keep_data late_ms=15000 || return 1
	# 10 frames, then STREAMOFF (which gives up on the kept SRB after its
	# 10 s drain), REQBUFS(0) and close, all before the late write.
	# The minidriver numbers no frame: frames checks the class's sequence.
	frames "$(edu_node)" 10 || return 1
	test "$(param late_writes)" = 0 || { echo "written before REQBUFS(0)"; return 1; }
	dmesg | grep -q "1 data SRB(s) not returned" || return 1
	waitfor 30 sh -c "test \$(cat $par/late_writes) = 1" || { echo "no late write"; return 1; }
	waitfor 5 sh -c "dmesg | grep -q 'completed: its buffer.s memory released'" || return 1
	echo "$edu" >"$drv/unbind" && rmmod $mod &&
		dmesg | grep -q "$mod: freeing 1 abandoned SRB(s), 1 completed late"
}
check "kept data SRB: given up on at STREAMOFF, its whole buffer written after REQBUFS(0) freed the buffer, then completed: the buffer's memory kept until then, the SRB until the module goes; frames with no picture number numbered by the class, in sequence" keep_data
keep_data_unbind() {
	dmesg -c >/dev/null
	with keep_data late_ms=600000 || return 1
	frames "$(edu_node)" 10 || return 1
	echo "$edu" >"$drv/unbind" && test "$(param late_writes)" = 0 || return 1
	rmmod $mod && dmesg | grep -q "$mod: freeing 1 abandoned SRB(s), 1 completed late"
}
check "kept data SRB never completed: its buffer's memory freed at unbind, once the device is stopped (DMA-API debug finds nothing left), the SRB kept until the module goes" keep_data_unbind
gone_pid() { ! kill -0 "$1" 2>/dev/null; }
killed() {
	dmesg -c >/dev/null
	with never || return 1
	r=$(param receives)
	sh -c "echo 1 >$cap/capture" 2>/dev/null &
	p=$!
	waitfor 10 sh -c "test \$(cat $par/receives) -gt $r" || return 1
	kill -9 $p
	# Bounded by the SRB's removal bound (2 x 5 s), not by the minidriver.
	waitfor 30 gone_pid $p || { echo "the killed writer is still waiting"; return 1; }
	wait $p
	dmesg | grep -q "SRB ReadData not completed 10 s into a killed wait: abandoned" &&
		echo "$edu" >"$drv/unbind" && rmmod $mod &&
		dmesg | grep -q "$mod: freeing 1 abandoned SRB(s), 1 completed late"
}
check "killed wait: a process killed while a minidriver never completes its SRB exits within the SRB's bound; the SRB is kept, its late notification accepted" killed
check "unload streamclass" rmmod streamclass
ktap_end

# The PCI driver's .shutdown: power off with edu bound and a capture running.
# The device must be stopped (SRBs refused, bus mastering off) before the
# power goes; the host reads that from the log (scripts/verdict.awk counts it
# as one case), as no check runs in the guest after power-off.
if insmod "$MODDIR/streamclass.ko" && with early; then
	echo 1000000 >"$cap/capture" 2>/dev/null &
	say "shutdown expected: $edu"
else
	say "shutdown expected: $edu (not bound: modules would not load)"
fi
