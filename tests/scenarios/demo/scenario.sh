# In-guest scenario of `make demo` (sourced by /init): load streamclass, then
# the C consumer, which binds QEMU's edu device and registers it; show what
# streamclass's debugfs says about it.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] &&
		say "demo: found QEMU edu at ${d##*/}"
done
insmod "$MODDIR/streamclass.ko"
say "demo: streamclass is $(cat /sys/module/streamclass/initstate)"
insmod "$MODDIR/streamclass_c_consumer.ko"
for d in /sys/kernel/debug/streamclass/*/; do
	[ -d "$d" ] || continue
	dev=${d%/}
	dev=${dev##*/}
	say "demo: $dev registered: extension $(cat "$d/extension_size") bytes," \
		"DMA buffer $(cat "$d/dma_buffer_size") bytes at bus address" \
		"$(cat "$d/dma_address"), mask $(cat "$d/dma_mask")"
done
rmmod streamclass_c_consumer
rmmod streamclass
say "demo: unloaded; streamclass freed everything it allocated (kmemleak and DMA-API debug check next)"
