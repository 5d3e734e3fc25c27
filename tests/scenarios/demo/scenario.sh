# In-guest scenario of `make demo` (sourced by /init): load streamclass and
# show what it says.
say "demo: PCI devices: $(for d in /sys/bus/pci/devices/*; do
	printf '%s=%s:%s ' "${d##*/}" "$(cat "$d/vendor")" "$(cat "$d/device")"
done)"
insmod "$MODDIR/streamclass.ko"
say "demo: streamclass is $(cat /sys/module/streamclass/initstate)"
