/* SPDX-License-Identifier: GPL-2.0 */
/* What strmini_ddk_identifiers.c counts, for the KUnit suite to check. */
#ifndef STRMINI_DDK_IDENTIFIERS_H
#define STRMINI_DDK_IDENTIFIERS_H

#include <streamclass/ks.h>

struct strmini_ddk_identifiers {
	size_t constants, sizes, guid_objects, static_guids;
	const GUID *first_object;	/* ddk_guid_objects[0] */
	ULONG first_static_guid;	/* ddk_static_guids[0].Data1 */
	long long last_constant;
	size_t first_size;
	unsigned long dib_size_bottom_up, dib_size_top_down, dib_width_bytes;
	int calls;		/* of the routines and macros called */
};

void strmini_ddk_identifiers(struct strmini_ddk_identifiers *out);

#endif
