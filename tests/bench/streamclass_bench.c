// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark of `make bench`, run at insmod on the non-debug bench kernel.
 * Prints a table and one "bench NAME VALUE" line per figure; ratios are
 * measured in this one run, each the median of BENCH_REPEAT measurements:
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
#define BENCH_CALLS	200000
#define BENCH_CYCLES	300
#define BENCH_REPEAT	9
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

/* Returns 1000 x the median ratio of the cost of get_dma_buffer to nop. */
static u64 lookup_ratio(void *h)
{
	void *(*volatile get)(void *) = streamclass_get_dma_buffer;
	void *(*volatile base)(void *) = streamclass_nop;
	u64 r[BENCH_REPEAT], t0, t1, t2;
	void *volatile sink;
	int i, k;

	for (k = 0; k < BENCH_REPEAT; k++) {
		t0 = ktime_get_ns();
		for (i = 0; i < BENCH_CALLS; i++)
			sink = base(h);
		t1 = ktime_get_ns();
		for (i = 0; i < BENCH_CALLS; i++)
			sink = get(h);
		t2 = ktime_get_ns();
		r[k] = div64_u64((t2 - t1) * 1000, max_t(u64, t1 - t0, 1));
	}
	(void)sink;
	sort(r, BENCH_REPEAT, sizeof(u64), cmp_u64, NULL);
	return r[BENCH_REPEAT / 2];
}

/*
 * Returns 1000 x the median ratio of register+unregister to the raw
 * allocations of the same sizes (kzalloc, and dma_alloc_coherent when @buf);
 * *@ours and *@raw get the medians of their costs, in ns per cycle.
 */
static u64 register_ratio(struct faux_device *f, u32 buf_size, u64 *ours, u64 *raw)
{
	struct streamclass_init_data init = {
		.size = sizeof(init),
		.device_extension_size = BENCH_EXT,
		.dma_buffer_size = buf_size,
	};
	u64 r[BENCH_REPEAT], a[BENCH_REPEAT], b[BENCH_REPEAT], t0, t1, t2;
	dma_addr_t dma;
	void *ext, *buf;
	int i, k;

	for (k = 0; k < BENCH_REPEAT; k++) {
		t0 = ktime_get_ns();
		for (i = 0; i < BENCH_CYCLES; i++) {
			ext = kzalloc(BENCH_EXT, GFP_KERNEL);
			if (buf_size) {
				buf = dma_alloc_coherent(&f->dev, buf_size, &dma, GFP_KERNEL);
				if (buf)
					dma_free_coherent(&f->dev, buf_size, buf, dma);
			}
			kfree(ext);
		}
		t1 = ktime_get_ns();
		for (i = 0; i < BENCH_CYCLES; i++) {
			ext = streamclass_register_device(&f->dev, &init);
			if (!IS_ERR(ext))
				streamclass_unregister_device(ext);
		}
		t2 = ktime_get_ns();
		r[k] = div64_u64((t2 - t1) * 1000, max_t(u64, t1 - t0, 1));
		a[k] = div64_u64(t2 - t1, BENCH_CYCLES);
		b[k] = div64_u64(t1 - t0, BENCH_CYCLES);
	}
	sort(r, BENCH_REPEAT, sizeof(u64), cmp_u64, NULL);
	sort(a, BENCH_REPEAT, sizeof(u64), cmp_u64, NULL);
	sort(b, BENCH_REPEAT, sizeof(u64), cmp_u64, NULL);
	*ours = a[BENCH_REPEAT / 2];
	*raw = b[BENCH_REPEAT / 2];
	return r[BENCH_REPEAT / 2];
}

static void report(const char *name, const char *what, u64 milli, bool ratio)
{
	pr_info("bench | %-46s | %llu.%03llu%s\n", what, milli / 1000, milli % 1000, ratio ? "x" : "");
	pr_info("bench %s%s %llu.%03llu\n", name, tag, milli / 1000, milli % 1000);
}

static int __init bench_init(void)
{
	struct streamclass_init_data big = {
		.size = sizeof(big), .device_extension_size = BENCH_EXT, .dma_buffer_size = BENCH_BUF,
	};
	u64 one, many, reg, nobuf, ours_ns, raw_ns, ours0_ns, raw0_ns;
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
	report("get_dma_buffer_1dev_ratio", "get_dma_buffer / nop call, 1 device", one, true);
	report("get_dma_buffer_10000dev_ratio", "get_dma_buffer / nop call, 10,000 devices", many,
	       true);
	report("register_unregister_ratio", "register+unregister / kzalloc+dma_alloc+frees", reg,
	       true);
	report("register_unregister_ns", "  register+unregister, ns per cycle", ours_ns * 1000,
	       false);
	report("raw_alloc_free_ns", "  kzalloc+dma_alloc_coherent+frees, ns", raw_ns * 1000,
	       false);
	report("register_unregister_nobuf_ratio", "the same without a buffer / kzalloc+kfree",
	       nobuf, true);
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
