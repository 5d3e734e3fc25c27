# In-guest scenario (sourced by /init): load streamclass, which runs its KUnit
# suites at insmod, check what a loaded module shows, and unload it.
ktap_suite streamclass_load 4
check "insmod streamclass" insmod "$MODDIR/streamclass.ko"
check "module live in sysfs" grep -qx live /sys/module/streamclass/initstate
check "C ABI symbol in kallsyms" \
	grep -qw streamclass_check_init_data /proc/kallsyms
check "rmmod streamclass" rmmod streamclass
ktap_end
