# In-guest scenario of `make demo` (sourced by /init): load streamclass and the
# Rust edu capture sample, show what the class set up for the device, stream
# frames through the device's /dev/videoN with v4l2-ctl (each made by edu's
# DMA straight into the mmap'd buffer), check them byte for byte, and send
# them out on the second serial line (ttyS1) for scripts/demo.sh to turn
# into image files; then the same for the software capture sample's colour
# bars.
frames=8 width=128 height=64
. /lib/edu_pattern.sh
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] &&
		say "demo: found QEMU edu (1234:11e8) at ${d##*/}"
done
# The KUnit summaries of the modules it loads are part of the show.
kunit_suites '*'
insmod "$MODDIR/streamclass.ko"
insmod "$MODDIR/streamclass_edu_capture.ko"
for d in /sys/kernel/debug/streamclass/streamclass_edu_capture/*/; do
	[ -d "$d" ] || continue
	dev=${d%/}
	dev=${dev##*/}
	r=/sys/kernel/debug/streamclass/$dev
	say "demo: $dev bound by streamclass for the sample: DMA buffer" \
		"$(cat "$r/dma_buffer_size") bytes at bus address $(cat "$r/dma_address")," \
		"DMA mask $(cat "$r/dma_mask"), $(sed -n 's/^streams //p' "$d/stats") stream," \
		"$(sed -n 's/^buffers //p' "$d/stats") buffers"
	node=
	for n in /sys/bus/pci/devices/"$dev"/video4linux/*; do
		[ -e "$n" ] && node=/dev/${n##*/}
	done
	[ -n "$node" ] || { say "demo: no V4L2 node for $dev"; continue; }
	say "demo: $node is '$(cat /sys/class/video4linux/"${node#/dev/}"/name)'; streaming $frames frames of" \
		"${width}x$height GREY with v4l2-ctl (mmap)"
	v4l2-ctl -d "$node" --set-fmt-video=width=$width,height=$height,pixelformat=GREY &&
		v4l2-ctl -d "$node" --stream-mmap=4 --stream-count=$frames --stream-to=/tmp/frames \
			>/tmp/v4l2-ctl.out 2>&1 ||
		say "demo: v4l2-ctl failed: $(tail -n 2 /tmp/v4l2-ctl.out)"
	checked=$(pattern /tmp/frames $((width * height)) $frames)
	say "demo: checked against the sample's pattern: $checked"
	verified=${checked%% *}
	# The frames, raw, on ttyS1: the host cuts them into image files.
	stty -F /dev/ttyS1 raw -echo && cat /tmp/frames >/dev/ttyS1 &&
		say "demo: out on ttyS1: $(wc -c </tmp/frames) bytes, $frames frames of ${width}x$height"
	say "demo: $frames frames streamed to userspace by device DMA, ${verified:-0} verified"
done
rmmod streamclass_edu_capture
# The software capture sample on a virtual device: one frame of colour bars
# in each pixel format, checked by value in the guest (testcap_check), out
# on ttyS1 after the edu frames for the host to turn into PNG pictures.
insmod "$MODDIR/streamclass_testcap.ko"
tnode=
for n in /sys/class/video4linux/*; do
	[ "$(basename "$(readlink "$n/device")")" = streamclass_testcap.0 ] && tnode=/dev/${n##*/}
done
say "demo: $tnode is '$(cat /sys/class/video4linux/"${tnode#/dev/}"/name)' on the virtual device streamclass_testcap.0"
for f in YUYV RGB3; do
	testcap_check "$tnode" $f 320 240 30 15 /tmp/tc.$f >/tmp/tc.out 2>&1 ||
		say "demo: testcap_check failed: $(tail -n 2 /tmp/tc.out)"
	say "demo: testcap: $(tail -n 1 /tmp/tc.out)"
	[ -s /tmp/tc.$f ] && stty -F /dev/ttyS1 raw -echo && cat /tmp/tc.$f >/dev/ttyS1 &&
		say "demo: testcap out on ttyS1: $(wc -c </tmp/tc.$f) bytes, $f 320x240"
done
rmmod streamclass_testcap
rmmod streamclass
say "demo: unloaded; streamclass freed everything it allocated (kmemleak and DMA-API debug check next)"
