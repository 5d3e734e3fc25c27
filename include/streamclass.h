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
 * enum streamclass_buffer_type - what streamclass_get_physical_address() resolves
 * @STREAMCLASS_PER_REQUEST_EXTENSION: an SRB's per-request extension
 *                                     (not implemented yet: returns 0).
 * @STREAMCLASS_DMA_BUFFER: the device's common DMA buffer.
 * @STREAMCLASS_SRB_DATA_BUFFER: an SRB's data buffer (not implemented yet:
 *                               returns 0).
 *
 * Modelled on STREAM_BUFFER_TYPE of strmini.h.
 */
enum streamclass_buffer_type {
	STREAMCLASS_PER_REQUEST_EXTENSION,
	STREAMCLASS_DMA_BUFFER,
	STREAMCLASS_SRB_DATA_BUFFER,
};

/* A stream request block; defined by the SRB work. May be NULL for the DMA buffer. */
struct streamclass_srb;

/**
 * streamclass_register_device() - register a device with the class driver
 * @dev: a device bound to the caller's driver (call it from probe).
 * @init: the minidriver's initialization data.
 *
 * Sets @dev's DMA mask (streaming and coherent) from @init, allocates the
 * zeroed device extension and, when @init->dma_buffer_size is not 0, one
 * zeroed, page-aligned coherent DMA buffer below that mask. Both are freed by
 * streamclass_unregister_device() or, at the latest, when @dev unbinds.
 * The extension is aligned to 8 bytes.
 *
 * Context: process context, may sleep.
 * Return: the device extension, which is the handle of the registration, or an
 * ERR_PTR(): -EINVAL (NULL or unbound @dev, bad @init), -E2BIG (a size over its
 * maximum, or unknown non-zero fields in a newer @init), -EIO (the DMA mask
 * cannot be set), -EBUSY (@dev is registered already), -ENOMEM.
 */
void *streamclass_register_device(struct device *dev, const struct streamclass_init_data *init);

/**
 * streamclass_unregister_device() - free a registration
 * @hw_device_extension: the handle streamclass_register_device() returned.
 *
 * Frees the DMA buffer and the extension. The handle is checked against the
 * class driver's registry before any of its memory is read, so a double
 * unregister or a bogus pointer is -EINVAL. Stop the device's DMA first.
 * Using the handle afterwards is a use-after-free, as on Windows.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for a handle that is not a live registration.
 */
int streamclass_unregister_device(void *hw_device_extension);

/**
 * streamclass_get_dma_buffer() - the device's common DMA buffer
 * @hw_device_extension: the handle streamclass_register_device() returned.
 *
 * O(1), any context. NULL or a pointer that is not a live handle gets NULL
 * and a rate-limited warning; a handle whose memory was freed is a
 * use-after-free.
 *
 * Return: the buffer's kernel virtual address, or NULL when the registration
 * has no DMA buffer.
 */
void *streamclass_get_dma_buffer(void *hw_device_extension);

/**
 * streamclass_get_physical_address() - the bus address of a buffer address
 * @hw_device_extension: the handle streamclass_register_device() returned.
 * @srb: the request, for the per-request kinds; may be NULL for the DMA buffer.
 * @va: a kernel virtual address inside the buffer.
 * @type: which buffer @va lies in.
 * @length: set to the bytes from @va to the end of that buffer; may be NULL.
 *
 * The address is a dma_addr_t: under an IOMMU it is an I/O virtual address,
 * not the physical one. Any context.
 *
 * Return: the bus address of @va, or 0 (and *@length 0) when @va is outside
 * the buffer, the handle is not live, or @type is not implemented yet.
 */
dma_addr_t streamclass_get_physical_address(void *hw_device_extension, struct streamclass_srb *srb,
					    void *va, enum streamclass_buffer_type type,
					    u32 *length);

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

/**
 * streamclass_nop() - return @handle, doing nothing else
 * @handle: any pointer.
 *
 * The baseline of the benchmark (``make bench``): a bare call of an exported
 * streamclass function, against which streamclass_get_dma_buffer() is timed.
 *
 * Return: @handle.
 */
void *streamclass_nop(void *handle);

#endif /* _STREAMCLASS_H */
