# In-guest scenario (sourced by /init): load streamclass, whose KUnit suites run
# at insmod, then its C and Rust consumers (theirs too), and check what the
# loaded modules show; unload everything. Then a soak of the edu sample.

edu=$(grep -l 0x11e8 /sys/bus/pci/devices/*/device | head -n 1)
edu=${edu%/device}
edu=${edu##*/}

ktap_suite streamclass_load 13
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"
check "module live in sysfs" grep -qx live /sys/module/streamclass/initstate
check "C ABI symbol in kallsyms" grep -qw streamclass_register_device /proc/kallsyms
check "insmod C consumer (header only, binds edu)" insmod "$MODDIR/streamclass_c_consumer.ko"
check "insmod Rust consumer (crate only)" insmod "$MODDIR/streamclass_rust_consumer.ko"
check "debugfs shows edu's 28-bit mask" grep -qx 0xfffffff "/sys/kernel/debug/streamclass/$edu/dma_mask"
check "debugfs shows edu's buffer size" grep -qx 8192 "/sys/kernel/debug/streamclass/$edu/dma_buffer_size"
if grep -q intel_iommu=on /proc/cmdline; then
	check "edu is behind the IOMMU" test -e "/sys/bus/pci/devices/$edu/iommu_group"
else
	check "edu is not behind an IOMMU" test ! -e "/sys/bus/pci/devices/$edu/iommu_group"
fi
drv=/sys/bus/pci/drivers/streamclass_c_edu
check "unbind edu frees its registration" sh -c \
	"echo $edu >$drv/unbind && test ! -e /sys/kernel/debug/streamclass/$edu"
check "bind edu registers it again" sh -c \
	"echo $edu >$drv/bind && grep -qx 0xfffffff /sys/kernel/debug/streamclass/$edu/dma_mask"
check "PCI remove frees, rescan registers again" sh -c \
	"echo 1 >/sys/bus/pci/devices/$edu/remove && test ! -e /sys/kernel/debug/streamclass/$edu &&
	 echo 1 >/sys/bus/pci/rescan && test -e /sys/kernel/debug/streamclass/$edu/dma_mask"
check "streamclass busy while a consumer is loaded" sh -c '! rmmod streamclass'
check "unload consumers, then streamclass" sh -c \
	'rmmod streamclass_rust_consumer && rmmod streamclass_c_consumer && rmmod streamclass &&
	 test ! -e /sys/kernel/debug/streamclass'
ktap_end

# Soak (in the IOMMU boot only: each cycle maps and unmaps through it; about
# 2.2 s a cycle under TCG): 100 load/unload cycles of the Rust edu sample with
# one frame captured by device DMA in each; the boot's KASAN, kmemleak,
# lockdep and DMA-API debug reports judge it (scripts/verdict.awk).
grep -q intel_iommu=on /proc/cmdline || return 0
cap=/sys/kernel/debug/streamclass/streamclass_edu_capture/$edu
# now: centiseconds since boot.
now() { tr -d . </proc/uptime | cut -d' ' -f1; }
soak() {
	n=0 tin=0 tcap=0 tout=0
	while [ $n -lt 100 ]; do
		t0=$(now)
		insmod "$MODDIR/streamclass_edu_capture.ko" || { echo "insmod $n failed"; return 1; }
		t1=$(now)
		echo 1 >"$cap/capture" && grep -qx 'verified 1' "$cap/stats" ||
			{ echo "capture $n failed"; return 1; }
		t2=$(now)
		rmmod streamclass_edu_capture || { echo "rmmod $n failed"; return 1; }
		t3=$(now)
		tin=$((tin + t1 - t0)) tcap=$((tcap + t2 - t1)) tout=$((tout + t3 - t2))
		n=$((n + 1))
	done
	# What a cycle costs, in guest time (centiseconds summed over the cycles).
	say "soak: $n cycles; guest time insmod ${tin}0 ms, capture ${tcap}0 ms, rmmod ${tout}0 ms"
	! grep -q streamclass_edu_capture /proc/iomem /proc/interrupts /proc/modules &&
		! test -e "/sys/kernel/debug/streamclass/$edu"
}
ktap_suite streamclass_soak 3
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"
check "100 cycles: insmod the edu sample, capture a frame, rmmod; nothing left" soak
check "rmmod streamclass" rmmod streamclass
ktap_end
