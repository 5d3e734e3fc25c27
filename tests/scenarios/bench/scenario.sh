# In-guest scenario of `make bench` (sourced by /init): the benchmark module
# measures its ratios at insmod, once with streamclass's debugfs entries off and
# once on; each time, the slab objects of 9,999 registrations (64-byte
# extension, no buffer) are then counted from /proc/slabinfo.

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
