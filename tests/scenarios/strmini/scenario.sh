# In-guest scenario of the strmini.h compatibility layer (sourced by
# /init): the header checks (KUnit, tests/strmini), then samples/strmini, a
# capture minidriver written the Windows way (HW_INITIALIZATION_DATA, an
# SRB switch, KS_DATARANGE_VIDEO formats, a VideoProcAmp property table, a
# frame timer), loaded through STREAMCLASS_DRIVER_ENTRY with two INF
# hardware IDs: a root-enumerated one (a virtual device) and edu's PCI ID.
# Both nodes are used by v4l2-ctl, v4l2-compliance and testcap_check (the
# sample draws the picture samples/streamclass_testcap.rs draws, in YUY2).
# The sample queues its data SRBs through their IRP and checks the SRB
# fields stream.sys fills; at RUN it queues two routines at once (its
# stream's at Low, its device's at Dispatch priority); it takes its data
# SRBs two at a time, under flow control (ReadyForNextStreamDataRequest). Last, with the class's SRB timeout at
# 1 s, a data SRB held past it reaches the sample's timeout handler.
# In the iommu boot: edu's frames (150 KiB, several segments) in buffers
# mapped through the IOMMU, and edu unbound while it streams.

pdrv=/sys/bus/platform/drivers/strmini_testcap
edrv=/sys/bus/pci/drivers/strmini_testcap
# vid, node, flowing, querycap, compliance, stream_cut (tests/v4l2/v4l2.sh).
. /lib/v4l2.sh
edu=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && edu=${d##*/}
done

plain kunit_suites 'streamclass_strmini_*'
ktap_suite streamclass_strmini 25 6
check "insmod streamclass, the strmini.h header checks and routine checks (KUnit suites streamclass_strmini_headers, _api, _layouts)" \
	sh -c "insmod $MODDIR/streamclass.ko && insmod $MODDIR/streamclass_strmini_test.ko && insmod $MODDIR/streamclass_strmini_api_test.ko && insmod $MODDIR/streamclass_strmini_ddk_test.ko"
loaded() {
	insmod "$MODDIR/strmini_testcap.ko" && test -e "$pdrv/strmini_testcap.0" &&
		test -n "$edu" && test -e "$edrv/$edu" || return 1
	# Its SRB_INITIALIZE_DEVICE read edu's IDs (StreamClassReadWriteConfig).
	dmesg | grep 'TestCap: PCI device 1234:11e8'
}
check "insmod the Windows-style sample: its DriverEntry registers; ROOT\\STRMINI_TESTCAP is a virtual device, PCI\\VEN_1234&DEV_11E8 binds edu ($edu), whose IDs it reads from configuration space" loaded
A=$(node strmini_testcap.0) B=$(node "$edu")
# nodes_of DEVICE: how many video4linux nodes DEVICE has.
nodes_of() {
	n=0
	for v in /sys/class/video4linux/*; do
		[ "$(basename "$(readlink "$v/device")")" = "$1" ] && n=$((n + 1))
	done
	echo $n
}
nodes() {
	dmesg | grep 'strmini_testcap.*stream 1: not a capture stream: not shown' || return 1
	test "$(nodes_of strmini_testcap.0)" = 1 && test "$(nodes_of "$edu")" = 1 &&
		test -c "$A" && test -c "$B" && test "$A" != "$B" &&
		querycap "$A" "strmini_testcap capture" platform:strmini_testcap.0 &&
		querycap "$B" "strmini_testcap capture" "PCI:$edu"
}
plain check "each device's capture stream (PINNAME_VIDEO_CAPTURE) is its one video4linux node ($A, $B), its analog input (KSPIN_DATAFLOW_IN) none; QUERYCAP" nodes
formats() {
	out=$(v4l2-ctl -d "$A" --list-formats-ext) || return 1
	echo "$out"
	test "$(echo "$out" | grep -c "'YUYV'")" = 1 &&
		echo "$out" | grep -q 'Size: Discrete 320x240' &&
		echo "$out" | grep -q 'Size: Discrete 640x480' &&
		test "$(echo "$out" | grep -c 'Interval: Discrete 0.033s (30.000 fps)')" = 2
}
plain check "its KS_DATARANGE_VIDEO table is ENUM_FMT/FRAMESIZES/FRAMEINTERVALS: YUYV 320x240 and 640x480 at 1/30" formats
controls() {
	out=$(v4l2-ctl -d "$A" --list-ctrls) || return 1
	echo "$out"
	echo "$out" | grep -q 'brightness 0x00980900 (int) *: min=0 max=10000 step=10 default=5000 value=5000' &&
		echo "$out" | grep -q 'contrast 0x00980901 (int) *: min=0 max=10000 step=10 default=5000 value=5000' &&
		test "$(echo "$out" | grep -c ' (int) ')" = 2
}
plain check "its VideoProcAmp property table is V4L2 controls: brightness and contrast 0..10000 by 10, 5000" controls
# bars DEV W H N: N frames checked by value (testcap_check).
bars() {
	out=$(testcap_check "$1" YUYV "$2" "$3" 30 "$4" 2>&1)
	r=$?
	echo "$out" | head -n 20
	say "$1: $(echo "$out" | tail -n 1)"
	return $r
}
plain check "virtual device, YUY2 320x240: bars, frame number, marker, sequence (PictureNumber) and timestamp step (PresentationTime)" \
	bars "$A" 320 240 90
plain check "virtual device, YUY2 640x480: the same" bars "$A" 640 480 90
check "edu, YUY2 320x240: the same" bars "$B" 320 240 90
priorities() {
	dmesg | grep 'TestCap: stream 0 running (its Low routine)' &&
		dmesg | grep 'TestCap: a stream runs on the device (its Dispatch routine)' &&
		! dmesg | grep 'StreamClassCallAtNewPriority: -'
}
plain check "at each RUN the sample queues two routines at once (StreamClassCallAtNewPriority), its stream's at Low and its device's at Dispatch priority: both run" \
	priorities
# The sample is synchronized and queues two data SRBs at most: it says
# ReadyForNextStreamDataRequest while fewer are queued, else when its timer
# takes one. The layer must give it none before that word (the sample logs
# one it gets early), and the full queue must have been reached.
flow() {
	! dmesg | grep 'TestCap: a data SRB before ReadyForNextStreamDataRequest' &&
		dmesg | grep 'TestCap: 2 data SRBs queued: ready for the next when one is taken'
}
plain check "flow control: the synchronized sample gets each data SRB only after ReadyForNextStreamDataRequest, while V4L2 queues more (the layer holds them)" \
	flow
# y FILE X Y: the Y' byte of pixel (X, Y) of a 320x240 YUYV frame.
y() { od -An -tu1 -j $(($3 * 640 + $2 * 2)) -N1 "$1" | tr -d ' '; }
brightness() {
	v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=YUYV &&
		v4l2-ctl -d "$A" -c brightness=7500 || return 1
	got=$(v4l2-ctl -d "$A" -C brightness) || return 1
	v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 --stream-to=/tmp/b.yuv || return 1
	v4l2-ctl -d "$A" -c brightness=5000 || return 1
	v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 --stream-to=/tmp/d.yuv || return 1
	say "brightness 7500: '$got', black bar Y' $(y /tmp/b.yuv 300 90), white $(y /tmp/b.yuv 20 90); 5000: black $(y /tmp/d.yuv 300 90)"
	[ "$got" = "brightness: 7500" ] && [ "$(y /tmp/b.yuv 300 90)" = 66 ] &&
		[ "$(y /tmp/b.yuv 20 90)" = 230 ] && [ "$(y /tmp/d.yuv 300 90)" = 16 ]
}
plain check "S_CTRL is SRB_SET_DEVICE_PROPERTY (KSPROPERTY_VIDEOPROCAMP_S): brightness 7500 lifts the picture by 50 and reads back; 5000 again" \
	brightness
# The sample answers SRB_GET_DATA_INTERSECTION with its range of the asked
# size, else its first range: 320x240 for 1000x1000, where the class's own
# match (closest size) would give 640x480.
intersect() {
	a=$(v4l2-ctl -d "$A" --try-fmt-video=width=640,height=480,pixelformat=YUYV) || return 1
	b=$(v4l2-ctl -d "$A" --try-fmt-video=width=1000,height=1000,pixelformat=YUYV) || return 1
	echo "$a"
	echo "$b"
	echo "$a" | grep -q 'Width/Height *: 640/480' && echo "$b" | grep -q 'Width/Height *: 320/240'
}
plain check "TRY_FMT is SRB_GET_DATA_INTERSECTION: the minidriver's answer (640x480 as asked; 320x240, its first range, for 1000x1000)" intersect
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 >/dev/null 2>&1
v4l2-ctl -d "$A" --set-fmt-video=width=320,height=240,pixelformat=YUYV
v4l2-ctl -d "$B" --set-fmt-video=width=320,height=240,pixelformat=YUYV
plain check "v4l2-compliance -s10 -e (vivid exports) on the virtual device: no failure" compliance "$A" "$(vid vivid-000-vid-cap)"
plain check "v4l2-compliance -s10 -e (vivid exports) on edu: no failure" compliance "$B" "$(vid vivid-000-vid-cap)"
check "unbind edu while streaming (frame timer armed): the reader ends, the node goes" \
	stream_cut "$B" "echo $edu >$edrv/unbind" "! test -e $edrv/$edu"
check "rmmod the sample while streaming: the reader ends, the devices go" \
	stream_cut "$A" "rmmod strmini_testcap" "! test -e /sys/bus/platform/devices/strmini_testcap.0"
# samples/strmini_tv: a virtual analog TV card written the DDK way (its
# includes unchanged: <strmini.h>, <ksmedia.h>), with tuner, crossbar, video
# decoder and TV audio property sets and capture, preview, VBI and CC
# streams. The class translates none of the analog parts yet (issue 24):
# the sample checks its property sets itself at SRB_INITIALIZATION_COMPLETE.
tvdrv=/sys/bus/platform/drivers/strmini_tvcap
tv_loaded() {
	insmod "$MODDIR/strmini_tvcap.ko" && test -e "$tvdrv/strmini_tvcap.0" || return 1
	dmesg | grep 'TvCap: property self-check'
	dmesg | grep -q 'TvCap: property self-check passed: tuner, crossbar, video decoder, TV audio'
}
plain check "insmod the TV sample (ROOT\\STRMINI_TVCAP, a virtual device): its tuner, crossbar, video decoder and TV audio property sets answer its self-check (what is set reads back; a frequency, route or standard changes the status)" \
	tv_loaded
TVC=$(vid "strmini_tvcap capture") TVP=$(vid "strmini_tvcap preview")
tv_streams() {
	dmesg | grep 'strmini_tvcap'
	dmesg | grep -q 'strmini_tvcap.0: stream 0: format 1 (RGB24 640x480) is bottom-up (positive biHeight): not offered' &&
		dmesg | grep -q 'strmini_tvcap.0: stream 2: no format shown: not shown' &&
		dmesg | grep -q 'strmini_tvcap.0: stream 3: no format shown: not shown' &&
		test "$(nodes_of strmini_tvcap.0)" = 2 && test -c "$TVC" && test -c "$TVP" || return 1
	out=$(v4l2-ctl -d "$TVC" --list-formats-ext) || return 1
	echo "$out"
	test "$(echo "$out" | grep -c "^[[:space:]]*\[[0-9]\]:")" = 3 &&
		echo "$out" | grep -A1 "'BGR3'" | grep -q 'Size: Discrete 320x240' &&
		echo "$out" | grep -A1 "'XR24'" | grep -q 'Size: Discrete 320x240' &&
		echo "$out" | grep -A1 "'YUYV'" | grep -q 'Size: Discrete 640x480'
}
plain check "its capture and preview streams are video4linux nodes ($TVC, $TVP), VBI and CC (KS_DATARANGE_VIDEO_VBI) are not shown; capture offers RGB24 and RGB32 top-down as BGR3 and XR24, and YUY2, its bottom-up RGB24 range refused with a line naming it" \
	tv_streams
# bgr FILE OFFSET: three bytes of FILE, decimal.
bgr() { od -An -tu1 -j "$2" -N3 "$1" | tr -s ' ' | sed 's/^ //'; }
tv_bgr24() {
	v4l2-ctl -d "$TVC" --set-fmt-video=width=320,height=240,pixelformat=BGR3 &&
		v4l2-ctl -d "$TVC" --stream-mmap=4 --stream-count=3 --stream-to=/tmp/tv.bgr || return 1
	fmt=$(v4l2-ctl -d "$TVC" --get-fmt-video) || return 1
	echo "$fmt"
	echo "$fmt" | grep -q "Pixel Format *: 'BGR3'" || return 1
	size=$(wc -c </tmp/tv.bgr)
	a=$(bgr /tmp/tv.bgr 0) b=$(bgr /tmp/tv.bgr 3) c=$(bgr /tmp/tv.bgr 960) d=$(bgr /tmp/tv.bgr $((239 * 960 + 3 * 200)))
	say "3 frames, $size bytes; pixel (0,0) $a, (1,0) $b, (0,1) $c, (200,239) $d"
	[ "$size" = $((3 * 960 * 240)) ] && [ "$a" = "0 64 0" ] && [ "$b" = "0 64 1" ] &&
		[ "$c" = "1 64 0" ] && [ "$d" = "239 64 200" ]
}
plain check "RGB24 is BGR24 end to end (the format set is BGR3): the sample's frame (B = line, G = 64 for the tuner on a station, R = column; top-down) read back byte by byte" \
	tv_bgr24
tv_xbgr32() {
	v4l2-ctl -d "$TVC" --set-fmt-video=width=320,height=240,pixelformat=XR24 &&
		v4l2-ctl -d "$TVC" --stream-mmap=4 --stream-count=1 --stream-to=/tmp/tv.xbgr || return 1
	fmt=$(v4l2-ctl -d "$TVC" --get-fmt-video) || return 1
	echo "$fmt"
	echo "$fmt" | grep -q "Pixel Format *: 'XR24'" || return 1
	a=$(od -An -tu1 -N8 /tmp/tv.xbgr | tr -s ' ' | sed 's/^ //') b=$(bgr /tmp/tv.xbgr 1280)
	say "XR24: $(wc -c </tmp/tv.xbgr) bytes; pixels (0,0) and (1,0) $a, (0,1) $b"
	[ "$(wc -c </tmp/tv.xbgr)" = $((320 * 4 * 240)) ] && [ "$a" = "0 64 0 0 0 64 1 0" ] && [ "$b" = "1 64 0" ]
}
plain check "RGB32 is XBGR32 ('XR24', B, G, R, X in memory): a frame read back byte by byte" tv_xbgr32
tv_pause() {
	line=$(dmesg | grep 'TvCap: stream 0: RUN with [0-9]* reads queued in PAUSE' | tail -n 1)
	echo "$line"
	n=$(echo "$line" | sed -n 's/.*RUN with \([0-9]*\) reads.*/\1/p')
	dmesg | grep 'TvCap: .*a read in state' && return 1
	test -n "$n" && test "$n" -ge 1
}
plain check "the sample takes reads in PAUSE (queued on Irp->Tail.Overlay.ListEntry) and fills them from its timer in RUN only: RUN found them queued" \
	tv_pause
tv_preview() {
	v4l2-ctl -d "$TVP" --set-fmt-video=width=320,height=240,pixelformat=YUYV &&
		v4l2-ctl -d "$TVP" --stream-mmap=4 --stream-count=2 --stream-to=/tmp/tv.yuv || return 1
	y0=$(od -An -tu1 -j 0 -N2 /tmp/tv.yuv | tr -s ' ') y100=$(od -An -tu1 -j 200 -N2 /tmp/tv.yuv | tr -s ' ')
	say "preview: $(wc -c </tmp/tv.yuv) bytes; (0,0) Y' Cb $y0, (100,0) Y' Cb $y100"
	[ "$(wc -c </tmp/tv.yuv)" = $((2 * 320 * 240 * 2)) ] && [ "$y0" = " 16 128" ] && [ "$y100" = " 100 128" ]
}
plain check "its preview stream streams YUY2 320x240 (Y' = column)" tv_preview
plain check "rmmod the TV sample" rmmod strmini_tvcap
check "rmmod streamclass, the header checks and vivid" \
	sh -c "rmmod streamclass_strmini_test streamclass_strmini_api_test streamclass_strmini_ddk_test && rmmod streamclass && rmmod vivid"
# With device_srb_timeout_s=1, data SRBs carry a 1 s TimeoutCounter; the
# sample's frame timer leaves 8 of them waiting ~0.27 s each, so the layer's
# once-a-second count reaches 0 for some while the stream runs.
data_timeout() {
	insmod "$MODDIR/streamclass.ko" device_srb_timeout_s=1 &&
		insmod "$MODDIR/strmini_testcap.ko" || return 1
	d=$(node strmini_testcap.0)
	v4l2-ctl -d "$d" --set-fmt-video=width=320,height=240,pixelformat=YUYV &&
		v4l2-ctl -d "$d" --stream-mmap=8 --stream-count=90 --stream-to=/dev/null || return 1
	line=$(dmesg | grep 'TestCap: a data SRB waited 1 s (TimeoutOriginal): more time')
	rmmod strmini_testcap && rmmod streamclass || return 1
	echo "$line"
	test -n "$line"
}
plain check "data SRBs count TimeoutCounter down: with the class's SRB timeout at 1 s, one held past it reaches the sample's HwRequestTimeoutHandler, which gives it more time" \
	data_timeout
ktap_end
kunit_suites -
