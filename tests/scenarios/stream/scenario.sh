# In-guest scenario of the V4L2 face (sourced by /init): the edu samples'
# capture stream (C, then Rust) on two edu devices as /dev/videoN, used by
# trixie's v4l2-ctl and v4l2-compliance 1.30.1 and by our bad_input:
# frames made by edu's DMA straight into the user's buffers, checked byte
# for byte against the pattern the samples promise; both formats; two
# devices at once; STREAMON/STREAMOFF in a loop; bad formats and bad
# buffer requests; ioctls on a node whose device is gone; unbind and QEMU
# hot-unplug (device_del) while streaming, and device_add after it. In the
# iommu boot: the captures (dma-sg through the IOMMU), compliance's USERPTR
# and DMABUF buffers, DMABUF imports, and buffers still mapped when their
# device is unbound, removed or unplugged.

cdrv=/sys/bus/pci/drivers/streamclass_edu_capture_c
rdrv=/sys/bus/pci/drivers/streamclass_edu_capture
set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && echo "${d##*/}"
done)
a=$1 b=${2:-none}

# pattern FILE SIZE N: the samples' frame check (tests/v4l2/edu_pattern.sh).
. /lib/edu_pattern.sh
# vid, node, flowing, querycap, compliance, stream_cut (tests/v4l2/v4l2.sh).
. /lib/v4l2.sh

# capture DEV N W H: N frames of W x H by mmap, checked byte for byte.
capture() {
	v4l2-ctl -d "$1" --set-fmt-video=width="$3",height="$4",pixelformat=GREY || return 1
	f=/tmp/frames.${1##*/}
	v4l2-ctl -d "$1" --stream-mmap=4 --stream-count="$2" --stream-to="$f" || return 1
	out=$(pattern "$f" $(($3 * $4)) "$2")
	r=$?
	rm -f "$f"
	echo "$out"
	[ "$r" = 0 ] && say "$1: $2 frames of $3x$4 streamed by device DMA, verified: $out"
}

ktap_suite streamclass_v4l2_capture 29 18
check "two edu devices present" test "$b" != none
check "insmod streamclass and the C sample: both devices bound" sh -c \
	"insmod $MODDIR/streamclass.ko && insmod $MODDIR/streamclass_edu_capture_c.ko &&
	 test -e $cdrv/$a && test -e $cdrv/$b"
A=$(node "$a") B=$(node "$b")
check "each device's capture stream is a video4linux node ($A, $B)" \
	sh -c "test -c '$A' && test -c '$B' && test '$A' != '$B'"
plain check "QUERYCAP names the class, the minidriver and stream, and the PCI device" \
	querycap "$A" "streamclass_edu_capture_c edu" "PCI:$a"
check "64x64 GREY (one 4 KiB DMA a frame): 8 frames by mmap, byte for byte" capture "$A" 8 64 64
check "128x64 GREY (several DMAs a frame): 8 frames by mmap, byte for byte" capture "$A" 8 128 64
both() {
	capture "$A" 20 64 64 >/tmp/both.a 2>&1 &
	pa=$!
	capture "$B" 20 128 64 >/tmp/both.b 2>&1 || { cat /tmp/both.b; return 1; }
	wait "$pa" || { cat /tmp/both.a; return 1; }
}
plain check "two devices stream at once, 20 frames each, byte for byte" both
bad_fmt() {
	for f in width=0,height=0 width=100000,height=100000 width=4294967295,height=1 \
		width=64,height=64,pixelformat=YUYV; do
		v4l2-ctl -d "$A" --try-fmt-video="$f" || return 1
		v4l2-ctl -d "$A" --set-fmt-video="$f" || return 1
		got=$(v4l2-ctl -d "$A" --get-fmt-video | sed -n 's/.*Width\/Height *: *//p')
		case $got in 64/64 | 128/64) ;; *) echo "$f gave $got"; return 1 ;; esac
		v4l2-ctl -d "$A" --get-fmt-video | grep -q "'GREY'" || return 1
	done
}
plain check "absurd and overflowing sizes and unknown formats get a described format" bad_fmt
# tried DEV WxH: the size TRY_FMT gives for a GREY request of W x H.
tried() {
	v4l2-ctl -d "$1" --try-fmt-video="width=${2%x*},height=${2#*x},pixelformat=GREY" |
		sed -n 's/.*Width\/Height *: *//p'
}
# negotiated DEV WxH=W/H...: each request gets the size given.
negotiated() {
	dev=$1
	shift
	for r in "$@"; do
		got=$(tried "$dev" "${r%=*}")
		echo "${r%=*}: $got"
		[ "$got" = "${r#*=}" ] || return 1
	done
}
# The C sample answers SRB_GET_DATA_INTERSECTION with the largest format no
# larger than the request (the class alone would take the closest).
plain check "TRY_FMT asks the C sample (SRB_GET_DATA_INTERSECTION): largest not larger, else smallest" \
	negotiated "$A" 100x64=64/64 200x200=128/64 10x10=64/64
# state DEV: VIDIOC_LOG_STATUS while DEV streams logs the state the
# minidriver reports for its instance (SRB_GET_STREAM_STATE).
state() {
	before=$(dmesg | grep -c 'streaming: the minidriver reports')
	v4l2-ctl -d "$1" --stream-mmap=4 --stream-count=15 >/tmp/state.out 2>&1 &
	pid=$!
	waitfor 60 flowing /tmp/state.out || { echo "no frame flowed"; kill "$pid"; return 1; }
	v4l2-ctl -d "$1" --log-status >/dev/null || return 1
	wait "$pid" || return 1
	lines=$(dmesg | grep 'streaming: the minidriver reports')
	echo "$lines" | tail -n 1
	test "$(echo "$lines" | wc -l)" -eq $((before + 1)) &&
		echo "$lines" | tail -n 1 |
		grep -q 'the minidriver reports RUN (SRB_GET_STREAM_STATE), [0-9]* data SRBs outstanding'
}
plain check "LOG_STATUS while streaming: the C sample reports RUN (SRB_GET_STREAM_STATE)" state "$A"
# cycles N: N rounds of open, two buffers, STREAMON, a frame, STREAMOFF,
# close (tests/v4l2/onoff.c, what N runs of v4l2-ctl would do).
cycles() { onoff "$A" "$1" && capture "$A" 3 64 64; }
plain check "STREAMON, a frame, STREAMOFF 100 times; then it still streams" cycles 100
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 >/dev/null 2>&1
check "v4l2-compliance -s10 -e (vivid exports): no failure" compliance "$A" "$(vid vivid-000-vid-cap)"
# dmabuf: 8 frames into vivid's exported (vmalloc) buffers, byte for byte.
# A 64x64 frame uses the first page of each (QBUF's length is the image
# size), which edu's contiguous buffers can import without an IOMMU. The
# device's bounced_buffers goes to the log (in this guest vivid's pages
# land below edu's 256 MiB: 0).
dmabuf() {
	f=/tmp/dmabuf.frames
	dmabuf_capture "$(vid vivid-000-vid-cap)" "$A" 8 64 64 "$f" || return 1
	out=$(pattern "$f" 4096 8)
	r=$?
	rm -f "$f"
	echo "$out"
	[ "$r" = 0 ] || return 1
	st=/sys/kernel/debug/streamclass/streamclass_edu_capture_c/$a/stats
	backend=$(sed -n 's/^buffers //p' "$st")
	n=$(sed -n 's/^bounced_buffers //p' "$st")
	say "DMABUF from vivid into $A: $out; $backend buffers, bounced_buffers $n"
}
check "DMABUF: 8 frames into vivid's exported buffers, byte for byte" dmabuf
plain check "bad buffer requests get their errno, and the node still streams" bad_input abuse "$A"
# gone: bad_input holds A open, two buffers allocated, while A is unbound.
holding() { grep -q holding /tmp/gone.out; }
gone() {
	rm -f /tmp/hold && mkfifo /tmp/hold || return 1
	bad_input gone "$A" </tmp/hold >/tmp/gone.out 2>&1 &
	pid=$!
	exec 3>/tmp/hold
	waitfor 30 holding || { exec 3>&-; cat /tmp/gone.out; return 1; }
	t0=$(uptime)
	echo "$a" >"$cdrv/unbind"
	took=$(ms_since "$t0")
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	cat /tmp/gone.out
	say "unbind with an opener holding unmapped buffers: $took ms"
	# The unbind waits on no clock and no process: about 0.8 s of guest
	# time alone, all of it the kernel's own teardown under TCG and the
	# debug options; 3 s leaves room for a loaded host, and fails a fixed
	# wait for the opener (it was 10 s).
	test "$rc" = 0 && test "$took" -lt 3000 || return 1
	echo "$a" >"$cdrv/bind" && A=$(node "$a") && capture "$A" 3 64 64
}
check "unbind with a node held open (buffers allocated, none mapped) does not wait for the opener; its ioctls then get -ENODEV; rebound, it streams" gone
check "unbind while streaming: the reader's DQBUF or QBUF fails, the node goes" \
	stream_cut "$B" "echo $b >$cdrv/unbind" "! test -e $cdrv/$b"
check "rmmod the C sample" rmmod streamclass_edu_capture_c

# The Rust sample, the same way.
rust_loaded() {
	insmod "$MODDIR/streamclass_edu_capture.ko" && test -e "$rdrv/$a" && test -e "$rdrv/$b" &&
		A=$(node "$a") && B=$(node "$b") && test -c "$A" && test -c "$B" &&
		v4l2-ctl -d "$A" --info | grep -q 'Card type *: streamclass_edu_capture edu$'
}
check "insmod the Rust sample: both devices are nodes again" rust_loaded
A=$(node "$a") B=$(node "$b")
plain check "TRY_FMT on the Rust sample (no SRB_GET_DATA_INTERSECTION): the class takes the closest" \
	negotiated "$A" 100x64=128/64 200x200=128/64 10x10=64/64
plain check "LOG_STATUS while streaming: the Rust sample reports RUN (SRB_GET_STREAM_STATE)" state "$A"
check "Rust sample, 64x64: 8 frames by mmap, byte for byte" capture "$A" 8 64 64
plain check "Rust sample, 128x64: 8 frames by mmap, byte for byte" capture "$A" 8 128 64
plain check "Rust sample: v4l2-compliance -s10 -e (vivid exports): no failure" \
	compliance "$A" "$(vid vivid-000-vid-cap)"
check "PCI remove while streaming: the reader's DQBUF or QBUF fails, the node goes" \
	stream_cut "$A" "echo 1 >/sys/bus/pci/devices/$a/remove" "! test -e /sys/bus/pci/devices/$a"
rescanned() {
	echo 1 >/sys/bus/pci/rescan
	waitfor 60 sh -c "test -e $rdrv/$a && ls /sys/bus/pci/devices/$a/video4linux/ >/dev/null 2>&1" ||
		{ echo "edu not bound again"; return 1; }
	A=$(node "$a") && capture "$A" 3 64 64
}
check "PCI rescan: the device is a node again and streams" rescanned
# QEMU's device_del ejects edu1 through ACPI (scripts/run-vm.sh, HOTPLUG=1).
check "QEMU hot-unplug while streaming: the reader's DQBUF or QBUF fails, the node goes" \
	stream_cut "$B" "monitor device_del edu1" "! test -e /sys/bus/pci/devices/$b"
replug() {
	monitor device_add edu,bus=rp1,id=edu1
	waitfor 60 sh -c "test -e $rdrv/$b && ls /sys/bus/pci/devices/$b/video4linux/ >/dev/null 2>&1" ||
		{ echo "edu not bound again"; return 1; }
	B=$(node "$b") && capture "$B" 3 128 64
}
check "QEMU device_add: the device is a node again and streams" replug
check "rmmod the Rust sample, then streamclass" sh -c "rmmod streamclass_edu_capture && rmmod streamclass"
check "rmmod vivid" rmmod vivid
ktap_end
