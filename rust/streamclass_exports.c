// SPDX-License-Identifier: GPL-2.0
/*
 * Exports streamclass's C ABI (Rust `#[no_mangle] extern "C"` functions) and
 * its Rust API (the crate's `_R` symbols, listed by the build) in the
 * "STREAMCLASS" namespace: Rust has no EXPORT_SYMBOL_NS_GPL of its own. Also
 * holds the C helpers Rust lacks (a rate-limited warning, the fault points,
 * the per-request extension's mapping), and checks that the header's layout
 * is the one Rust reads.
 */
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/dma-mapping.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <streamclass.h>

static_assert(offsetof(struct streamclass_init_data, buffer_alignment) == 16);
static_assert(offsetof(struct streamclass_init_data, dma_address_bits) == 22);
static_assert(sizeof(struct streamclass_init_data) == STREAMCLASS_INIT_DATA_SIZE_VER2);
static_assert(offsetof(struct streamclass_init_data, per_stream_extension_size) ==
	      STREAMCLASS_INIT_DATA_SIZE_VER1);
static_assert(offsetof(struct streamclass_init_data, hw_receive_packet) == STREAMCLASS_INIT_DATA_SIZE_VER0);
static_assert(offsetof(struct streamclass_init_data, turn_off_synchronization) == 56);
static_assert(sizeof(struct streamclass_srb) == 96);
static_assert(offsetof(struct streamclass_srb, scatter_gather_buffer) == 80);
static_assert(sizeof(struct streamclass_sg_element) == 16);
static_assert(offsetof(struct streamclass_stream_header, picture_number) == 40);
static_assert(sizeof(struct streamclass_stream_header) == 56);
static_assert(offsetof(struct streamclass_data_intersection, result) == 32);
static_assert(sizeof(struct streamclass_data_intersection) == 60);
static_assert(offsetof(struct streamclass_srb, stream_object) == 64);
static_assert(sizeof(struct streamclass_stream_object) == 40);
static_assert(offsetof(struct streamclass_srb, command_data) == 32);
static_assert(offsetof(struct streamclass_srb, timeout_original) == 56);
static_assert(sizeof(struct streamclass_access_range) == 32);
static_assert(offsetof(struct streamclass_port_config, access_ranges) == 40);
static_assert(sizeof(struct streamclass_port_config) == 40 + 6 * 32);

EXPORT_SYMBOL_NS_GPL(streamclass_check_init_data, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_register_device, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_unregister_device, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_get_dma_buffer, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_get_physical_address, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_nop, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(__streamclass_register_minidriver, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(__streamclass_register_virtual_minidriver, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_unregister_minidriver, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_device_notification, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_stream_notification, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_call_at_new_priority, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_schedule_timer, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_query_master_clock_sync, "STREAMCLASS");

#define EXPORT_SYMBOL_RUST_GPL(sym) extern int sym; EXPORT_SYMBOL_NS_GPL(sym, "STREAMCLASS")
#include "streamclass_rust_exports.h"

/* Called by the Rust side when a caller passes a handle or SRB that is not live. */
void streamclass_warn_bad_handle(const char *func, const void *handle);
void streamclass_warn_bad_handle(const char *func, const void *handle)
{
	pr_warn_ratelimited("streamclass: %s: %p is not live\n",
			    func, handle);
}

/*
 * A request's per-request extension (SRBExtension): @len zeroed bytes, and
 * for a device (@dev not NULL) mapped for it at *@bus for the request's
 * life. The memory is taken where the device reaches it itself, with no
 * bounce buffer between, so the CPU and the device share it with no sync
 * calls, as on Windows: first anywhere, then, for a narrow DMA mask without
 * an IOMMU, from ZONE_DMA. Power-of-two sizes of at least a cache line:
 * kmalloc aligns them naturally, so no other object shares a cache line
 * with the mapping. NULL when neither works.
 */
static size_t streamclass_ext_size(size_t len)
{
	return roundup_pow_of_two(max_t(size_t, len, L1_CACHE_BYTES));
}

/*
 * Whether the device reaches @cpu itself at @bus: through a translating
 * IOMMU, @bus must translate to @cpu's own page (not a bounce slot);
 * without one, the mapping must need no sync (no swiotlb slot, a coherent
 * device).
 */
static bool streamclass_ext_direct(struct device *dev, void *cpu, dma_addr_t bus)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING))
		return iommu_iova_to_phys(dom, bus) == virt_to_phys(cpu);
	return !dma_need_sync(dev, bus);
}

/*
 * Whether @size bytes at @cpu lie within what @dev addresses without a
 * translating IOMMU (its DMA mask and bus limit; platforms whose bus
 * addresses are offset from physical ones are not considered). Memory
 * beyond is never mapped: where no bounce buffers exist, dma-direct refuses
 * such a mapping with a warning, not quietly.
 */
static bool streamclass_ext_reachable(struct device *dev, void *cpu, size_t size)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING))
		return true;
	return virt_to_phys(cpu) + size - 1 <= min_not_zero(dma_get_mask(dev), dev->bus_dma_limit);
}

void *streamclass_ext_alloc(struct device *dev, size_t len, dma_addr_t *bus);
void *streamclass_ext_alloc(struct device *dev, size_t len, dma_addr_t *bus)
{
	static const gfp_t zones[] = { GFP_KERNEL, GFP_KERNEL | GFP_DMA };
	size_t size = streamclass_ext_size(len);
	unsigned int i;
	void *cpu;

	if (!dev)
		return kzalloc(size, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(zones); i++) {
		cpu = kzalloc(size, zones[i] | __GFP_NOWARN);
		if (!cpu)
			continue;
		if (!streamclass_ext_reachable(dev, cpu, size)) {
			kfree(cpu);
			continue;
		}
		*bus = dma_map_single(dev, cpu, size, DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, *bus)) {
			kfree(cpu);
			continue;
		}
		if (*bus && streamclass_ext_direct(dev, cpu, *bus))
			return cpu;
		dma_unmap_single(dev, *bus, size, DMA_BIDIRECTIONAL);
		kfree(cpu);
	}
	return NULL;
}

/*
 * Which videobuf2 allocator a device's stream buffers come from
 * (rust/buffers.rs): 1 for contiguous, when the device sits behind no
 * translating IOMMU and its DMA mask does not reach all of memory (pages
 * above it would be bounced); 0 for scatter/gather otherwise.
 */
int streamclass_contig_buffers(struct device *dev);
int streamclass_contig_buffers(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING))
		return 0;
	return dma_addressing_limited(dev);
}

void streamclass_ext_unmap(struct device *dev, size_t len, dma_addr_t bus);
void streamclass_ext_unmap(struct device *dev, size_t len, dma_addr_t bus)
{
	dma_unmap_single(dev, bus, streamclass_ext_size(len), DMA_BIDIRECTIONAL);
}

void streamclass_ext_free(void *cpu);
void streamclass_ext_free(void *cpu)
{
	kfree(cpu);
}

/*
 * Whether a minidriver's device still answers at removal: 0, or -ENODEV when
 * it is gone (hot-unplugged, or marked disconnected by AER/DPC/pciehp, or its
 * config space reads all ones): then the class sends SRB_SURPRISE_REMOVAL.
 * Error injection may make it fail (fail_function), which is how the tests
 * take a device away.
 */
noinline int streamclass_device_present(struct pci_dev *pdev);
noinline int streamclass_device_present(struct pci_dev *pdev)
{
	if (pci_dev_is_disconnected(pdev) || !pci_device_is_present(pdev))
		return -ENODEV;
	return 0;
}
ALLOW_ERROR_INJECTION(streamclass_device_present, ERRNO);

/*
 * A fault point before each step of a minidriver device's probe (enable,
 * registration, BARs, IRQ vectors, requests, SRB_INITIALIZE_DEVICE, the IRQ,
 * debugfs): 0. Error injection (fail_function, with "space" to pick the
 * step) makes a step fail as if it had, which is how the tests check that
 * every failing step unbinds cleanly. A call that returns 0 costs nothing.
 */
noinline int streamclass_probe_fault(unsigned int step);
noinline int streamclass_probe_fault(unsigned int step)
{
	return 0;
}
ALLOW_ERROR_INJECTION(streamclass_probe_fault, ERRNO);

/*
 * A minidriver whose module unloads without unregistering is unregistered by
 * the class once the module's exit has run (MODULE_STATE_GOING), while its
 * callbacks are still in memory.
 */
void streamclass_module_going(struct module *owner);

static int streamclass_module_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == MODULE_STATE_GOING)
		streamclass_module_going(data);
	return NOTIFY_OK;
}

static struct notifier_block streamclass_module_nb = {
	.notifier_call = streamclass_module_notify,
};

int streamclass_shim_init(void);
int streamclass_shim_init(void)
{
	return register_module_notifier(&streamclass_module_nb);
}

void streamclass_shim_exit(void);
void streamclass_shim_exit(void)
{
	unregister_module_notifier(&streamclass_module_nb);
}
