// SPDX-License-Identifier: GPL-2.0
/*
 * Exports streamclass's C ABI (Rust `#[no_mangle] extern "C"` functions) and
 * its Rust API (the crate's `_R` symbols, listed by the build) in the
 * "STREAMCLASS" namespace: Rust has no EXPORT_SYMBOL_NS_GPL of its own. Also
 * holds the one C helper Rust lacks, a rate-limited warning, and checks that
 * the header's layout is the one Rust reads.
 */
#include <linux/build_bug.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/printk.h>
#include <linux/stddef.h>
#include <streamclass.h>

static_assert(offsetof(struct streamclass_init_data, buffer_alignment) == 16);
static_assert(offsetof(struct streamclass_init_data, dma_address_bits) == 22);
static_assert(sizeof(struct streamclass_init_data) == STREAMCLASS_INIT_DATA_SIZE_VER1);
static_assert(offsetof(struct streamclass_init_data, hw_receive_packet) == STREAMCLASS_INIT_DATA_SIZE_VER0);
static_assert(offsetof(struct streamclass_init_data, turn_off_synchronization) == 56);
static_assert(sizeof(struct streamclass_srb) == 64);
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
EXPORT_SYMBOL_NS_GPL(streamclass_unregister_minidriver, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_device_notification, "STREAMCLASS");
EXPORT_SYMBOL_NS_GPL(streamclass_call_at_new_priority, "STREAMCLASS");

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
