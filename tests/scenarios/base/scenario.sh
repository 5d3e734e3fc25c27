# In-guest scenario (sourced by /init): load streamclass, whose KUnit suites run
# at insmod, then its C and Rust consumers (theirs too), and check what the
# loaded modules show; unload everything. streamclass.ko's own suites run
# here once per kernel; the consumers' also in the IOMMU boot (they check
# edu's buffer with and without the IOMMU).

if iommu; then kunit_suites 'streamclass_*_consumer'; else kunit_suites '*'; fi

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
kunit_suites -
