# In-guest scenario of the minidriver model (sourced by /init): the Rust edu
# capture sample on two edu devices: load order, frames captured by device
# DMA and verified, unbind and PCI removal during a capture, a failing
# SRB_INITIALIZE_DEVICE, unload; the C sample; the per-request extension.
# In the iommu boot: the buffers, captures, removals and the extension by
# DMA through the IOMMU (and MSIs through its interrupt remapping).

drv=/sys/bus/pci/drivers/streamclass_edu_capture
dbg=/sys/kernel/debug/streamclass
cap=$dbg/streamclass_edu_capture
set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && echo "${d##*/}"
done)
a=$1 b=${2:-none}

# stat DEV KEY: a line of the device's capture statistics.
stat() { sed -n "s/^$2 //p" "$cap/$1/stats"; }
# captures DEV N: capture N frames; all must be verified.
captures() {
	before=$(stat "$1" verified)
	echo "$2" >"$cap/$1/capture" || return 1
	test "$(stat "$1" verified)" -eq $((before + $2)) || { cat "$cap/$1/stats"; return 1; }
}
# interrupted CAPDIR DEV ACTION: start a long capture on DEV (CAPDIR: the
# sample's debugfs folder), wait until frames flow, run ACTION during it; the
# capture must end with the errno of a removal: -ENODEV (between frames) or
# -ECANCELED (its SRB cancelled).
interrupted() {
	frames() { sed -n "s/^frames //p" "$1/$2/stats"; }
	before=$(frames "$1" "$2")
	(echo 1000 >"$1/$2/capture") 2>/tmp/capture.err &
	pid=$!
	n=0
	while [ "$(frames "$1" "$2")" -le "$before" ]; do
		n=$((n + 1))
		[ $n -le 600 ] || { echo "no frame flowed in 60 s"; return 1; }
		sleep 0.1
	done
	say "frames flowing: $(frames "$1" "$2") (from $before)"
	sh -c "$3" || return 1
	if wait "$pid"; then echo "capture did not fail"; return 1; fi
	cat /tmp/capture.err
	grep -qE 'No such device|Operation canceled' /tmp/capture.err
}
bound() { test -e "$drv/$1"; }
# nothing_left DEV: no registration, debugfs entry, BAR region or IRQ left.
nothing_left() {
	! test -e "$dbg/$1" && ! test -e "$cap/$1" &&
		! grep -q streamclass_edu_capture /proc/iomem /proc/interrupts
}

ktap_suite streamclass_capture 32 16
check "two edu devices present" test "$b" != none
plain check "the sample without streamclass fails to load" sh -c \
	"! insmod $MODDIR/streamclass_edu_capture.ko 2>&1 && ! grep -q '^streamclass_edu_capture ' /proc/modules"
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"
check "insmod the sample binds both edu devices" sh -c \
	"insmod $MODDIR/streamclass_edu_capture.ko && test -e $drv/$a && test -e $drv/$b"
plain check "streamclass busy while the sample is loaded" sh -c '! rmmod streamclass'
plain check "the sample reads its PCI device through kernel::pci (Adapter::pci_device)" sh -c \
	"dmesg | grep -q 'streamclass_edu_capture $a: edu .* (PCI device 11e8, revision'"
check "each device has its own 8 KiB buffer below 2^28 (bus/IOVA)" sh -c "
	for d in $a $b; do
		grep -qx 8192 $dbg/\$d/dma_buffer_size && grep -qx 0xfffffff $dbg/\$d/dma_mask &&
		test \$((\$(cat $dbg/\$d/dma_address) < 0x10000000)) = 1 || exit 1
	done
	# Without an IOMMU both buffers share the bus address space; with one,
	# each device has its own and the IOVAs may coincide.
	grep -q intel_iommu=on /proc/cmdline ||
		test \"\$(cat $dbg/$a/dma_address)\" != \"\$(cat $dbg/$b/dma_address)\""
plain check "one stream per device (SRB_GET_STREAM_INFO)" sh -c \
	"grep -qx 'streams 1' $cap/$a/stats && grep -qx 'streams 1' $cap/$b/stats"
# described_as DIR: the stream descriptors both samples give, as the class
# copied them (debugfs streams).
described_as() {
	want='stream 0 capture "edu" instances 1
  GREY 64x64 bytesperline 64 sizeimage 4096 interval 1/30
  GREY 128x64 bytesperline 128 sizeimage 8192 interval 1/30
stream 0 open 0'
	for d in $a $b; do
		got=$(cat "$1/$d/streams") || return 1
		[ "$got" = "$want" ] || { echo "$d: $got"; return 1; }
	done
}
plain check "the stream described: capture, one instance, GREY 64x64 (4 KiB) and 128x64, 1/30 s" \
	described_as "$cap"
# Stream buffers: behind the IOMMU any page is reachable (dma-sg); without
# it, edu's 28-bit mask does not reach this 2 GiB guest's memory, so pages
# would be bounced: contiguous buffers, allocated within the mask.
backend() {
	want=dma-contig
	grep -q intel_iommu=on /proc/cmdline && want=dma-sg
	grep -qx "buffers $want" "$cap/$a/stats" && grep -qx "buffers $want" "$cap/$b/stats" ||
		{ echo "want $want:"; grep buffers "$cap/$a/stats" "$cap/$b/stats"; return 1; }
}
check "stream buffers: dma-sg behind the IOMMU, dma-contig without (28-bit mask, 2 GiB)" backend
check "an MSI interrupt is requested per device" test \
	"$(grep streamclass_edu_capture /proc/interrupts | grep -c MSI)" = 2
check "25 frames captured by device DMA and verified" captures "$a" 25
check "both devices capture at once (20 frames each)" sh -c "
	(echo 20 >$cap/$a/capture) & p=\$!
	echo 20 >$cap/$b/capture || exit 1
	wait \$p && grep -qx 'verified 20' $cap/$b/stats && grep -qx 'failed 0' $cap/$a/stats"
plain check "bad capture count is -EINVAL" sh -c "! echo nonsense >$cap/$a/capture"
check "unbind during a capture ends it with -ENODEV or -ECANCELED" interrupted "$cap" "$a" "echo $a >$drv/unbind"
check "unbind freed the device's registration" sh -c \
	"! test -e $dbg/$a && ! test -e $cap/$a && test \$(grep -c streamclass_edu_capture /proc/interrupts) = 1"
rebind() { echo "$a" >"$drv/bind" && bound "$a" && captures "$a" 3; }
check "rebind: the device captures again" rebind
check "PCI remove during a capture ends it with -ENODEV or -ECANCELED" interrupted "$cap" "$b" \
	"echo 1 >/sys/bus/pci/devices/$b/remove"
rescan() { echo 1 >/sys/bus/pci/rescan && bound "$b" && captures "$b" 3; }
check "rescan: the device is bound and captures again" rescan
unload() { rmmod streamclass_edu_capture && nothing_left "$a" && nothing_left "$b"; }
check "rmmod the sample unbinds and frees every device" unload
failing() { insmod "$MODDIR/streamclass_edu_capture.ko" fail_init=1 && ! bound "$a" && ! bound "$b"; }
plain check "a failing SRB_INITIALIZE_DEVICE binds nothing" failing
plain check "... and leaves nothing allocated" sh -c "! ls $dbg | grep -q : && ! grep -q streamclass_edu_capture /proc/iomem /proc/interrupts"
plain check "rmmod the failing sample" rmmod streamclass_edu_capture
# The same minidriver in C, through the header: callbacks from the init data,
# completion from the interrupt through streamclass_device_notification().
cdrv=/sys/bus/pci/drivers/streamclass_edu_capture_c
ccap=$dbg/streamclass_edu_capture_c
c_load() { insmod "$MODDIR/streamclass_edu_capture_c.ko" && test -e "$cdrv/$a" && test -e "$cdrv/$b"; }
plain check "insmod the C sample binds both edu devices" c_load
c_capture() {
	echo 20 >"$ccap/$a/capture" && grep -qx 'verified 20' "$ccap/$a/stats" &&
		grep -qx 'streams 1' "$ccap/$b/stats"
}
plain check "C sample: 20 frames captured by device DMA and verified" c_capture
plain check "C sample: the same stream described through the header" described_as "$ccap"
plain check "C sample: unbind during a capture ends it with -ENODEV or -ECANCELED" \
	interrupted "$ccap" "$b" "echo $b >$cdrv/unbind"
c_unload() { rmmod streamclass_edu_capture_c && nothing_left "$a" && ! test -e "$ccap"; }
plain check "rmmod the C sample frees everything" c_unload
c_forget() {
	insmod "$MODDIR/streamclass_edu_capture_c.ko" forget_unregister=1 && test -e "$cdrv/$a"
}
plain check "insmod the C sample that will not unregister" c_forget
c_forgot() { rmmod streamclass_edu_capture_c && ! test -e "$cdrv" && nothing_left "$a"; }
plain check "... streamclass unregisters it when it unloads" c_forgot
# The per-request extension by device DMA (tests/srb's minidriver, mode
# extdma) on both edus: with 2 GiB and a 28-bit mask here, through the IOMMU
# in capture-iommu (the srb boot has no IOMMU).
ext_dma() {
	sdrv=/sys/bus/pci/drivers/streamclass_srb_test
	scap=$dbg/streamclass_srb_test
	spar=/sys/module/streamclass_srb_test/parameters
	insmod "$MODDIR/streamclass_srb_test.ko" mode=extdma && test -e "$sdrv/$a" && test -e "$sdrv/$b" ||
		return 1
	echo 5 >"$scap/$a/capture" && echo 5 >"$scap/$b/capture" || return 1
	test "$(cat $spar/ext_frames)" = 10 && test "$(cat $spar/ext_errors)" = 0 ||
		{ echo "extdma: $(cat $spar/ext_frames) frames, $(cat $spar/ext_errors) errors"; return 1; }
	rmmod streamclass_srb_test && nothing_left "$a" && nothing_left "$b"
}
check "per-request extension: 5 frames on each edu round-trip by DMA through it" ext_dma
check "rmmod streamclass" sh -c "rmmod streamclass && ! test -e $dbg"
ktap_end
