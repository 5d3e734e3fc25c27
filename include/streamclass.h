/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass: the Windows Stream class minidriver model on Linux.
 *
 * The C contract of streamclass.ko. Symbols live in the "STREAMCLASS"
 * namespace: a module using them says MODULE_IMPORT_NS("STREAMCLASS").
 * See Documentation/streamclass.rst for the model and the porting table.
 */
#ifndef _STREAMCLASS_H
#define _STREAMCLASS_H

#include <linux/types.h>

struct device;

/**
 * struct streamclass_init_data - what a minidriver asks of the class driver
 * @size: sizeof(struct streamclass_init_data) the caller was built with. A
 *        smaller, older layout is zero-extended; a larger, newer one is taken
 *        only when the bytes this version does not know are all zero (else
 *        -E2BIG); below %STREAMCLASS_INIT_DATA_SIZE_VER0 is -EINVAL.
 * @device_extension_size: bytes of the zeroed per-device extension.
 * @per_request_extension_size: bytes of the zeroed per-request extension.
 * @dma_buffer_size: bytes of the common DMA buffer; 0: no DMA buffer.
 * @buffer_alignment: 0 or a power of two, at most PAGE_SIZE.
 * @bus_master_dma: the device is a bus master.
 * @dma_24bit_addresses: the device reaches the low 16 MiB only.
 * @dma_address_bits: the device's DMA addressing limit in bits (24..64);
 *                    0: 24 if @dma_24bit_addresses, else 64.
 *
 * Modelled on HW_INITIALIZATION_DATA of strmini.h.
 */
struct streamclass_init_data {
	u32 size;
	u32 device_extension_size;
	u32 per_request_extension_size;
	u32 dma_buffer_size;
	u32 buffer_alignment;
	bool bus_master_dma;
	bool dma_24bit_addresses;
	u8 dma_address_bits;
	/* callbacks are added here by later work */
};

/* The first published layout of struct streamclass_init_data. */
#define STREAMCLASS_INIT_DATA_SIZE_VER0 24

/**
 * streamclass_check_init_data() - validate initialization data
 * @init: the minidriver's initialization data.
 *
 * Applies the checks streamclass_register_device() applies to @init, without
 * registering anything.
 *
 * Return: 0, or -EINVAL / -E2BIG as documented in Documentation/streamclass.rst.
 */
int streamclass_check_init_data(const struct streamclass_init_data *init);

#endif /* _STREAMCLASS_H */
