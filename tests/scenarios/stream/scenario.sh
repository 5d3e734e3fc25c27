# In-guest scenario of the V4L2 face (sourced by /init): the C edu sample's
# capture stream on two edu devices as /dev/videoN, used by trixie's
# v4l2-ctl and v4l2-compliance 1.30.1: frames made by edu's DMA straight
# into the user's buffers, checked byte for byte against the pattern the
# sample promises; both formats; two devices at once; STREAMON/STREAMOFF
# in a loop; bad formats; unbind while streaming.

cdrv=/sys/bus/pci/drivers/streamclass_edu_capture_c
set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && echo "${d##*/}"
done)
a=$1 b=${2:-none}

# node PCI: the /dev node of the video4linux device whose parent is PCI
# (never by number: the numbers depend on the probe order).
node() {
	for n in /sys/class/video4linux/*; do
		[ "$(readlink "$n/device")" != "" ] || continue
		[ "$(basename "$(readlink "$n/device")")" = "$1" ] && echo "/dev/${n##*/}" && return 0
	done
	return 1
}
# vid NAME: the /dev node of the video4linux device named NAME.
vid() {
	for n in /sys/class/video4linux/*; do
		[ "$(cat "$n/name")" = "$1" ] && echo "/dev/${n##*/}" && return 0
	done
	return 1
}

# pattern FILE SIZE N: FILE holds N frames of SIZE bytes, frame k being
# picture k of the sample's pattern: byte i is, with j = i % 4096, the
# picture number's byte j (little endian) for j < 8, else
# (k * 31 + j * 7 + j / 256) % 256.
pattern() {
	got=$(wc -c <"$1")
	test "$got" -eq $(($2 * $3)) || { echo "$got bytes, $3 frames of $2 expected"; return 1; }
	od -An -v -tu1 "$1" | awk -v size="$2" '
	{
		for (f = 1; f <= NF; f++) {
			k = int(idx / size); j = (idx % size) % 4096
			if (j >= 8) want = (k * 31 + j * 7 + int(j / 256)) % 256
			else if (j == 0) want = k % 256
			else if (j == 1) want = int(k / 256) % 256
			else want = 0
			if ($f != want) {
				printf "frame %d byte %d: %d, %d expected\n", k, idx % size, $f, want
				if (++bad >= 5) exit 1
			}
			idx++
		}
	}
	END { if (bad) exit 1; printf "%d bytes checked\n", idx }'
}

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

ktap_suite streamclass_v4l2_capture 13
check "two edu devices present" test "$b" != none
check "insmod streamclass and the C sample: both devices bound" sh -c \
	"insmod $MODDIR/streamclass.ko && insmod $MODDIR/streamclass_edu_capture_c.ko &&
	 test -e $cdrv/$a && test -e $cdrv/$b"
A=$(node "$a") B=$(node "$b")
check "each device's capture stream is a video4linux node ($A, $B)" \
	sh -c "test -c '$A' && test -c '$B' && test '$A' != '$B'"
querycap() {
	out=$(v4l2-ctl -d "$A" --info) || return 1
	echo "$out"
	echo "$out" | grep -q 'Driver name *: streamclass$' &&
		echo "$out" | grep -q 'Card type *: streamclass_edu_capture_c edu$' &&
		echo "$out" | grep -q "Bus info *: PCI:$a$"
}
check "QUERYCAP names the class, the minidriver and stream, and the PCI device" querycap
check "64x64 GREY (one 4 KiB DMA a frame): 8 frames by mmap, byte for byte" capture "$A" 8 64 64
check "128x64 GREY (several DMAs a frame): 8 frames by mmap, byte for byte" capture "$A" 8 128 64
both() {
	capture "$A" 20 64 64 >/tmp/both.a 2>&1 &
	pa=$!
	capture "$B" 20 128 64 >/tmp/both.b 2>&1 || { cat /tmp/both.b; return 1; }
	wait "$pa" || { cat /tmp/both.a; return 1; }
}
check "two devices stream at once, 20 frames each, byte for byte" both
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
check "absurd and overflowing sizes and unknown formats get a described format" bad_fmt
onoff() {
	i=0
	while [ $i -lt "$1" ]; do
		v4l2-ctl -d "$A" --stream-mmap=2 --stream-count=1 >/dev/null 2>&1 || { echo "round $i failed"; return 1; }
		i=$((i + 1))
	done
	capture "$A" 3 64 64
}
check "STREAMON, a frame, STREAMOFF 100 times; then it still streams" onoff 100
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 >/dev/null 2>&1
compliance() {
	out=$(v4l2-compliance -d "$1" -s10 -e "$2" 2>&1)
	total=$(echo "$out" | grep '^Total for ')
	say "v4l2-compliance $(v4l2-compliance --version 2>&1 | head -n 1 | cut -d, -f1) on $1: $total"
	echo "$out" | grep -i 'warn' | head -n 20 | while IFS= read -r l; do say "  $l"; done
	echo "$total" | grep -q ', Failed: 0, ' && return 0
	echo "$out" | grep -B3 -i 'fail' | head -n 80
	echo "$out" | tail -n 5
	return 1
}
check "v4l2-compliance -s10 -e (vivid exports): no failure" compliance "$A" "$(vid vivid-000-vid-cap)"
unplugged() {
	v4l2-ctl -d "$B" --stream-mmap=4 --stream-count=100000 >/tmp/unbind.out 2>&1 &
	pid=$!
	sleep 3
	kill -0 "$pid" 2>/dev/null || { echo "not streaming"; cat /tmp/unbind.out; return 1; }
	echo "$b" >"$cdrv/unbind" || return 1
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1))
		[ $n -le 300 ] || { echo "v4l2-ctl still running 30 s after unbind"; kill "$pid"; return 1; }
		sleep 0.1
	done
	rc=0
	wait "$pid" || rc=$?
	say "the streaming reader at unbind: exit status $rc, last words: $(tail -n 3 /tmp/unbind.out | tr '\n' ' ')"
	tail -n 5 /tmp/unbind.out
	# v4l2-ctl reports the failed DQBUF, then exits 0.
	grep -q 'VIDIOC_DQBUF: failed: Input/output error' /tmp/unbind.out || return 1
	! test -e "$B"
}
check "unbind while streaming: the reader gets an error, the node goes" unplugged
check "rmmod the sample, then streamclass" sh -c "rmmod streamclass_edu_capture_c && rmmod streamclass"
check "rmmod vivid" rmmod vivid
ktap_end
