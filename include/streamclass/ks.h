/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass/ks.h: the subset of Windows' ks.h a stream class minidriver
 * uses, with Microsoft's names and field order (drivers initialise these
 * structures positionally). Part of the strmini.h compatibility layer
 * (Documentation/strmini-porting.rst).
 */
#ifndef _STREAMCLASS_KS_H
#define _STREAMCLASS_KS_H

#include <streamclass/wdm.h>

/* A GUID, laid out as Windows stores it. */
typedef struct _GUID {
	ULONG Data1;
	USHORT Data2;
	USHORT Data3;
	UCHAR Data4[8];
} GUID, *LPGUID, *PGUID;
typedef const GUID *REFGUID;

#define IsEqualGUID(a, b) (memcmp((a), (b), sizeof(GUID)) == 0)
#define IsEqualGUIDAligned(a, b) IsEqualGUID(a, b)

/*
 * Windows names each GUID twice. STATIC_X is its value as Windows writes
 * it: a bare list of 11 numbers (Data1, Data2, Data3 and the 8 bytes of
 * Data4), so { STATIC_X } is a whole GUID and STATICGUIDOF(X) the GUID
 * member of a bigger positional initializer, both by brace elision (clang's
 * -Wmissing-braces warns of it: a DDK source is built with
 * -Wno-missing-braces, Documentation/strmini-porting.rst). X is a GUID
 * object: here a static const one in each file that includes the header
 * (unused ones are discarded), so compare GUIDs with IsEqualGUID(), not by
 * address.
 *
 * A driver names its own GUID the DDK way, and gets the same:
 *
 *	#define STATIC_MYSET 0x12345678, 0x1234, 0x1234, 0x12, ..., 0x12
 *	DEFINE_GUIDSTRUCT("12345678-1234-1234-1212-121212121212", MYSET);
 *	#define MYSET DEFINE_GUIDNAMED(MYSET)
 *
 * DEFINE_GUIDSTRUCT() defines the object from STATIC_MYSET (the string is
 * not read); DEFINE_GUIDEX(X) does the same.
 */
#define STREAMCLASS_GUID_INIT(...) __STREAMCLASS_GUID_INIT(__VA_ARGS__)
#define __STREAMCLASS_GUID_INIT(l, w1, w2, b0, b1, b2, b3, b4, b5, b6, b7) \
	{ (l), (w1), (w2), { (b0), (b1), (b2), (b3), (b4), (b5), (b6), (b7) } }
#define STREAMCLASS_DEFINE_GUID(name) \
	static const GUID name __maybe_unused = STREAMCLASS_GUID_INIT(STATIC_##name)
#define STATICGUIDOF(guid) STATIC_##guid
#define DEFINE_GUIDEX(name) STREAMCLASS_DEFINE_GUID(name)
#define DEFINE_GUIDSTRUCT(g, n) STREAMCLASS_DEFINE_GUID(n)
#define DEFINE_GUIDNAMED(n) n

/* The null GUID: also the wildcard of a format's three GUIDs. */
#define STATIC_GUID_NULL 0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
STREAMCLASS_DEFINE_GUID(GUID_NULL);

typedef LONGLONG REFERENCE_TIME;

typedef struct tagRECT {
	LONG left;
	LONG top;
	LONG right;
	LONG bottom;
} RECT, *PRECT;

typedef struct tagSIZE {
	LONG cx;
	LONG cy;
} SIZE, *PSIZE;

typedef enum {
	KSSTATE_STOP,
	KSSTATE_ACQUIRE,
	KSSTATE_PAUSE,
	KSSTATE_RUN,
} KSSTATE, *PKSSTATE;

typedef enum {
	KSPIN_DATAFLOW_IN = 1,
	KSPIN_DATAFLOW_OUT,
} KSPIN_DATAFLOW, *PKSPIN_DATAFLOW;

/*
 * KSIDENTIFIER: a set, an id in it and flags (KSPROPERTY, KSEVENT,
 * KSMETHOD, KSPIN_MEDIUM). As on Windows, a union with a LONGLONG, so it
 * is 8-byte aligned and a record that follows it with a 32-bit field is
 * padded to a multiple of 8 (KSPROPERTY_VIDEOPROCAMP_S is 40 bytes).
 */
typedef struct {
	union {
		struct {
			GUID Set;
			ULONG Id;
			ULONG Flags;
		};
		LONGLONG Alignment;
	};
} KSIDENTIFIER, *PKSIDENTIFIER;

typedef KSIDENTIFIER KSPROPERTY, *PKSPROPERTY;
typedef KSIDENTIFIER KSMETHOD, *PKSMETHOD;
typedef KSIDENTIFIER KSEVENT, *PKSEVENT;
typedef KSIDENTIFIER KSPIN_MEDIUM, *PKSPIN_MEDIUM;

#define KSPROPERTY_TYPE_GET		0x00000001
#define KSPROPERTY_TYPE_SET		0x00000002
#define KSPROPERTY_TYPE_BASICSUPPORT	0x00000200

#define STATIC_KSMEDIUMSETID_Standard \
	0x4747B320, 0x62CE, 0x11CF, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00
STREAMCLASS_DEFINE_GUID(KSMEDIUMSETID_Standard);
#define KSMEDIUM_TYPE_ANYINSTANCE 0

/*
 * KSDATAFORMAT and KSDATARANGE: the same header, as Microsoft's compiler
 * sees it: a union of the fields and a LONGLONG Alignment, so both a
 * one-level positional initializer (by brace elision) and one with a brace
 * for the union (DDK samples write both) fill the fields.
 */
typedef union {
	struct {
		ULONG FormatSize;
		ULONG Flags;
		ULONG SampleSize;
		ULONG Reserved;
		GUID MajorFormat;
		GUID SubFormat;
		GUID Specifier;
	};
	LONGLONG Alignment;
} KSDATAFORMAT, *PKSDATAFORMAT, KSDATARANGE, *PKSDATARANGE;

#define KSDATAFORMAT_ATTRIBUTES 0x2

typedef struct {
	LONGLONG Time;
	ULONG Numerator;
	ULONG Denominator;
} KSTIME, *PKSTIME;

/* The header of each buffer of a data SRB. */
typedef struct {
	ULONG Size;
	ULONG TypeSpecificFlags;
	KSTIME PresentationTime;
	LONGLONG Duration;
	ULONG FrameExtent;
	ULONG DataUsed;
	PVOID Data;
	ULONG OptionsFlags;
	ULONG Reserved;		/* _WIN64 */
} KSSTREAM_HEADER, *PKSSTREAM_HEADER;

#define KSSTREAM_HEADER_OPTIONSF_SPLICEPOINT		0x00000001
#define KSSTREAM_HEADER_OPTIONSF_PREROLL		0x00000002
#define KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY	0x00000004
#define KSSTREAM_HEADER_OPTIONSF_TYPECHANGED		0x00000008
#define KSSTREAM_HEADER_OPTIONSF_TIMEVALID		0x00000010
#define KSSTREAM_HEADER_OPTIONSF_TIMEDISCONTINUITY	0x00000040
#define KSSTREAM_HEADER_OPTIONSF_FLUSHONPAUSE		0x00000080
#define KSSTREAM_HEADER_OPTIONSF_DURATIONVALID		0x00000100
#define KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM		0x00000200

/* A property's value that is a list: this header, then Count items. */
typedef struct {
	ULONG Size;		/* of the header and the items, in bytes */
	ULONG Count;
} KSMULTIPLE_ITEM, *PKSMULTIPLE_ITEM;

/* Allocator framing (described; the class allocates with videobuf2). */
typedef struct {
	union {
		ULONG OptionsFlags;
		ULONG RequirementsFlags;
	};
	POOL_TYPE PoolType;
	ULONG Frames;
	ULONG FrameSize;
	ULONG FileAlignment;
	ULONG Reserved;
} KSALLOCATOR_FRAMING, *PKSALLOCATOR_FRAMING;

/* RequirementsFlags of KSALLOCATOR_FRAMING. */
#define KSALLOCATOR_REQUIREMENTF_INPLACE_MODIFIER	0x00000001
#define KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY		0x00000002
#define KSALLOCATOR_REQUIREMENTF_FRAME_INTEGRITY	0x00000004
#define KSALLOCATOR_REQUIREMENTF_MUST_ALLOCATE		0x00000008
#define KSALLOCATOR_REQUIREMENTF_PREFERENCES_ONLY	0x80000000
/* OptionsFlags of KSALLOCATOR_FRAMING. */
#define KSALLOCATOR_OPTIONF_COMPATIBLE			0x00000001
#define KSALLOCATOR_OPTIONF_SYSTEM_MEMORY		0x00000002

/* A pin's connection: its state, format and allocator framing. */
#define STATIC_KSPROPSETID_Connection \
	0x1D58C920, 0xAC9B, 0x11CF, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00
STREAMCLASS_DEFINE_GUID(KSPROPSETID_Connection);

typedef enum {
	KSPROPERTY_CONNECTION_STATE,
	KSPROPERTY_CONNECTION_PRIORITY,
	KSPROPERTY_CONNECTION_DATAFORMAT,
	KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
	KSPROPERTY_CONNECTION_PROPOSEDATAFORMAT,
	KSPROPERTY_CONNECTION_ACQUIREORDERING,
	KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX,
	KSPROPERTY_CONNECTION_STARTAT,
} KSPROPERTY_CONNECTION;

/* Property tables. */
typedef struct _IRP *PIRP_KS;
typedef NTSTATUS (*PFNKSHANDLER)(PIRP Irp, PKSIDENTIFIER Request, PVOID Data);

typedef struct {
	ULONG MembersFlags;
	ULONG MembersSize;
	ULONG MembersCount;
	ULONG Flags;
} KSPROPERTY_MEMBERSHEADER, *PKSPROPERTY_MEMBERSHEADER;

#define KSPROPERTY_MEMBER_RANGES		0x00000001
#define KSPROPERTY_MEMBER_STEPPEDRANGES		0x00000002
#define KSPROPERTY_MEMBER_VALUES		0x00000003
#define KSPROPERTY_MEMBER_FLAG_DEFAULT		0x00000001

typedef struct {
	KSPROPERTY_MEMBERSHEADER MembersHeader;
	const VOID *Members;
} KSPROPERTY_MEMBERSLIST, *PKSPROPERTY_MEMBERSLIST;

/* A range of 32-bit values, read signed or unsigned. */
typedef union {
	struct {
		LONG SignedMinimum;
		LONG SignedMaximum;
	};
	struct {
		ULONG UnsignedMinimum;
		ULONG UnsignedMaximum;
	};
} KSPROPERTY_BOUNDS_LONG, *PKSPROPERTY_BOUNDS_LONG;

typedef struct {
	ULONG SteppingDelta;
	ULONG Reserved;
	KSPROPERTY_BOUNDS_LONG Bounds;
} KSPROPERTY_STEPPING_LONG, *PKSPROPERTY_STEPPING_LONG;

typedef struct {
	GUID Set;
	ULONG Id;
	ULONG Flags;
} KSIDENTIFIER_PROPTYPE;

typedef struct {
	KSIDENTIFIER PropTypeSet;
	ULONG MembersListCount;
	const KSPROPERTY_MEMBERSLIST *MembersList;
} KSPROPERTY_VALUES, *PKSPROPERTY_VALUES;

#define STATIC_KSPROPTYPESETID_General \
	0x97E99BA0, 0xBDEA, 0x11CF, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00
STREAMCLASS_DEFINE_GUID(KSPROPTYPESETID_General);

/* VARENUM types a KSPROPERTY_VALUES names. */
#define VT_I4 3
#define VT_UI4 19

/*
 * A property item. Stream class minidrivers put TRUE or FALSE in the
 * handler fields (the class answers through SRB_GET/SET_*_PROPERTY), so
 * the macro below converts either a handler or a boolean.
 */
typedef struct {
	ULONG PropertyId;
	union {
		PFNKSHANDLER GetPropertyHandler;
		BOOLEAN GetSupported;
	};
	ULONG MinProperty;
	ULONG MinData;
	union {
		PFNKSHANDLER SetPropertyHandler;
		BOOLEAN SetSupported;
	};
	const KSPROPERTY_VALUES *Values;
	ULONG RelationsCount;
	const KSPROPERTY *Relations;
	PFNKSHANDLER SupportHandler;
	ULONG SerializedSize;
} KSPROPERTY_ITEM, *PKSPROPERTY_ITEM;

/* Fast I/O property handlers (described; the class calls none). */
struct _IO_STATUS_BLOCK;
typedef BOOLEAN (*PFNKSFASTHANDLER)(PFILE_OBJECT FileObject, PKSIDENTIFIER Request,
				    ULONG RequestLength, PVOID Data, ULONG DataLength,
				    struct _IO_STATUS_BLOCK *IoStatus);

typedef struct {
	ULONG PropertyId;
	union {
		PFNKSFASTHANDLER GetPropertyHandler;
		BOOLEAN GetSupported;
	};
	union {
		PFNKSFASTHANDLER SetPropertyHandler;
		BOOLEAN SetSupported;
	};
	ULONG Reserved;
} KSFASTPROPERTY_ITEM, *PKSFASTPROPERTY_ITEM;

typedef struct {
	const GUID *Set;
	ULONG PropertiesCount;
	const KSPROPERTY_ITEM *PropertyItem;
	ULONG FastIoCount;
	const KSFASTPROPERTY_ITEM *FastIoTable;
} KSPROPERTY_SET, *PKSPROPERTY_SET;

/* A handler field from TRUE, FALSE, NULL or a handler. */
#define STREAMCLASS_KSHANDLER(h) ((PFNKSHANDLER)(ULONG_PTR)(h))

#define DEFINE_KSPROPERTY_ITEM(PropertyId, GetHandler, MinProperty, MinData, SetHandler, \
			       Values, RelationsCount, Relations, SupportHandler,        \
			       SerializedSize)                                           \
	{ (PropertyId), { .GetPropertyHandler = STREAMCLASS_KSHANDLER(GetHandler) },     \
	  (MinProperty), (MinData),                                                      \
	  { .SetPropertyHandler = STREAMCLASS_KSHANDLER(SetHandler) },                   \
	  (const KSPROPERTY_VALUES *)(Values), (RelationsCount),                         \
	  (const KSPROPERTY *)(Relations), STREAMCLASS_KSHANDLER(SupportHandler),        \
	  (ULONG)(SerializedSize) }
#define DEFINE_KSPROPERTY_TABLE(tablename) const KSPROPERTY_ITEM tablename[] =
#define DEFINE_KSPROPERTY_SET(Set, PropertiesCount, PropertyItem, FastIoCount, FastIoTable) \
	{ (Set), (PropertiesCount), (PropertyItem), (FastIoCount), (FastIoTable) }
#define DEFINE_KSPROPERTY_SET_TABLE(tablename) const KSPROPERTY_SET tablename[] =

/* Events, methods and topology: named for the structures that point to
 * them; the class offers none. */
typedef struct _KSEVENT_SET KSEVENT_SET, *PKSEVENT_SET;
typedef struct _KSMETHOD_SET KSMETHOD_SET, *PKSMETHOD_SET;
typedef struct _KSEVENT_ENTRY KSEVENT_ENTRY, *PKSEVENT_ENTRY;
typedef struct _KSEVENTDATA KSEVENTDATA, *PKSEVENTDATA;

typedef struct {
	ULONG CategoriesCount;
	const GUID *Categories;
	ULONG TopologyNodesCount;
	const GUID *TopologyNodes;
	ULONG TopologyConnectionsCount;
	const void *TopologyConnections;
	const GUID *TopologyNodesNames;
	ULONG Reserved;
} KSTOPOLOGY, *PKSTOPOLOGY;

#define SIZEOF_ARRAY(ar) (sizeof(ar) / sizeof((ar)[0]))

/* Format GUIDs. The wildcards are the null GUID. */
#define STATIC_KSDATAFORMAT_TYPE_WILDCARD STATIC_GUID_NULL
#define KSDATAFORMAT_TYPE_WILDCARD GUID_NULL
#define STATIC_KSDATAFORMAT_SUBTYPE_WILDCARD STATIC_GUID_NULL
#define KSDATAFORMAT_SUBTYPE_WILDCARD GUID_NULL
#define STATIC_KSDATAFORMAT_SPECIFIER_WILDCARD STATIC_GUID_NULL
#define KSDATAFORMAT_SPECIFIER_WILDCARD GUID_NULL

#define STATIC_KSDATAFORMAT_TYPE_VIDEO \
	0x73646976, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_TYPE_VIDEO);

#define STATIC_KSDATAFORMAT_SPECIFIER_VIDEOINFO \
	0x05589f80, 0xc356, 0x11ce, 0xbf, 0x01, 0x00, 0xaa, 0x00, 0x55, 0x59, 0x5a
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SPECIFIER_VIDEOINFO);

/* The specifier of a format with no format block (FORMAT_None). */
#define STATIC_KSDATAFORMAT_SPECIFIER_NONE \
	0x0F6417D6, 0xC318, 0x11D0, 0xA4, 0x3F, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SPECIFIER_NONE);

/* Video subtypes: the fourcc in Data1 of the MEDIASUBTYPE base. */
#define STREAMCLASS_MEDIASUBTYPE(fourcc) \
	(fourcc), 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
#define STATIC_KSDATAFORMAT_SUBTYPE_YUY2 STREAMCLASS_MEDIASUBTYPE(0x32595559)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_YUY2);
#define STATIC_KSDATAFORMAT_SUBTYPE_UYVY STREAMCLASS_MEDIASUBTYPE(0x59565955)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_UYVY);
#define STATIC_KSDATAFORMAT_SUBTYPE_NV12 STREAMCLASS_MEDIASUBTYPE(0x3231564e)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_NV12);
/* RGB24's subtype is not a fourcc GUID. */
#define STATIC_KSDATAFORMAT_SUBTYPE_RGB24 \
	0xe436eb7d, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_RGB24);
/*
 * The other uncompressed video subtypes of the DDK's uuids.h
 * (MEDIASUBTYPE_*) that V4L2 has a pixel format for
 * (Documentation/strmini-porting.rst, Formats): fourcc GUIDs, and the
 * RGB ones of RGB24's series.
 */
#define STATIC_KSDATAFORMAT_SUBTYPE_YVYU STREAMCLASS_MEDIASUBTYPE(0x55595659)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_YVYU);
#define STATIC_KSDATAFORMAT_SUBTYPE_YV12 STREAMCLASS_MEDIASUBTYPE(0x32315659)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_YV12);
#define STATIC_KSDATAFORMAT_SUBTYPE_IYUV STREAMCLASS_MEDIASUBTYPE(0x56555949)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_IYUV);
#define STATIC_KSDATAFORMAT_SUBTYPE_I420 STREAMCLASS_MEDIASUBTYPE(0x30323449)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_I420);
#define STATIC_KSDATAFORMAT_SUBTYPE_Y41P STREAMCLASS_MEDIASUBTYPE(0x50313459)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_Y41P);
#define STATIC_KSDATAFORMAT_SUBTYPE_YVU9 STREAMCLASS_MEDIASUBTYPE(0x39555659)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_YVU9);
#define STATIC_KSDATAFORMAT_SUBTYPE_Y8 STREAMCLASS_MEDIASUBTYPE(0x20203859)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_Y8);
#define STATIC_KSDATAFORMAT_SUBTYPE_Y800 STREAMCLASS_MEDIASUBTYPE(0x30303859)
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_Y800);
#define STATIC_KSDATAFORMAT_SUBTYPE_RGB565 \
	0xe436eb7b, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_RGB565);
#define STATIC_KSDATAFORMAT_SUBTYPE_RGB555 \
	0xe436eb7c, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_RGB555);
#define STATIC_KSDATAFORMAT_SUBTYPE_RGB32 \
	0xe436eb7e, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_RGB32);

/* The subtype of a format with none (MEDIASUBTYPE_None). */
#define STATIC_KSDATAFORMAT_SUBTYPE_NONE \
	0xe436eb8e, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70
STREAMCLASS_DEFINE_GUID(KSDATAFORMAT_SUBTYPE_NONE);

/* Categories and pin names. */
#define STATIC_KSCATEGORY_CAPTURE \
	0x65E8773D, 0x8F56, 0x11D0, 0xA3, 0xB9, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96
STREAMCLASS_DEFINE_GUID(KSCATEGORY_CAPTURE);
#define STATIC_KSCATEGORY_VIDEO \
	0x6994AD05, 0x93EF, 0x11D0, 0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96
STREAMCLASS_DEFINE_GUID(KSCATEGORY_VIDEO);
#define STATIC_PINNAME_VIDEO_CAPTURE \
	0xfb6c4281, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba
STREAMCLASS_DEFINE_GUID(PINNAME_VIDEO_CAPTURE);
#define STATIC_PINNAME_VIDEO_PREVIEW \
	0xfb6c4282, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba
STREAMCLASS_DEFINE_GUID(PINNAME_VIDEO_PREVIEW);

#endif /* _STREAMCLASS_KS_H */
