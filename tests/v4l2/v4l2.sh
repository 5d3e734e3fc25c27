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
# on a failure or a warning its failing tests and warnings with the lines
# before them, then its end. A warning fails it as a failure does, but for
# one: a gap in the sequence numbers ("got sequence number 3, expected 2"),
# which is how a live source (a timer-driven software device) reports a
# frame it dropped because no buffer was queued at its tick, as it must on
# a loaded host (seen with a CPU hog beside make check).
compliance() {
	out=$(v4l2-compliance -d "$1" -s10 -e "$2" 2>&1)
	total=$(echo "$out" | grep '^Total for ')
	say "v4l2-compliance $(v4l2-compliance --version 2>&1 | head -n 1 | cut -d, -f1) on $1: $total"
	echo "$out" | tr '\r' '\n' | grep -i -e 'warn' -e '^.test .*\(MMAP\|USERPTR\|DMABUF\|read/write\)' |
		head -n 20 | while IFS= read -r l; do say "  $l"; done
	warnings=$(echo "$total" | sed -n 's/.*, Warnings: \([0-9]*\)$/\1/p')
	gaps=$(echo "$out" | tr '\r' '\n' | grep -c 'warn: .*got sequence number [0-9]*, expected [0-9]*$')
	[ "$gaps" = 0 ] || say "  $gaps sequence gap(s): frames the source dropped"
	echo "$total" | grep -q ', Failed: 0, ' && [ "${warnings:-1}" = "$gaps" ] && return 0
	echo "$out" | grep -B3 -i -e 'fail' -e 'warn' | head -n 80
	echo "$out" | tail -n 5
	return 1
}

# uptime: the guest's uptime in 10 ms units (the shell's own read: no
# process start in what is timed). ms_since T0: milliseconds since T0, an
# uptime.
uptime() { read -r t _ </proc/uptime && echo "${t%.*}${t#*.}"; }
ms_since() { echo $((($(uptime) - $1) * 10)); }

# querycap DEV CARD BUS: QUERYCAP names the class (driver streamclass), the
# minidriver and stream (CARD) and the parent device (BUS).
querycap() {
	out=$(v4l2-ctl -d "$1" --info) || return 1
	echo "$out"
	echo "$out" | grep -q 'Driver name *: streamclass$' &&
		echo "$out" | grep -q "Card type *: $2\$" &&
		echo "$out" | grep -q "Bus info *: $3\$"
}

# stream_cut DEV ACTION GONE...: v4l2-ctl streams from DEV; once frames
# flow, ACTION removes the device; the reader must end (its DQBUF, blocked
# in poll and woken, or its next QBUF fails) and the node go. GONE: a
# command true once the removal is done.
# What v4l2-ctl prints depends on where the removal finds it: EIO from
# vb2_queue_error(), ENODEV once the node is unregistered, "qbuf error",
# or nothing at all when the QBUF of a buffer returned with
# V4L2_BUF_FLAG_ERROR fails (it does not report that one). Any other
# failure is one.
stream_cut() {
	v4l2-ctl -d "$1" --stream-mmap=4 --stream-count=100000 >/tmp/cut.out 2>&1 &
	pid=$!
	waitfor 60 flowing /tmp/cut.out || { echo "no frame flowed"; cat /tmp/cut.out; kill "$pid"; return 1; }
	t0=$(uptime)
	eval "$2" || return 1
	took=$(ms_since "$t0")
	n=0 rc=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 600 ] || { echo "v4l2-ctl still running 60 s after the removal"; kill "$pid"; rc=1; }
		sleep 0.1
	done
	wait "$pid" || rc=$?
	errs=$(tr '\r' '\n' </tmp/cut.out | grep -oE '([A-Za-z_]+: (failed: .*|qbuf error)|select (error|timeout).*)$' | sort -u)
	say "the streaming reader at \"$2\" ($took ms): exit status $rc, reported: ${errs:-nothing (a failed QBUF of an error buffer)}"
	tail -n 5 /tmp/cut.out
	echo "$errs" | grep -vqE '^$|^VIDIOC_DQBUF: failed: (Input/output error|No such device)$|qbuf error$' &&
		{ echo "unexpected failure: $errs"; rc=1; }
	# The removal is waited for whatever the reader did, so that the next
	# check starts from a removed device.
	waitfor 60 sh -c "$3" || { echo "removal not done"; return 1; }
	[ "$rc" = 0 ] && ! test -e "$1"
}
