// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark of `make bench`, run at insmod on the non-debug bench kernel.
 * Prints a table and one "bench NAME VALUE" line per figure; ratios are
 * measured in this one run, each the median of BENCH_REPEAT rounds, with its
 * spread (the interquartile range, "bench NAME_iqr Q1-Q3"). A round times
 * the two sides interleaved, A B B A (the bare side, ours twice, the bare
 * side again), so that a drift of the machine's speed during the round
 * weighs on both alike:
 *
 * - get_dma_buffer vs. the bare exported call streamclass_nop(), with 1 and
 *   with 10,000 devices registered;
 * - register+unregister vs. kzalloc + dma_alloc_coherent + frees of the same
 *   sizes on the same device;
 *
 * It then keeps its 10,000 devices and offers the debugfs file
 * streamclass_bench/registered: writing 1 registers devices 1..9999 (64-byte
 * extension, no buffer), 0 unregisters them, so tests/scenarios/bench can count
 * the slab objects a registration costs from /proc/slabinfo around it.
 */
#include <linux/debugfs.h>
#include <linux/device/faux.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <streamclass.h>

#define BENCH_DEVICES	10000
#define BENCH_CALLS	400000
#define BENCH_CYCLES	150
#define BENCH_REPEAT	21
#define BENCH_EXT	64
#define BENCH_BUF	(4 * PAGE_SIZE)

static char *tag = "";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suffix of the figure names, e.g. _debugfs");

static struct faux_device **fdevs;
static void **handles;
static struct dentry *dir;
static DEFINE_MUTEX(lock);
static bool registered;

static const struct streamclass_init_data small = {
	.size = sizeof(small), .device_extension_size = BENCH_EXT,
};

/* Registers (or unregisters) devices 1..BENCH_DEVICES-1; under the lock. */
static int set_registered(bool on)
{
	int i;

	for (i = 1; i < BENCH_DEVICES; i++) {
		if (on && !handles[i]) {
			handles[i] = streamclass_register_device(&fdevs[i]->dev, &small);
			if (IS_ERR(handles[i])) {
				int ret = PTR_ERR(handles[i]);

				handles[i] = NULL;
				return ret;
			}
		} else if (!on && handles[i]) {
			streamclass_unregister_device(handles[i]);
			handles[i] = NULL;
		}
	}
	registered = on;
	return 0;
}

static int registered_get(void *data, u64 *val)
{
	*val = registered;
	return 0;
}

static int registered_set(void *data, u64 val)
{
	int ret;

	mutex_lock(&lock);
	ret = set_registered(val != 0);
	mutex_unlock(&lock);
	return ret;
}

DEFINE_DEBUGFS_ATTRIBUTE(registered_fops, registered_get, registered_set, "%llu\n");

static struct faux_device *new_faux(int i)
{
	char name[32];
	struct faux_device *f;

	snprintf(name, sizeof(name), "scbench-%d", i);
	f = faux_device_create(name, NULL, NULL);
	if (f)
		f->dev.dma_mask = &f->dev.coherent_dma_mask;
	return f;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* A figure measured in rounds: its median and quartiles, in thousandths. */
struct spread {
	u64 median, q1, q3;
};

/* Sorts @r (BENCH_REPEAT rounds) and returns its median and quartiles. */
static struct spread spread_of(u64 *r)
{
	sort(r, BENCH_REPEAT, sizeof(u64), cmp_u64, NULL);
	return (struct spread){
		.median = r[BENCH_REPEAT / 2],
		.q1 = r[BENCH_REPEAT / 4],
		.q3 = r[BENCH_REPEAT - 1 - BENCH_REPEAT / 4],
	};
}

/* ns for BENCH_CALLS calls of @f(@h). */
static u64 time_calls(void *(*volatile f)(void *), void *h)
{
	void *volatile sink;
	u64 t0 = ktime_get_ns();
	int i;

	for (i = 0; i < BENCH_CALLS; i++)
		sink = f(h);
	(void)sink;
	return ktime_get_ns() - t0;
}

/* The cost of get_dma_buffer against nop, 1000 x the ratio, over the rounds. */
static struct spread lookup_ratio(void *h)
{
	u64 r[BENCH_REPEAT], bare, ours;
	int k;

	for (k = 0; k < BENCH_REPEAT; k++) {
		bare = time_calls(streamclass_nop, h);
		ours = time_calls(streamclass_get_dma_buffer, h);
		ours += time_calls(streamclass_get_dma_buffer, h);
		bare += time_calls(streamclass_nop, h);
		r[k] = div64_u64(ours * 1000, max_t(u64, bare, 1));
	}
	return spread_of(r);
}

/* ns for BENCH_CYCLES cycles of the raw allocations (kzalloc, and a
 * coherent buffer when @buf_size). */
static u64 time_raw(struct faux_device *f, u32 buf_size)
{
	u64 t0 = ktime_get_ns();
	dma_addr_t dma;
	void *ext, *buf;
	int i;

	for (i = 0; i < BENCH_CYCLES; i++) {
		ext = kzalloc(BENCH_EXT, GFP_KERNEL);
		if (buf_size) {
			buf = dma_alloc_coherent(&f->dev, buf_size, &dma, GFP_KERNEL);
			if (buf)
				dma_free_coherent(&f->dev, buf_size, buf, dma);
		}
		kfree(ext);
	}
	return ktime_get_ns() - t0;
}

/* ns for BENCH_CYCLES cycles of register+unregister. */
static u64 time_register(struct faux_device *f, const struct streamclass_init_data *init)
{
	u64 t0 = ktime_get_ns();
	void *ext;
	int i;

	for (i = 0; i < BENCH_CYCLES; i++) {
		ext = streamclass_register_device(&f->dev, init);
		if (!IS_ERR(ext))
			streamclass_unregister_device(ext);
	}
	return ktime_get_ns() - t0;
}

/*
 * The cost of register+unregister against the raw allocations of the same
 * sizes (kzalloc, and dma_alloc_coherent when @buf_size), 1000 x the ratio,
 * over the rounds; *@ours and *@raw get the medians of their costs, in ns a
 * cycle.
 */
static struct spread register_ratio(struct faux_device *f, u32 buf_size, u64 *ours, u64 *raw)
{
	struct streamclass_init_data init = {
		.size = sizeof(init),
		.device_extension_size = BENCH_EXT,
		.dma_buffer_size = buf_size,
	};
	u64 r[BENCH_REPEAT], a[BENCH_REPEAT], b[BENCH_REPEAT], bare, mine;
	int k;

	for (k = 0; k < BENCH_REPEAT; k++) {
		bare = time_raw(f, buf_size);
		mine = time_register(f, &init);
		mine += time_register(f, &init);
		bare += time_raw(f, buf_size);
		r[k] = div64_u64(mine * 1000, max_t(u64, bare, 1));
		a[k] = div64_u64(mine, 2 * BENCH_CYCLES);
		b[k] = div64_u64(bare, 2 * BENCH_CYCLES);
	}
	*ours = spread_of(a).median;
	*raw = spread_of(b).median;
	return spread_of(r);
}

static void report(const char *name, const char *what, u64 milli, bool ratio)
{
	pr_info("bench | %-46s | %llu.%03llu%s\n", what, milli / 1000, milli % 1000, ratio ? "x" : "");
	pr_info("bench %s%s %llu.%03llu\n", name, tag, milli / 1000, milli % 1000);
}

/* A ratio with its spread: the table shows the interquartile range beside it. */
static void report_ratio(const char *name, const char *what, struct spread s)
{
	pr_info("bench | %-46s | %llu.%03llux (IQR %llu.%03llu-%llu.%03llu, %d rounds)\n", what,
		s.median / 1000, s.median % 1000, s.q1 / 1000, s.q1 % 1000, s.q3 / 1000, s.q3 % 1000,
		BENCH_REPEAT);
	pr_info("bench %s%s %llu.%03llu\n", name, tag, s.median / 1000, s.median % 1000);
	pr_info("bench %s%s_iqr %llu.%03llu-%llu.%03llu\n", name, tag, s.q1 / 1000, s.q1 % 1000,
		s.q3 / 1000, s.q3 % 1000);
}

static int __init bench_init(void)
{
	struct streamclass_init_data big = {
		.size = sizeof(big), .device_extension_size = BENCH_EXT, .dma_buffer_size = BENCH_BUF,
	};
	struct spread one, many, reg, nobuf;
	u64 ours_ns, raw_ns, ours0_ns, raw0_ns;
	int i, n = 0, ret = 0;

	fdevs = kvcalloc(BENCH_DEVICES, sizeof(*fdevs), GFP_KERNEL);
	handles = kvcalloc(BENCH_DEVICES, sizeof(*handles), GFP_KERNEL);
	if (!fdevs || !handles) {
		ret = -ENOMEM;
		goto out;
	}
	for (n = 0; n < BENCH_DEVICES; n++) {
		fdevs[n] = new_faux(n);
		if (!fdevs[n]) {
			ret = -ENOMEM;
			goto out;
		}
	}

	reg = register_ratio(fdevs[1], BENCH_BUF, &ours_ns, &raw_ns);
	nobuf = register_ratio(fdevs[1], 0, &ours0_ns, &raw0_ns);

	handles[0] = streamclass_register_device(&fdevs[0]->dev, &big);
	if (IS_ERR(handles[0])) {
		ret = PTR_ERR(handles[0]);
		handles[0] = NULL;
		goto out;
	}
	one = lookup_ratio(handles[0]);

	ret = set_registered(true);
	if (ret)
		goto out;
	many = lookup_ratio(handles[0]);
	set_registered(false);

	pr_info("bench | %-46s | %s\n", "figure", "value");
	report_ratio("get_dma_buffer_1dev_ratio", "get_dma_buffer / nop call, 1 device", one);
	report_ratio("get_dma_buffer_10000dev_ratio", "get_dma_buffer / nop call, 10,000 devices",
		     many);
	report_ratio("register_unregister_ratio", "register+unregister / kzalloc+dma_alloc+frees",
		     reg);
	report("register_unregister_ns", "  register+unregister, ns per cycle", ours_ns * 1000,
	       false);
	report("raw_alloc_free_ns", "  kzalloc+dma_alloc_coherent+frees, ns", raw_ns * 1000,
	       false);
	report_ratio("register_unregister_nobuf_ratio", "the same without a buffer / kzalloc+kfree",
		     nobuf);
	report("register_unregister_nobuf_ns", "  register+unregister, no buffer, ns",
	       ours0_ns * 1000, false);
	report("raw_kzalloc_kfree_ns", "  kzalloc+kfree, ns", raw0_ns * 1000, false);
	dir = debugfs_create_dir("streamclass_bench", NULL);
	debugfs_create_file("registered", 0600, dir, NULL, &registered_fops);
	return 0;
out:
	for (i = 0; handles && i < BENCH_DEVICES; i++)
		if (handles[i])
			streamclass_unregister_device(handles[i]);
	for (i = 0; fdevs && i < n; i++)
		faux_device_destroy(fdevs[i]);
	kvfree(handles);
	kvfree(fdevs);
	if (ret)
		pr_err("bench: failed: %d\n", ret);
	return ret;
}

static void __exit bench_exit(void)
{
	int i;

	debugfs_remove_recursive(dir);
	for (i = 0; i < BENCH_DEVICES; i++)
		if (handles[i])
			streamclass_unregister_device(handles[i]);
	for (i = 0; i < BENCH_DEVICES; i++)
		faux_device_destroy(fdevs[i]);
	kvfree(handles);
	kvfree(fdevs);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("Benchmark of streamclass");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("STREAMCLASS");
