#!/bin/sh
# Boot the test kernel once in QEMU (TCG) with an initramfs holding busybox,
# the given modules and a scenario folder, and keep the serial console.
# Usage: run-vm.sh NAME SCENARIO_DIR [MODULE.ko...]
#   SCENARIO_DIR holds scenario.sh (run by /init from /scenario), optionally
#   vm.env (VAR=value defaults for the settings below), and any files it
#   needs; modules land in /lib/modules/streamclass in the guest, and every
#   folder of tests/scenarios in /lib/scenarios.
# Env: KDIR (kernel build dir, required), IOMMU=1 (intel-iommu + intel_iommu=on),
#   EDU=N edu devices (default 1), EDU_OPTS (e.g. ,dma_mask=0xffffff), MEM (default 1G),
#   QEMU_ACCEL (default tcg), SMP (default 2), HOTPLUG=1 (each edu behind its
#   own hotplug-capable PCIe root port; ids edu0, edu1..., buses rp0...),
#   V4L2=1 (the guest gets trixie's v4l2-compliance and v4l2-ctl,
#   /lib/edu_pattern.sh and /lib/v4l2.sh, and the kernel's own modules
#   under /lib/modules/<version> for modprobe: vivid). Every boot gets our
#   tests/v4l2/*.c tools, built static (bad_input, dmabuf_capture, onoff,
#   testcap_check, stream_rate, frames).
#   OUT=1 (a second serial line, the guest's /dev/ttyS1, into build/vm/NAME.out).
# Monitor: with HOTPLUG=1 the guest may print `streamclass-monitor: device_del ID`
#   or `streamclass-monitor: device_add edu,bus=rpN,id=ID` (ktap.sh's monitor);
#   the watchdog below passes each such line once to QEMU's monitor.
# Bounds: QEMU is killed when the console stays silent for VM_STALL seconds
#   (default 120) or the boot passes VM_MAX seconds (default 2400); the line
#   it then appends names the limit and the last check that started.
# Writes: build/vm/NAME/ (initramfs) and build/logs/NAME.log (the console, with
#   the boot's wall time appended as a streamclass-host line).
set -eu
. "$(dirname "$0")/lib.sh"

name=$1 scen=$2
shift 2
: "${KDIR:?KDIR must name the kernel build directory}"
kernel=$KDIR/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel image at $kernel"
[ -f "$scen/scenario.sh" ] || die "no scenario.sh in $scen"
# A scenario's own VM settings (EDU, MEM...), unless the caller set them.
if [ -f "$scen/vm.env" ]; then
	# shellcheck disable=SC1091
	eval "$(sed -n 's/^\([A-Z0-9_]*\)=\(.*\)$/: "${\1:=\2}"/p' "$scen/vm.env")"
fi
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (scripts/provision.sh installs it)"
bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"

root=$TOP/build/vm/$name
log=$TOP/build/logs/$name.log
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/modules/streamclass" "$root/proc" "$root/sys" \
	"$root/dev" "$root/tmp" "$root/scenario" "$(dirname "$log")"
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$TOP/scripts/guest/init" "$root/init"
cp "$TOP/scripts/guest/ktap.sh" "$root/lib/ktap.sh"
cp -r "$scen"/. "$root/scenario/"
# Every scenario of the tree, for a boot that runs several (tests/scenarios/iommu).
cp -r "$TOP/tests/scenarios" "$root/lib/scenarios"
echo "$name" >"$root/scenario/name"
for m in "$@"; do
	[ ! -e "$root/lib/modules/streamclass/${m##*/}" ] ||
		die "two modules named ${m##*/} (a stale build? make clean)"
	cp "$m" "$root/lib/modules/streamclass/"
done
# streamclass.ko's one dependency among the kernel's modules, for every boot
# (/init loads it; V4L2=1 boots get all of them below, for modprobe).
vb2v=$(find "$(kernel_modules)/lib/modules" -name videobuf2-vmalloc.ko | head -n 1)
[ -n "$vb2v" ] || die "the kernel of $KDIR has no videobuf2-vmalloc.ko (CONFIG_VIDEOBUF2_VMALLOC=m)"
cp "$vb2v" "$root/lib/videobuf2-vmalloc.ko"
if [ "${V4L2:-0}" = 1 ]; then
	v4l=$("$TOP/scripts/fetch-v4l-utils.sh")
	for f in $("$TOP/scripts/fetch-v4l-utils.sh" --list); do
		mkdir -p "$root/${f%/*}"
		cp -L "$v4l/$f" "$root/$f"
	done
	cp -r "$(kernel_modules)/lib/modules/." "$root/lib/modules/"
	# The samples' frame check and the V4L2 helpers, for scenarios to source.
	cp "$TOP/tests/v4l2/edu_pattern.sh" "$TOP/tests/v4l2/v4l2.sh" "$root/lib/"
fi
# Our own userspace V4L2 checks, static (the guest has no libc of its own
# but trixie's, for v4l-utils), in every boot: they need nothing else.
# Built once into build/tools/, again when the source is newer.
mkdir -p "$TOP/build/tools"
for t in bad_input dmabuf_capture onoff testcap_check stream_rate frames; do
	bin=$TOP/build/tools/$t
	if [ ! -x "$bin" ] || [ "$TOP/tests/v4l2/$t.c" -nt "$bin" ]; then
		gcc -static -O2 -Wall -Werror -o "$bin.$$" "$TOP/tests/v4l2/$t.c" -lm ||
			die "cannot build tests/v4l2/$t.c (gcc and a static libc needed)"
		mv "$bin.$$" "$bin"
	fi
	cp "$bin" "$root/bin/$t"
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root.cpio.gz"

machine=q35 iommu_dev= append=
if [ "${IOMMU:-0}" = 1 ]; then
	machine=q35,kernel-irqchip=split
	iommu_dev="-device intel-iommu,intremap=on"
	append="intel_iommu=on"
fi
edus=
i=0
while [ "$i" -lt "${EDU:-1}" ]; do
	if [ "${HOTPLUG:-0}" = 1 ]; then
		edus="$edus -device pcie-root-port,id=rp$i,chassis=$((i + 1)),slot=$((i + 1))"
		edus="$edus -device edu,bus=rp$i,id=edu$i${EDU_OPTS:-}"
	else
		edus="$edus -device edu${EDU_OPTS:-}"
	fi
	i=$((i + 1))
done
# Hotplug: QEMU's q35 signals root-port hotplug through ACPI, which Linux's
# acpiphp (CONFIG_HOTPLUG_PCI_ACPI) handles. The monitor is a pair of FIFOs.
monitor="-monitor none" mon=
if [ "${HOTPLUG:-0}" = 1 ]; then
	mon=$root/monitor
	mkfifo "$mon.in" "$mon.out"
	monitor="-monitor pipe:$mon"
	cat "$mon.out" >"$TOP/build/logs/$name.monitor.log" &
	drain=$!
fi

out=
if [ "${OUT:-0}" = 1 ]; then
	rm -f "$root.out"
	out="-serial file:$root.out"
fi

# QEMU exits 0 even after a panic: the verdict comes from the console log.
stall=${VM_STALL:-120} max=${VM_MAX:-2400}
: >"$log"
# shellcheck disable=SC2086
qemu-system-x86_64 -accel "${QEMU_ACCEL:-tcg}" \
	-M "$machine" -m "${MEM:-1G}" -smp "${SMP:-2}" $iommu_dev $edus \
	-kernel "$kernel" -initrd "$root.cpio.gz" \
	-append "console=ttyS0 printk.devkmsg=on panic=-1 oops=panic $append ${VM_APPEND:-}" \
	-nodefaults -display none $monitor -serial "file:$log" $out -no-reboot </dev/null &
qemu=$!

# pass_monitor_requests: send the guest's monitor requests not sent yet
# (device_del and device_add only) to QEMU's monitor, in order.
sent=0
pass_monitor_requests() {
	reqs=$(tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] streamclass-monitor: //p')
	[ -n "$reqs" ] || return 0
	echo "$reqs" | tail -n +$((sent + 1)) | while IFS= read -r cmd; do
		case $cmd in
		device_del\ * | device_add\ *) echo "$cmd" >"$mon.in" ;;
		*) echo "streamclass-host: monitor request refused: $cmd" >>"$log" ;;
		esac
	done
	sent=$(echo "$reqs" | wc -l)
}

# The watchdog: poll the console's size; a boot that prints nothing new for
# $stall seconds has hung, one that runs past $max is killed all the same.
start=$(date +%s)
seen=0 last=$start why=
while kill -0 "$qemu" 2>/dev/null; do
	sleep 2
	now=$(date +%s)
	size=$(stat -c %s "$log")
	if [ "$size" != "$seen" ]; then
		seen=$size last=$now
		[ -z "$mon" ] || pass_monitor_requests
	elif [ $((now - last)) -ge "$stall" ]; then
		why="no console output for $((now - last)) s (VM_STALL=$stall)"
	fi
	if [ $((now - start)) -ge "$max" ]; then
		why="the boot ran $((now - start)) s (VM_MAX=$max)"
	fi
	if [ -n "$why" ]; then
		kill "$qemu" 2>/dev/null || :
		break
	fi
done
status=0
wait "$qemu" || status=$?
[ -z "$mon" ] || kill "$drain" 2>/dev/null || :
end=$(date +%s)
if [ -n "$why" ]; then
	started=$(tr -d '\r' <"$log" | sed -n 's/^.*streamclass-init: started: //p' | tail -n 1)
	echo "streamclass-host: qemu killed: $why; last check started: ${started:-none}" >>"$log"
elif [ "$status" != 0 ]; then
	echo "streamclass-host: qemu exited with status $status" >>"$log"
fi
echo "streamclass-host: boot wall time $((end - start)) s" >>"$log"
echo "$log"
