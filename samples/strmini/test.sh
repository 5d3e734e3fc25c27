# The test a porter writes for `make check-external EXT=this/folder`:
# sourced in the guest once streamclass.ko is loaded, with every module in
# $MODDIR and the KTAP helpers of scripts/guest/ktap.sh.
ktap_suite strmini_testcap_external 4
check "insmod strmini_testcap: DriverEntry registers, the virtual device binds" \
	sh -c "insmod $MODDIR/strmini_testcap.ko && test -e /sys/bus/platform/drivers/strmini_testcap/strmini_testcap.0"
dev=
for n in /sys/class/video4linux/*; do
	[ "$(basename "$(readlink "$n/device")")" = strmini_testcap.0 ] && dev=/dev/${n##*/}
done
check "its capture stream is a video4linux node ($dev)" test -c "$dev"
frames() {
	v4l2-ctl -d "$dev" --set-fmt-video=width=640,height=480,pixelformat=YUYV &&
		v4l2-ctl -d "$dev" --stream-mmap=4 --stream-count=30 --stream-to=/tmp/f.yuv || return 1
	size=$(wc -c </tmp/f.yuv)
	say "30 frames, $size bytes"
	test "$size" = $((30 * 640 * 480 * 2))
}
check "v4l2-ctl captures 30 YUY2 640x480 frames" frames
check "rmmod strmini_testcap" rmmod strmini_testcap
ktap_end
