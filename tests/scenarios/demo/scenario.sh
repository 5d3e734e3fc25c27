# In-guest scenario of `make demo` (sourced by /init): load streamclass and the
# Rust edu capture sample, show what the class set up for the device, capture
# frames by device DMA, and sum up from the class's statistics.
frames=24
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] &&
		say "demo: found QEMU edu (1234:11e8) at ${d##*/}"
done
insmod "$MODDIR/streamclass.ko"
insmod "$MODDIR/streamclass_edu_capture.ko"
for d in /sys/kernel/debug/streamclass/streamclass_edu_capture/*/; do
	[ -d "$d" ] || continue
	dev=${d%/}
	dev=${dev##*/}
	r=/sys/kernel/debug/streamclass/$dev
	say "demo: $dev bound by streamclass for the sample: DMA buffer" \
		"$(cat "$r/dma_buffer_size") bytes at bus address $(cat "$r/dma_address")," \
		"DMA mask $(cat "$r/dma_mask"), $(sed -n 's/^streams //p' "$d/stats") stream"
	say "demo: capturing $frames frames (each: edu DMA into the device, then back)"
	echo "$frames" >"$d/capture" || say "demo: the capture failed"
	say "demo: $(sed -n 's/^frames //p' "$d/stats") frames captured by device DMA," \
		"$(sed -n 's/^verified //p' "$d/stats") verified"
done
rmmod streamclass_edu_capture
rmmod streamclass
say "demo: unloaded; streamclass freed everything it allocated (kmemleak and DMA-API debug check next)"
