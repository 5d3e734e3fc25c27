# In-guest scenario of the software capture sample (sourced by /init):
# samples/streamclass_testcap.rs on two virtual devices off the PCI bus
# (platform devices the class creates), used by trixie's v4l2-ctl and
# v4l2-compliance 1.30.1 and by our testcap_check: the colour bars checked
# by value in each format and size, the frame number and marker, the
# sequence, the timestamp step against the frame interval, a second
# process refused while one streams; stop, close, unbind and rmmod while
# the frame timer is armed (KASAN and kmemleak judge what is left).

pdrv=/sys/bus/platform/drivers/streamclass_testcap
# vid, node, flowing, querycap, compliance, stream_cut (tests/v4l2/v4l2.sh).
. /lib/v4l2.sh

ktap_suite streamclass_testcap 22
loaded() {
	insmod "$MODDIR/streamclass.ko" && insmod "$MODDIR/streamclass_testcap.ko" devices=2 &&
		test -e "$pdrv/streamclass_testcap.0" && test -e "$pdrv/streamclass_testcap.1"
}
check "insmod streamclass and the testcap sample (devices=2): two virtual devices bound" loaded
A=$(node streamclass_testcap.0) B=$(node streamclass_testcap.1)
check "each virtual device's capture stream is a video4linux node ($A, $B)" \
	sh -c "test -c '$A' && test -c '$B' && test '$A' != '$B'"
check "QUERYCAP names the class, the minidriver and stream, and the platform device" \
	querycap "$A" "streamclass_testcap testcap" platform:streamclass_testcap.0
# A software device fills its buffers with the CPU only: vb2-vmalloc's,
# with no DMA mapping (debugfs stats of each device).
vmalloc_buffers() {
	n=0
	for f in /sys/kernel/debug/streamclass/streamclass_testcap/*/stats; do
		grep -qx "buffers vmalloc" "$f" || { grep -H buffers "$f"; return 1; }
		n=$((n + 1))
	done
	test "$n" = 2
}
check "the virtual devices' stream buffers are vb2-vmalloc's" vmalloc_buffers
formats() {
	out=$(v4l2-ctl -d "$A" --list-formats-ext) || return 1
	echo "$out"
	for f in YUYV RGB3; do
		echo "$out" | grep -q "'$f'" || return 1
	done
	test "$(echo "$out" | grep -c 'Size: Discrete 320x240')" = 2 &&
		test "$(echo "$out" | grep -c 'Size: Discrete 640x480')" = 2 &&
		test "$(echo "$out" | grep -c 'Interval: Discrete 0.033s')" = 4 &&
		test "$(echo "$out" | grep -c 'Interval: Discrete 0.067s')" = 4
}
check "ENUM_FMT/FRAMESIZES/FRAMEINTERVALS: YUYV and RGB24, 320x240 and 640x480, 1/30 and 1/15" formats
controls() {
	out=$(v4l2-ctl -d "$A" --list-ctrls) || return 1
	echo "$out"
	echo "$out" | grep -q 'brightness 0x00980900 (int) *: min=0 max=255 step=1 default=128 value=128' &&
		echo "$out" | grep -q 'contrast 0x00980901 (int) *: min=0 max=255 step=1 default=128 value=128' &&
		echo "$out" | grep -q 'saturation 0x00980902 (int) *: min=0 max=255 step=1 default=128 value=128' &&
		echo "$out" | grep -q 'hue 0x00980903 (int) *: min=-180 max=180 step=15 default=0 value=0'
}
check "the device's controls are V4L2 controls: brightness, contrast, saturation, hue" controls
# bars DEV FOURCC W H FPS N: N frames checked by value (testcap_check).
bars() {
	out=$(testcap_check "$@" 2>&1)
	r=$?
	echo "$out" | head -n 20
	say "$1: $(echo "$out" | tail -n 1)"
	return $r
}
check "YUYV 320x240 at 1/30: bars, frame number, marker, sequence and timestamp step" bars "$A" YUYV 320 240 30 90
check "YUYV 640x480 at 1/15: the same" bars "$A" YUYV 640 480 15 45
check "RGB24 320x240 at 1/15: the same" bars "$A" RGB3 320 240 15 45
check "RGB24 640x480 at 1/30: the same" bars "$A" RGB3 640 480 30 90
both() {
	testcap_check "$A" YUYV 320 240 30 30 >/tmp/both.a 2>&1 &
	pa=$!
	testcap_check "$B" RGB3 640 480 15 15 >/tmp/both.b 2>&1 || { cat /tmp/both.b; return 1; }
	wait "$pa" || { cat /tmp/both.a; return 1; }
	cat /tmp/both.a /tmp/both.b
}
check "two virtual devices stream at once, checked by value" both
# rgb FILE FRAME X Y: the R G B of a pixel of a 320x240 RGB24 frame.
rgb() { od -An -tu1 -j $(($2 * 230400 + $4 * 960 + $3 * 3)) -N3 "$1" | tr -s ' ' | sed 's/^ //; s/ $//'; }
# changes: while v4l2-ctl streams RGB24 to a file, another process sets
# brightness to 192 (SRB_SET_DEVICE_PROPERTY): the black bar (x 300) is 0
# in the frames before and 64 in every frame from some frame on; the
# white bar 255 from then. Then saturation 0 (the yellow bar grey), hue
# 120 (the red bar green), and back to the defaults, checked by value.
changes() {
	v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=RGB3 || return 1
	v4l2-ctl -d "$A" --stream-mmap=4 --stream-count=90 --stream-to=/tmp/c.rgb >/tmp/c.out 2>&1 &
	pid=$!
	waitfor 60 flowing /tmp/c.out || { kill "$pid"; return 1; }
	v4l2-ctl -d "$A" -c brightness=192 || { kill "$pid"; return 1; }
	wait "$pid" || return 1
	seen=$(testcap_check red /tmp/c.rgb 320 240 300 90) || return 1
	say "black bar by frame, brightness set to 192 while streaming:$seen"
	[ "$(echo $seen | wc -w)" = 90 ] && echo "$seen" | grep -qE '^( 0)+( 64)+$' || return 1
	test "$(rgb /tmp/c.rgb 89 20 90)" = "255 255 255" || return 1
	v4l2-ctl -d "$A" -c brightness=128,saturation=0 &&
		v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 --stream-to=/tmp/s.rgb || return 1
	grey=$(rgb /tmp/s.rgb 0 60 90)
	v4l2-ctl -d "$A" -c saturation=128,hue=120 &&
		v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 --stream-to=/tmp/h.rgb || return 1
	red=$(rgb /tmp/h.rgb 0 220 90)
	say "saturation 0: yellow bar $grey; hue 120: red bar $red"
	v4l2-ctl -d "$A" -c hue=0 || return 1
	set -- $grey
	[ "$1" = "$2" ] && [ "$2" = "$3" ] && [ "$1" -gt 100 ] || return 1
	set -- $red
	[ "$2" -gt $(($1 + 40)) ] && [ "$2" -gt $(($3 + 40)) ] || return 1
	testcap_check "$A" RGB3 320 240 30 10
}
check "controls change the picture: brightness while streaming (the next frames), saturation, hue; defaults again" changes
# readio: two RGB24 320x240 frames by read() (the node offers
# V4L2_CAP_READWRITE), each whole: the black bar (x 300) 0, the white one
# (x 20) the same in both and not black.
readio() {
	v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=RGB3 &&
		v4l2-ctl -d "$A" -D | grep -q "Read/Write" || return 1
	dd if="$A" of=/tmp/r.rgb bs=230400 count=2 2>/dev/null || return 1
	size=$(wc -c </tmp/r.rgb)
	black=$(testcap_check red /tmp/r.rgb 320 240 300 90) || return 1
	w0=$(rgb /tmp/r.rgb 0 20 90)
	w1=$(rgb /tmp/r.rgb 1 20 90)
	say "read(): $size bytes; black bar red by frame:$black; white bar $w0, $w1"
	test "$size" = 460800 && echo "$black" | grep -qE '^ 0 0$' && test "$w0" = "$w1" &&
		test "$w0" != "0 0 0"
}
check "read() I/O: two RGB24 320x240 frames, whole and checked by value" readio
# keeps: S_PARM 1/15 at 320x240, then S_FMT 640x480 keeps 1/15 (the
# stream offers it there), which G_PARM reports.
keeps() {
	v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=YUYV -p 15 &&
		v4l2-ctl -d "$A" --set-fmt-video=width=640,height=480,pixelformat=YUYV || return 1
	parm=$(v4l2-ctl -d "$A" -P)
	echo "$parm" | grep -q "(15/1)" || { echo "$parm"; return 1; }
	v4l2-ctl -d "$A" -p 30 --set-fmt-video=width=320,height=240,pixelformat=YUYV &&
		v4l2-ctl -d "$A" -P | grep -q "(30/1)"
}
check "S_FMT to a new size keeps the frame interval S_PARM set, where the stream offers it" keeps
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 >/dev/null 2>&1
# DMABUF imports need vivid's buffers (YUYV 320x240 by default here) as
# large as ours: YUYV 320x240.
v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=YUYV
check "v4l2-compliance -s10 -e (vivid exports): no failure, controls included" compliance "$A" "$(vid vivid-000-vid-cap)"
# busy: while one process streams, a second can query the node but not
# take its buffers (EBUSY).
busy() {
	v4l2-ctl -d "$A" --stream-mmap=4 --stream-count=100000 >/tmp/busy.out 2>&1 &
	pid=$!
	waitfor 60 flowing /tmp/busy.out || { kill "$pid"; cat /tmp/busy.out; return 1; }
	v4l2-ctl -d "$A" --all >/dev/null || { kill "$pid"; echo "query refused"; return 1; }
	out=$(v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 2>&1)
	kill "$pid"
	wait "$pid"
	echo "$out"
	echo "$out" | grep -q 'Device or resource busy'
}
check "a second process can query while one streams, and cannot stream (EBUSY)" busy
# cycles N: N short streams of 2 frames (tests/v4l2/onoff.c), each STREAMOFF
# (PAUSE, cancel, STOP, close) with the frame timer armed.
cycles() { onoff "$A" "$1" 2 && testcap_check "$A" YUYV 320 240 30 10; }
check "STREAMON, 2 frames, STREAMOFF 30 times with the timer armed; then it streams, checked" cycles 30
# cut ACTION GONE: stream_cut from B, its timer armed.
cut() { stream_cut "$B" "$@"; }
check "unbind while streaming (timer armed): the reader ends, the node goes" \
	cut "echo streamclass_testcap.1 >$pdrv/unbind" "! test -e $pdrv/streamclass_testcap.1"
rebind() {
	echo streamclass_testcap.1 >"$pdrv/bind" && B=$(node streamclass_testcap.1) &&
		testcap_check "$B" RGB3 320 240 30 10
}
check "bound again: it streams, checked" rebind
check "rmmod the sample while streaming (timer armed): the reader ends, the devices go" \
	cut "rmmod streamclass_testcap" "! test -e /sys/bus/platform/devices/streamclass_testcap.0"
# The sample again, leaving its timer to the class (stubborn_timer: it
# never cancels it, and its routine reschedules itself in any state): the
# class stops it at STOP and close (no routine runs with the stream
# closed, which the sample counts and reports when the device goes), and
# at removal while streaming (KASAN would see a routine run after free).
stubborn() {
	# Only this load's reports count: an earlier load's are in dmesg too.
	seen=$(dmesg | grep -c 'timer routines run with the stream closed')
	insmod "$MODDIR/streamclass_testcap.ko" devices=2 stubborn_timer=1 start_brightness=100 &&
		A=$(node streamclass_testcap.0) && B=$(node streamclass_testcap.1) || return 1
	# The node starts from the device's value (SRB_GET_DEVICE_PROPERTY).
	v4l2-ctl -d "$A" -C brightness | grep -qx 'brightness: 100' || return 1
	v4l2-ctl -d "$A" -c brightness=128 || return 1
	testcap_check "$A" YUYV 320 240 30 10 || return 1
	v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=3 || return 1
	sleep 1
	cut "echo streamclass_testcap.1 >$pdrv/unbind" "! test -e $pdrv/streamclass_testcap.1" || return 1
	echo streamclass_testcap.0 >"$pdrv/unbind" || return 1
	lines=$(dmesg | grep 'timer routines run with the stream closed' | tail -n +$((seen + 1)))
	echo "$lines"
	test "$(echo "$lines" | wc -l)" = 2 && test "$(echo "$lines" | grep -c 'closed: 0$')" = 2
}
check "a timer the sample never cancels: the class stops it at STOP, close and removal; a node starts from the device's control value" stubborn
check "rmmod the sample, streamclass and vivid" \
	sh -c "rmmod streamclass_testcap && rmmod streamclass && rmmod vivid"
ktap_end
