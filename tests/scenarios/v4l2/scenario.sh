# In-guest scenario of the V4L2 face's reference (sourced by /init): the
# kernel's own vivid driver, loaded as a module with two video capture
# devices, judged by trixie's v4l2-compliance 1.30.1 with streaming and
# DMABUF (the second vivid device exports the buffers), and streamed by
# v4l2-ctl. The streamclass nodes are judged the same way, beside it, in
# tests/scenarios/stream.

# vid (tests/v4l2/v4l2.sh).
. /lib/v4l2.sh

ktap_suite streamclass_v4l2_reference 4

loaded() { modprobe vivid n_devs=2 node_types=0x1,0x1 num_inputs=1,1 && vid vivid-000-vid-cap && vid vivid-001-vid-cap; }
check "modprobe vivid: two video capture nodes (one webcam input each)" loaded

# compliance DEV EXPORTER: v4l2-compliance with 10 streamed buffers and
# DMABUF. Its totals line goes to the log; when it fails, its failing tests
# with the lines before them, then its end. One failure is known and
# allowed, in vivid's own private-control test only: 1.30.1 checks vivid's
# pixel-array control against a layout 7.3's vivid no longer has (the
# tool: "qextctrl.dims[0] != roundup(fmt.g_width(), PIXEL_ARRAY_DIV)" at
# v4l2-test-input-output.cpp(469), then "vivid pixel array control test
# failed" at (551), failing VIDIOC_G/S/ENUMINPUT; 7.3's vivid sets the
# first dimension from the height, divided). Any other failure, or more
# than that one, fails the check.
compliance() {
	out=$(v4l2-compliance -d "$1" -s10 -e "$2" 2>&1)
	total=$(echo "$out" | grep '^Total for ')
	say "v4l2-compliance $(v4l2-compliance --version 2>&1 | head -n 1 | cut -d, -f1): $total"
	other=$(echo "$out" | grep 'fail:' |
		grep -v -e 'v4l2-test-input-output.cpp(469): qextctrl.dims\[0\] != roundup(fmt.g_width(), PIXEL_ARRAY_DIV)$' \
			-e 'v4l2-test-input-output.cpp(551): vivid pixel array control test failed$')
	failed=$(echo "$total" | sed -n 's/.*, Failed: \([0-9]*\),.*/\1/p')
	[ -n "$total" ] && [ -z "$other" ] && [ "${failed:-x}" -le 1 ] && return 0
	echo "$out" | grep -B3 -i 'fail' | head -n 60
	echo "$out" | tail -n 5
	return 1
}
check "v4l2-compliance -s10 -e on vivid: no failure but the known vivid-only pixel-array one" \
	compliance "$(vid vivid-000-vid-cap)" "$(vid vivid-001-vid-cap)"

# streams N: v4l2-ctl captures N frames by mmap into a file of N frames.
streams() {
	dev=$(vid vivid-000-vid-cap)
	size=$(v4l2-ctl -d "$dev" --get-fmt-video | sed -n 's/.*Size Image *: *//p')
	v4l2-ctl -d "$dev" --stream-mmap=3 --stream-count="$1" --stream-to=/tmp/frames || return 1
	got=$(wc -c </tmp/frames)
	rm -f /tmp/frames
	test "$got" -eq $(($1 * size)) || { echo "$got bytes, $1 frames of $size expected"; return 1; }
}
check "v4l2-ctl streams 5 frames by mmap, each of the format's image size" streams 5

check "rmmod vivid" rmmod vivid
ktap_end
