// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: DriverEntry's registration and the INF's hardware IDs.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "strmini_internal.h"

/* An errno as an NTSTATUS. */
static NTSTATUS strmini_ntstatus(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -ENOMEM:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -EINVAL:
	case -E2BIG:
		return STATUS_INVALID_PARAMETER;
	case -ENODEV:
		return STATUS_NO_SUCH_DEVICE;
	case -EOPNOTSUPP:
		return STATUS_NOT_SUPPORTED;
	default:
		return STATUS_UNSUCCESSFUL;
	}
}

/* Registration: DriverEntry's StreamClassRegisterMinidriver(). */

/*
 * One INF hardware ID: "PCI\VEN_vvvv&DEV_dddd[&SUBSYS_ssssvvvv][&...]" as a
 * PCI ID (1; other parts, such as REV_rr, are logged and not matched on),
 * any other bus (0: a virtual device), or a PCI ID with no vendor (-EINVAL).
 */
static int strmini_pci_id(const char *hwid, struct pci_device_id *id)
{
	char part[24];
	const char *p;
	size_t n;
	u32 v;

	if (strncasecmp(hwid, "PCI\\", 4))
		return 0;
	*id = (struct pci_device_id){ .vendor = PCI_ANY_ID, .device = PCI_ANY_ID,
				      .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID };
	for (p = hwid + 4; *p; p += n + (p[n] == '&')) {
		n = strcspn(p, "&");
		strscpy(part, p, min(n + 1, sizeof(part)));
		if (n < sizeof(part) && !strncasecmp(part, "VEN_", 4) && !kstrtou32(part + 4, 16, &v))
			id->vendor = v;
		else if (n < sizeof(part) && !strncasecmp(part, "DEV_", 4) &&
			 !kstrtou32(part + 4, 16, &v))
			id->device = v;
		else if (n < sizeof(part) && !strncasecmp(part, "SUBSYS_", 7) &&
			 !kstrtou32(part + 7, 16, &v)) {
			id->subdevice = v >> 16;
			id->subvendor = v & 0xffff;
		} else {
			pr_info("streamclass: hardware ID %s: %.*s is not matched on\n", hwid,
				(int)n, p);
		}
	}
	if (id->vendor == PCI_ANY_ID) {
		pr_err("streamclass: hardware ID %s: no VEN_vvvv\n", hwid);
		return -EINVAL;
	}
	return 1;
}

NTSTATUS StreamClassRegisterAdapter(PVOID Argument1, PVOID Argument2,
				    PHW_INITIALIZATION_DATA HwInitializationData)
{
	PDRIVER_OBJECT d = Argument1;
	struct strmini_driver *drv = d ? d->Compat : NULL;
	PHW_INITIALIZATION_DATA hw = HwInitializationData;
	struct streamclass_init_data init = { .size = sizeof(init) };
	const char *const *hwid;
	u32 n = 0, npci = 0, nvirt = 0, align;
	struct streamclass_minidriver *md;

	if (!drv || !hw || !hw->HwReceivePacket ||
	    hw->HwInitializationDataSize < offsetof(HW_INITIALIZATION_DATA, NumNameExtensions))
		return STATUS_INVALID_PARAMETER;
	if (drv->registered || drv->ids)
		return STATUS_INVALID_DEVICE_REQUEST;
	memcpy(&drv->hw, hw, min_t(size_t, hw->HwInitializationDataSize, sizeof(drv->hw)));
	if (drv->hw.FilterInstanceExtensionSize)
		pr_warn("streamclass: %s: filter instances are not supported: one per device\n",
			d->Name);

	/* BufferAlignment is a mask (3: four bytes), the class takes a power of two. */
	align = drv->hw.BufferAlignment ? drv->hw.BufferAlignment + 1 : 0;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return STATUS_INVALID_PARAMETER;
	init.device_extension_size = STRMINI_DEVICE_HEAD + drv->hw.DeviceExtensionSize;
	init.per_request_extension_size = STRMINI_SRB_HEAD + drv->hw.PerRequestExtensionSize;
	init.per_stream_extension_size = STRMINI_STREAM_HEAD + drv->hw.PerStreamExtensionSize;
	init.dma_buffer_size = drv->hw.DmaBufferSize;
	init.buffer_alignment = align;
	init.bus_master_dma = drv->hw.BusMasterDMA;
	init.dma_24bit_addresses = drv->hw.Dma24BitAddresses;
	init.hw_receive_packet = drv->glue->receive_packet;
	init.hw_interrupt = drv->hw.HwInterrupt ? drv->glue->interrupt : NULL;
	init.hw_cancel_packet = drv->glue->cancel_packet;
	init.hw_request_timeout_handler = drv->glue->request_timeout;
	init.turn_off_synchronization = drv->hw.TurnOffSynchronization;

	for (hwid = d->HardwareIds; hwid && *hwid; hwid++)
		n++;
	if (!n)
		return STATUS_INVALID_PARAMETER;
	drv->ids = kcalloc(n + 1, sizeof(*drv->ids), GFP_KERNEL);
	if (!drv->ids)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (hwid = d->HardwareIds; *hwid; hwid++) {
		int kind = strmini_pci_id(*hwid, &drv->ids[npci]);

		if (kind < 0)
			return STATUS_INVALID_PARAMETER;
		if (kind)
			npci++;
		else
			nvirt++;
	}
	/* The table ends with a zeroed entry. */
	memset(&drv->ids[npci], 0, sizeof(drv->ids[npci]));
	if (npci) {
		md = __streamclass_register_minidriver(d->Name, drv->ids, &init, d->Owner);
		if (IS_ERR(md))
			return strmini_ntstatus(PTR_ERR(md));
		drv->pci = md;
	}
	if (nvirt) {
		md = __streamclass_register_virtual_minidriver(d->Name,
							       min_t(u32, nvirt, 16), &init,
							       d->Owner);
		if (IS_ERR(md))
			return strmini_ntstatus(PTR_ERR(md));
		drv->virt = md;
	}
	drv->registered = true;
	return STATUS_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(StreamClassRegisterAdapter, "STREAMCLASS");

int streamclass_strmini_load(PDRIVER_OBJECT DriverObject,
			     const struct streamclass_strmini_glue *glue,
			     NTSTATUS (*entry)(PDRIVER_OBJECT, PUNICODE_STRING))
{
	static UNICODE_STRING registry_path;
	struct strmini_driver *drv;
	NTSTATUS status;

	drv = kzalloc(sizeof(*drv), GFP_KERNEL);
	if (!drv)
		return -ENOMEM;
	drv->glue = glue;
	DriverObject->Compat = drv;
	status = entry(DriverObject, &registry_path);
	if (NT_SUCCESS(status) && drv->registered)
		return 0;
	pr_err("streamclass: %s: DriverEntry returned %#x%s\n", DriverObject->Name, status,
	       drv->registered ? "" : " without registering");
	streamclass_strmini_unload(DriverObject);
	return NT_SUCCESS(status) ? -ENODEV : -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_load, "STREAMCLASS");

void streamclass_strmini_unload(PDRIVER_OBJECT DriverObject)
{
	struct strmini_driver *drv = DriverObject->Compat;

	if (!drv)
		return;
	streamclass_unregister_minidriver(drv->virt);
	streamclass_unregister_minidriver(drv->pci);
	kfree(drv->ids);
	kfree(drv);
	DriverObject->Compat = NULL;
}
EXPORT_SYMBOL_NS_GPL(streamclass_strmini_unload, "STREAMCLASS");
