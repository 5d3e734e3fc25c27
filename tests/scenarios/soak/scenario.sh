# In-guest soak (sourced by /init; the iommu boot runs it, where each cycle
# maps and unmaps through the IOMMU): SOAK_CYCLES load/unload cycles of the
# Rust edu sample, one frame captured by device DMA in each. Each cycle must
# leave the guest as it found it: no module, BAR region, IRQ or debugfs
# entry of the sample, the same V4L2 nodes while loaded (a lost minor would
# move them), and as many DMA-API debug entries in use (every mapping and
# coherent buffer of the cycle released). A leak per cycle shows in its first
# cycle; kmemleak, KASAN, lockdep and DMA-API debug judge the whole boot
# (scripts/verdict.awk).

SOAK_CYCLES=${SOAK_CYCLES:-5}
edu=$(grep -l 0x11e8 /sys/bus/pci/devices/*/device | head -n 1)
edu=${edu%/device}
edu=${edu##*/}
cap=/sys/kernel/debug/streamclass/streamclass_edu_capture/$edu
dd=/sys/kernel/debug/dma-api
# now: centiseconds since boot.
now() { tr -d . </proc/uptime | cut -d' ' -f1; }
# dma_in_use: DMA-API debug entries in use (mappings and coherent buffers).
dma_in_use() { echo $(($(cat $dd/nr_total_entries) - $(cat $dd/num_free_entries))); }
nodes() { ls /sys/class/video4linux 2>/dev/null | tr '\n' ' '; }
sample_left() {
	grep -q streamclass_edu_capture /proc/iomem /proc/interrupts /proc/modules ||
		test -e "/sys/kernel/debug/streamclass/$edu"
}
soak() {
	n=0 tin=0 tcap=0 tout=0
	dma0=$(dma_in_use) nodes0=$(nodes) loaded0=
	while [ $n -lt "$SOAK_CYCLES" ]; do
		t0=$(now)
		insmod "$MODDIR/streamclass_edu_capture.ko" || { echo "insmod $n failed"; return 1; }
		t1=$(now)
		echo 1 >"$cap/capture" && grep -qx 'verified 1' "$cap/stats" ||
			{ echo "capture $n failed"; return 1; }
		loaded=$(nodes)
		[ -n "$loaded0" ] || loaded0=$loaded
		[ "$loaded" = "$loaded0" ] || { echo "cycle $n: nodes $loaded, first cycle $loaded0"; return 1; }
		t2=$(now)
		rmmod streamclass_edu_capture || { echo "rmmod $n failed"; return 1; }
		t3=$(now)
		! sample_left || { echo "cycle $n left the sample's resources behind"; return 1; }
		[ "$(nodes)" = "$nodes0" ] || { echo "cycle $n left nodes: $(nodes)"; return 1; }
		[ "$(dma_in_use)" = "$dma0" ] ||
			{ echo "cycle $n: $(dma_in_use) DMA-API entries in use, $dma0 before"; return 1; }
		tin=$((tin + t1 - t0)) tcap=$((tcap + t2 - t1)) tout=$((tout + t3 - t2))
		n=$((n + 1))
	done
	# What a cycle costs, in guest time (centiseconds summed over the cycles).
	say "soak: $n cycles; guest time insmod ${tin}0 ms, capture ${tcap}0 ms, rmmod ${tout}0 ms; DMA-API entries in use $dma0 after each"
}
ktap_suite streamclass_soak 3
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"
check "$SOAK_CYCLES cycles: insmod the edu sample, capture a frame, rmmod; each leaves no module, region, IRQ, debugfs entry, V4L2 node or DMA mapping behind" soak
check "rmmod streamclass" rmmod streamclass
ktap_end
