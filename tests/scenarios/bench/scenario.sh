# In-guest scenario of `make bench` (sourced by /init): the benchmark module
# measures its ratios at insmod, once with streamclass's debugfs entries off and
# once on; each time, the slab objects of 9,999 registrations (64-byte
# extension, no buffer) are then counted from /proc/slabinfo. Then the
# streaming benchmark (below).

# slab_bytes: bytes of live slab objects, a kmalloc object counted at its
# size class (kmalloc-192: 192), any other at its slab size.
slab_bytes() {
	awk 'NR > 2 { n = $1; sub(/^kmalloc-(rcl-|cg-|dma-)?/, "", n);
		sz = (n ~ /^[0-9]+k?$/) ? (n ~ /k$/ ? n * 1024 : n) : $4; b += $2 * sz }
		END { printf "%d\n", b }' /proc/slabinfo
}

bench_round() { # $1: debugfs=0|1, $2: figure suffix
	insmod "$MODDIR/streamclass.ko" debugfs="$1"
	insmod "$MODDIR/streamclass_bench.ko" tag="$2"
	f=/sys/kernel/debug/streamclass_bench/registered
	idx=/sys/kernel/debug/streamclass/index_bytes
	before=$(slab_bytes) ibefore=$(cat $idx)
	echo 1 >"$f"
	after=$(slab_bytes) iafter=$(cat $idx)
	echo 0 >"$f"
	# Per device: the slab objects and the registry index's growth (its
	# vector is one large allocation, not slab: it shows its own size), less
	# the 64-byte extension.
	per=$(((after - before + iafter - ibefore) / 9999 - 64))
	ktap "bench | bytes per device beyond a 64-byte extension   | $per"
	ktap "bench bookkeeping_bytes$2 $per"
	rmmod streamclass_bench
	rmmod streamclass
}

bench_round 0 ""
bench_round 1 _debugfs

# The streaming benchmark: frames a second through V4L2 (MMAP, YUYV
# 320x240, 4 buffers, tests/v4l2/stream_rate) from the class's null
# minidriver (each SRB_READ_DATA completed at once through the
# notification) against a bare videobuf2 node that completes each buffer
# in buf_queue (tests/bench/streamclass_bench_vb2.c). After one warm-up of
# each, ROUNDS rounds, each interleaved bare, null, null, bare (a drift of
# the machine's speed weighs on both alike); a round's ratio is its null
# frames a second over its bare ones. Printed: the median ratio with its
# interquartile range, the medians of the frame rates, and the class's CPU
# time a frame (the difference of the medians of the streaming process's
# CPU time a frame).
FRAMES=100000 ROUNDS=15
# vid, node (tests/v4l2/v4l2.sh).
. /lib/v4l2.sh
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# quartiles: "Q1 MEDIAN Q3" of the numbers read, one a line.
quartiles() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int(NR / 4) + 1], v[int((NR + 1) / 2)], v[NR - int(NR / 4)] }'
}
insmod "$MODDIR/streamclass.ko"
insmod "$MODDIR/streamclass_bench_null.ko"
insmod "$MODDIR/streamclass_bench_vb2.ko"
null=$(vid "streamclass_bench_null null") bare=$(vid bench-vb2)
if [ -n "$null" ] && [ -n "$bare" ]; then
	: >/tmp/null.txt
	: >/tmp/bare.txt
	: >/tmp/ratio.txt
	# A warm-up of each, not counted: the first rounds under TCG run slower
	# while QEMU translates the paths' code.
	stream_rate "$bare" $FRAMES >/dev/null
	stream_rate "$null" $FRAMES >/dev/null
	r=0
	while [ $r -lt $ROUNDS ]; do
		b1=$(stream_rate "$bare" $FRAMES) n1=$(stream_rate "$null" $FRAMES)
		n2=$(stream_rate "$null" $FRAMES) b2=$(stream_rate "$bare" $FRAMES)
		printf '%s\n%s\n' "$b1" "$b2" >>/tmp/bare.txt
		printf '%s\n%s\n' "$n1" "$n2" >>/tmp/null.txt
		echo "${b1%% *} ${n1%% *} ${n2%% *} ${b2%% *}" |
			awk '{ printf "%.4f\n", ($2 + $3) / ($1 + $4) }' >>/tmp/ratio.txt
		r=$((r + 1))
	done
	bfps=$(cut -d' ' -f1 /tmp/bare.txt | median) nfps=$(cut -d' ' -f1 /tmp/null.txt | median)
	bcpu=$(cut -d' ' -f2 /tmp/bare.txt | median) ncpu=$(cut -d' ' -f2 /tmp/null.txt | median)
	say "stream rounds (fps cpu_ns), bare: $(tr '\n' ',' </tmp/bare.txt) null minidriver: $(tr '\n' ',' </tmp/null.txt)"
	set -- $(quartiles </tmp/ratio.txt)
	q1=$(printf '%.3f' "$1") ratio=$(printf '%.3f' "$2") q3=$(printf '%.3f' "$3")
	ns=$((ncpu - bcpu))
	ktap "bench | frames/s, bare videobuf2 node (median)        | $bfps"
	ktap "bench | frames/s, null minidriver through the class | $nfps"
	ktap "bench | stream_fps_ratio (class / bare, goal >= 0.95) | $ratio (IQR $q1-$q3, $ROUNDS rounds)"
	ktap "bench | class CPU ns a frame (null - bare)            | $ns"
	ktap "bench stream_fps_ratio $ratio"
	ktap "bench stream_fps_ratio_iqr $q1-$q3"
	ktap "bench stream_class_ns_per_frame $ns"
else
	say "stream bench: nodes not found (null '$null', bare '$bare')"
fi
rmmod streamclass_bench_vb2
rmmod streamclass_bench_null

# The edu sample: the frames a second its V4L2 stream reaches (64x64 GREY:
# one frame is two edu DMAs of 4 KiB, into edu's buffer and out into the
# user's) against the device's own DMA time, measured through the class's
# device-level capture (debugfs: each frame two edu DMAs as well).
insmod "$MODDIR/streamclass_edu_capture.ko"
edu=
for d in /sys/kernel/debug/streamclass/streamclass_edu_capture/*/; do
	[ -e "$d/capture" ] && edu=${d%/}
done
if [ -n "$edu" ]; then
	cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
	t0=$(cs)
	echo 10 >"$edu/capture"
	t1=$(cs)
	dma_ms=$(awk -v c=$((t1 - t0)) 'BEGIN { printf "%.1f", c * 10 / 20 }')
	fps=$(stream_rate "$(node "${edu##*/}")" 20 GREY 64 64 | cut -d' ' -f1)
	bound=$(awk -v d="$dma_ms" 'BEGIN { printf "%.2f", 1000 / (2 * d) }')
	ratio=$(awk -v f="$fps" -v b="$bound" 'BEGIN { printf "%.2f", f / b }')
	ktap "bench | edu: device DMA time, ms (20 DMAs timed)      | $dma_ms"
	ktap "bench | edu: frames/s the device allows (2 DMAs each) | $bound"
	ktap "bench | edu: frames/s streamed, 64x64 GREY            | $fps"
	ktap "bench edu_dma_ms $dma_ms"
	ktap "bench edu_stream_fps $fps"
	ktap "bench edu_stream_to_device_ratio $ratio"
else
	say "edu bench: no edu device bound"
fi
rmmod streamclass_edu_capture
rmmod streamclass
