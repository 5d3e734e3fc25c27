// SPDX-License-Identifier: GPL-2.0
/*
 * Exports streamclass's C ABI (Rust `#[no_mangle] extern "C"` functions) in the
 * "STREAMCLASS" namespace. Rust has no EXPORT_SYMBOL_NS_GPL of its own, so this
 * shim does it, and checks that the header's layout is the one Rust reads.
 */
#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/stddef.h>
#include <streamclass.h>

static_assert(sizeof(struct streamclass_init_data) == STREAMCLASS_INIT_DATA_SIZE_VER0);
static_assert(offsetof(struct streamclass_init_data, buffer_alignment) == 16);
static_assert(offsetof(struct streamclass_init_data, dma_address_bits) == 22);

EXPORT_SYMBOL_NS_GPL(streamclass_check_init_data, "STREAMCLASS");
