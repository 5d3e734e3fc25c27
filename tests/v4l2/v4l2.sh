# The V4L2 helpers of the guest's scenarios (copied to /lib/v4l2.sh by
# scripts/run-vm.sh with V4L2=1; sourced, busybox sh).

# vid NAME: the /dev node of the video4linux device named NAME (never by
# number: the numbers depend on the probe order).
vid() {
	for n in /sys/class/video4linux/*; do
		[ "$(cat "$n/name")" = "$1" ] && echo "/dev/${n##*/}" && return 0
	done
	return 1
}

# node DEVICE: the /dev node of the video4linux device whose parent device
# is named DEVICE (a PCI address, a platform device).
node() {
	for n in /sys/class/video4linux/*; do
		[ "$(basename "$(readlink "$n/device")")" = "$1" ] && echo "/dev/${n##*/}" && return 0
	done
	return 1
}

# flowing FILE: v4l2-ctl, writing to FILE, has dequeued a frame (it prints
# a '<' for each).
flowing() { grep -q '<' "$1"; }

# compliance DEV EXPORTER: v4l2-compliance with 10 streamed buffers and
# DMABUF (EXPORTER exports); its totals and any warning go to the log, and
# on a failure its failing tests with the lines before them, then its end.
compliance() {
	out=$(v4l2-compliance -d "$1" -s10 -e "$2" 2>&1)
	total=$(echo "$out" | grep '^Total for ')
	say "v4l2-compliance $(v4l2-compliance --version 2>&1 | head -n 1 | cut -d, -f1) on $1: $total"
	echo "$out" | tr '\r' '\n' | grep -i -e 'warn' -e '^.test .*\(MMAP\|USERPTR\|DMABUF\|read/write\)' |
		head -n 20 | while IFS= read -r l; do say "  $l"; done
	echo "$total" | grep -q ', Failed: 0, ' && return 0
	echo "$out" | grep -B3 -i 'fail' | head -n 80
	echo "$out" | tail -n 5
	return 1
}
