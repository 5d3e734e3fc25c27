// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks of the strmini.h compatibility headers (include/streamclass/):
 * built with -Werror, it includes all of them and uses their macros; each
 * structure's fields lie in Microsoft's documented order (every member's
 * offset above the one before it, in the order listed here, which is the
 * order of the DDK's declarations); the sizes the Windows x64 ABI fixes
 * are kept; and the DDK basics (lists, memory, spin locks, pools, GUIDs,
 * property tables) behave as Windows drivers expect.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <streamclass/strmini.h>
#include <streamclass/ksmedia.h>

struct field {
	const char *name;
	size_t offset;
};

struct layout {
	const char *type;
	const struct field *fields;
	size_t count;
};

#define F(f) { #f, offsetof(T, f) }
#define LAYOUT(name) { #name, name##_fields, ARRAY_SIZE(name##_fields) }

/* strmini.h, in the DDK's order (one member of each union). */
#define T HW_INITIALIZATION_DATA
static const struct field HW_INITIALIZATION_DATA_fields[] = {
	F(HwInitializationDataSize), F(HwInterrupt), F(HwReceivePacket), F(HwCancelPacket),
	F(HwRequestTimeoutHandler), F(DeviceExtensionSize), F(PerRequestExtensionSize),
	F(PerStreamExtensionSize), F(FilterInstanceExtensionSize), F(BusMasterDMA),
	F(Dma24BitAddresses), F(BufferAlignment), F(TurnOffSynchronization), F(DmaBufferSize),
	F(NumNameExtensions), F(NameExtensionArray),
};
#undef T
#define T HW_STREAM_REQUEST_BLOCK
static const struct field HW_STREAM_REQUEST_BLOCK_fields[] = {
	F(SizeOfThisPacket), F(Command), F(Status), F(StreamObject), F(HwDeviceExtension),
	F(SRBExtension), F(CommandData), F(NumberOfBuffers), F(TimeoutCounter),
	F(TimeoutOriginal), F(NextSRB), F(Irp), F(Flags), F(HwInstanceExtension),
	F(NumberOfBytesToTransfer), F(ScatterGatherBuffer), F(NumberOfPhysicalPages),
	F(NumberOfScatterGatherElements), F(Reserved),
};
#undef T
#define T PORT_CONFIGURATION_INFORMATION
static const struct field PORT_CONFIGURATION_INFORMATION_fields[] = {
	F(SizeOfThisPacket), F(HwDeviceExtension), F(ClassDeviceObject),
	F(PhysicalDeviceObject), F(SystemIoBusNumber), F(AdapterInterfaceType),
	F(BusInterruptLevel), F(BusInterruptVector), F(InterruptMode), F(DmaChannel),
	F(NumberOfAccessRanges), F(AccessRanges), F(StreamDescriptorSize), F(Irp),
	F(InterruptObject), F(DmaAdapterObject), F(RealPhysicalDeviceObject), F(Reserved),
};
#undef T
#define T ACCESS_RANGE
static const struct field ACCESS_RANGE_fields[] = {
	F(RangeStart), F(RangeLength), F(RangeInMemory), F(Reserved),
};
#undef T
#define T HW_STREAM_OBJECT
static const struct field HW_STREAM_OBJECT_fields[] = {
	F(SizeOfThisPacket), F(StreamNumber), F(HwStreamExtension), F(ReceiveDataPacket),
	F(ReceiveControlPacket), F(HwClockObject), F(Dma), F(Pio), F(HwDeviceExtension),
	F(StreamHeaderMediaSpecific), F(StreamHeaderWorkspace), F(Allocator),
	F(HwEventRoutine), F(Reserved),
};
#undef T
#define T HW_CLOCK_OBJECT
static const struct field HW_CLOCK_OBJECT_fields[] = {
	F(HwClockFunction), F(ClockSupportFlags), F(Reserved),
};
#undef T
#define T HW_STREAM_HEADER
static const struct field HW_STREAM_HEADER_fields[] = {
	F(NumberOfStreams), F(SizeOfHwStreamInformation), F(NumDevPropArrayEntries),
	F(DevicePropertiesArray), F(NumDevEventArrayEntries), F(DeviceEventsArray),
	F(Topology), F(DeviceEventRoutine), F(NumDevMethodArrayEntries),
	F(DeviceMethodsArray),
};
#undef T
#define T HW_STREAM_INFORMATION
static const struct field HW_STREAM_INFORMATION_fields[] = {
	F(NumberOfPossibleInstances), F(DataFlow), F(DataAccessible),
	F(NumberOfFormatArrayEntries), F(StreamFormatsArray), F(ClassReserved),
	F(NumStreamPropArrayEntries), F(StreamPropertiesArray), F(NumStreamEventArrayEntries),
	F(StreamEventsArray), F(Category), F(Name), F(MediumsCount), F(Mediums),
	F(BridgeStream), F(Reserved),
};
#undef T
#define T HW_STREAM_DESCRIPTOR
static const struct field HW_STREAM_DESCRIPTOR_fields[] = {
	F(StreamHeader), F(StreamInfo),
};
#undef T
#define T STREAM_DATA_INTERSECT_INFO
static const struct field STREAM_DATA_INTERSECT_INFO_fields[] = {
	F(StreamNumber), F(DataRange), F(DataFormatBuffer), F(SizeOfDataFormatBuffer),
};
#undef T
#define T STREAM_PROPERTY_DESCRIPTOR
static const struct field STREAM_PROPERTY_DESCRIPTOR_fields[] = {
	F(Property), F(PropertySetID), F(PropertyInfo), F(PropertyInputSize),
	F(PropertyOutputSize),
};
#undef T
#define T HW_TIME_CONTEXT
static const struct field HW_TIME_CONTEXT_fields[] = {
	F(HwDeviceExtension), F(HwStreamObject), F(Function), F(Time), F(SystemTime),
};
#undef T
#define T HW_EVENT_DESCRIPTOR
static const struct field HW_EVENT_DESCRIPTOR_fields[] = {
	F(Enable), F(EventEntry), F(EventData), F(StreamObject), F(EnableEventSetIndex),
	F(HwInstanceExtension), F(Reserved),
};
#undef T
#define T STREAM_TIME_REFERENCE
static const struct field STREAM_TIME_REFERENCE_fields[] = {
	F(CurrentOnboardClockValue), F(OnboardClockFrequency), F(CurrentSystemTime),
	F(Reserved),
};
#undef T
#define T KSSCATTER_GATHER
static const struct field KSSCATTER_GATHER_fields[] = {
	F(PhysicalAddress), F(Length),
};
#undef T

/* ks.h */
#define T GUID
static const struct field GUID_fields[] = { F(Data1), F(Data2), F(Data3), F(Data4) };
#undef T
#define T KSIDENTIFIER
static const struct field KSIDENTIFIER_fields[] = { F(Set), F(Id), F(Flags) };
#undef T
#define T KSDATAFORMAT
static const struct field KSDATAFORMAT_fields[] = {
	F(FormatSize), F(Flags), F(SampleSize), F(Reserved), F(MajorFormat), F(SubFormat),
	F(Specifier),
};
#undef T
#define T KSTIME
static const struct field KSTIME_fields[] = { F(Time), F(Numerator), F(Denominator) };
#undef T
#define T KSSTREAM_HEADER
static const struct field KSSTREAM_HEADER_fields[] = {
	F(Size), F(TypeSpecificFlags), F(PresentationTime), F(Duration), F(FrameExtent),
	F(DataUsed), F(Data), F(OptionsFlags), F(Reserved),
};
#undef T
#define T KSALLOCATOR_FRAMING
static const struct field KSALLOCATOR_FRAMING_fields[] = {
	F(OptionsFlags), F(PoolType), F(Frames), F(FrameSize), F(FileAlignment), F(Reserved),
};
#undef T
#define T KSPROPERTY_ITEM
static const struct field KSPROPERTY_ITEM_fields[] = {
	F(PropertyId), F(GetPropertyHandler), F(MinProperty), F(MinData),
	F(SetPropertyHandler), F(Values), F(RelationsCount), F(Relations), F(SupportHandler),
	F(SerializedSize),
};
#undef T
#define T KSPROPERTY_SET
static const struct field KSPROPERTY_SET_fields[] = {
	F(Set), F(PropertiesCount), F(PropertyItem), F(FastIoCount), F(FastIoTable),
};
#undef T
#define T KSPROPERTY_VALUES
static const struct field KSPROPERTY_VALUES_fields[] = {
	F(PropTypeSet), F(MembersListCount), F(MembersList),
};
#undef T
#define T KSPROPERTY_MEMBERSHEADER
static const struct field KSPROPERTY_MEMBERSHEADER_fields[] = {
	F(MembersFlags), F(MembersSize), F(MembersCount), F(Flags),
};
#undef T
#define T KSPROPERTY_STEPPING_LONG
static const struct field KSPROPERTY_STEPPING_LONG_fields[] = {
	F(SteppingDelta), F(Reserved), F(Bounds),
};
#undef T

/* ksmedia.h */
#define T KS_BITMAPINFOHEADER
static const struct field KS_BITMAPINFOHEADER_fields[] = {
	F(biSize), F(biWidth), F(biHeight), F(biPlanes), F(biBitCount), F(biCompression),
	F(biSizeImage), F(biXPelsPerMeter), F(biYPelsPerMeter), F(biClrUsed),
	F(biClrImportant),
};
#undef T
#define T KS_VIDEOINFOHEADER
static const struct field KS_VIDEOINFOHEADER_fields[] = {
	F(rcSource), F(rcTarget), F(dwBitRate), F(dwBitErrorRate), F(AvgTimePerFrame),
	F(bmiHeader),
};
#undef T
#define T KS_VIDEO_STREAM_CONFIG_CAPS
static const struct field KS_VIDEO_STREAM_CONFIG_CAPS_fields[] = {
	F(guid), F(VideoStandard), F(InputSize), F(MinCroppingSize), F(MaxCroppingSize),
	F(CropGranularityX), F(CropGranularityY), F(CropAlignX), F(CropAlignY),
	F(MinOutputSize), F(MaxOutputSize), F(OutputGranularityX), F(OutputGranularityY),
	F(StretchTapsX), F(StretchTapsY), F(ShrinkTapsX), F(ShrinkTapsY),
	F(MinFrameInterval), F(MaxFrameInterval), F(MinBitsPerSecond), F(MaxBitsPerSecond),
};
#undef T
#define T KS_DATARANGE_VIDEO
static const struct field KS_DATARANGE_VIDEO_fields[] = {
	F(DataRange), F(bFixedSizeSamples), F(bTemporalCompression),
	F(StreamDescriptionFlags), F(MemoryAllocationFlags), F(ConfigCaps),
	F(VideoInfoHeader),
};
#undef T
#define T KS_DATAFORMAT_VIDEOINFOHEADER
static const struct field KS_DATAFORMAT_VIDEOINFOHEADER_fields[] = {
	F(DataFormat), F(VideoInfoHeader),
};
#undef T
#define T KS_FRAME_INFO
static const struct field KS_FRAME_INFO_fields[] = {
	F(ExtendedHeaderSize), F(dwFrameFlags), F(PictureNumber), F(DropCount), F(hDirectDraw),
	F(hSurfaceHandle), F(DirectDrawRect), F(lSurfacePitch), F(Reserved2), F(Reserved3),
	F(Reserved4),
};
#undef T
#define T KSPROPERTY_VIDEOPROCAMP_S
static const struct field KSPROPERTY_VIDEOPROCAMP_S_fields[] = {
	F(Property), F(Value), F(Flags), F(Capabilities),
};
#undef T

static const struct layout strmini_layouts[] = {
	LAYOUT(HW_INITIALIZATION_DATA), LAYOUT(HW_STREAM_REQUEST_BLOCK),
	LAYOUT(PORT_CONFIGURATION_INFORMATION), LAYOUT(ACCESS_RANGE), LAYOUT(HW_STREAM_OBJECT),
	LAYOUT(HW_CLOCK_OBJECT), LAYOUT(HW_STREAM_HEADER), LAYOUT(HW_STREAM_INFORMATION),
	LAYOUT(HW_STREAM_DESCRIPTOR), LAYOUT(STREAM_DATA_INTERSECT_INFO),
	LAYOUT(STREAM_PROPERTY_DESCRIPTOR), LAYOUT(HW_TIME_CONTEXT), LAYOUT(HW_EVENT_DESCRIPTOR),
	LAYOUT(STREAM_TIME_REFERENCE), LAYOUT(KSSCATTER_GATHER),
};

static const struct layout ks_layouts[] = {
	LAYOUT(GUID), LAYOUT(KSIDENTIFIER), LAYOUT(KSDATAFORMAT), LAYOUT(KSTIME),
	LAYOUT(KSSTREAM_HEADER), LAYOUT(KSALLOCATOR_FRAMING), LAYOUT(KSPROPERTY_ITEM),
	LAYOUT(KSPROPERTY_SET), LAYOUT(KSPROPERTY_VALUES), LAYOUT(KSPROPERTY_MEMBERSHEADER),
	LAYOUT(KSPROPERTY_STEPPING_LONG),
};

static const struct layout ksmedia_layouts[] = {
	LAYOUT(KS_BITMAPINFOHEADER), LAYOUT(KS_VIDEOINFOHEADER),
	LAYOUT(KS_VIDEO_STREAM_CONFIG_CAPS), LAYOUT(KS_DATARANGE_VIDEO),
	LAYOUT(KS_DATAFORMAT_VIDEOINFOHEADER), LAYOUT(KS_FRAME_INFO),
	LAYOUT(KSPROPERTY_VIDEOPROCAMP_S),
};

static void check_layouts(struct kunit *test, const struct layout *l, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, l[i].fields[0].offset, 0, "%s.%s", l[i].type,
				    l[i].fields[0].name);
		for (k = 1; k < l[i].count; k++)
			KUNIT_EXPECT_GT_MSG(test, l[i].fields[k].offset, l[i].fields[k - 1].offset,
					    "%s: %s (at %zu) is not after %s (at %zu)", l[i].type,
					    l[i].fields[k].name, l[i].fields[k].offset,
					    l[i].fields[k - 1].name, l[i].fields[k - 1].offset);
	}
}

static void strmini_h_order(struct kunit *test)
{
	check_layouts(test, strmini_layouts, ARRAY_SIZE(strmini_layouts));
}

static void ks_h_order(struct kunit *test)
{
	check_layouts(test, ks_layouts, ARRAY_SIZE(ks_layouts));
}

static void ksmedia_h_order(struct kunit *test)
{
	check_layouts(test, ksmedia_layouts, ARRAY_SIZE(ksmedia_layouts));
}

/* Sizes the Windows x64 ABI fixes, for structures with no pointer-size or
 * padding doubt (KSPROPERTY_VIDEOPROCAMP_S: its KSPROPERTY is 8-byte aligned,
 * so 24 + 3 * 4 rounds up to 40, as clang measures Microsoft's ksmedia.h for
 * x86_64-pc-windows-msvc). */
static void x64_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(ULONG), 4);
	KUNIT_EXPECT_EQ(test, sizeof(LONG), 4);
	KUNIT_EXPECT_EQ(test, sizeof(BOOLEAN), 1);
	KUNIT_EXPECT_EQ(test, sizeof(LARGE_INTEGER), 8);
	KUNIT_EXPECT_EQ(test, sizeof(GUID), 16);
	KUNIT_EXPECT_EQ(test, sizeof(KSIDENTIFIER), 24);
	KUNIT_EXPECT_EQ(test, sizeof(KSDATAFORMAT), 64);
	KUNIT_EXPECT_EQ(test, sizeof(KSTIME), 16);
	KUNIT_EXPECT_EQ(test, sizeof(KSSTREAM_HEADER), 56);
	KUNIT_EXPECT_EQ(test, sizeof(KSSCATTER_GATHER), 16);
	KUNIT_EXPECT_EQ(test, sizeof(KS_BITMAPINFOHEADER), 40);
	KUNIT_EXPECT_EQ(test, sizeof(KS_VIDEOINFOHEADER), 88);
	KUNIT_EXPECT_EQ(test, sizeof(KS_VIDEO_STREAM_CONFIG_CAPS), 128);
	KUNIT_EXPECT_EQ(test, sizeof(KSPROPERTY_VIDEOPROCAMP_S), 40);
	KUNIT_EXPECT_EQ(test, sizeof(KSPROPERTY_STEPPING_LONG), 16);
}

struct item {
	LIST_ENTRY link;
	int n;
};

static void ddk_basics(struct kunit *test)
{
	struct item a = { .n = 1 }, b = { .n = 2 }, c = { .n = 3 };
	static const UCHAR x[] = { 1, 2, 3, 4 }, y[] = { 1, 2, 9, 4 };
	LIST_ENTRY head;
	KSPIN_LOCK lock;
	KIRQL irql, inside;
	UCHAR buf[8];
	PVOID p;

	InitializeListHead(&head);
	KUNIT_EXPECT_TRUE(test, IsListEmpty(&head));
	InsertTailList(&head, &b.link);
	InsertTailList(&head, &c.link);
	InsertHeadList(&head, &a.link);
	KUNIT_EXPECT_EQ(test, CONTAINING_RECORD(RemoveHeadList(&head), struct item, link)->n, 1);
	KUNIT_EXPECT_EQ(test, CONTAINING_RECORD(RemoveTailList(&head), struct item, link)->n, 3);
	KUNIT_EXPECT_FALSE(test, IsListEmpty(&head));
	KUNIT_EXPECT_TRUE(test, RemoveEntryList(&b.link));
	KUNIT_EXPECT_TRUE(test, IsListEmpty(&head));

	KUNIT_EXPECT_EQ(test, RtlCompareMemory(x, y, sizeof(x)), 2);
	KUNIT_EXPECT_EQ(test, RtlCompareMemory(x, x, sizeof(x)), sizeof(x));
	RtlFillMemory(buf, sizeof(buf), 0x5a);
	KUNIT_EXPECT_EQ(test, buf[7], 0x5a);
	RtlZeroMemory(buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, buf[3], 0);
	RtlCopyMemory(buf, x, sizeof(x));
	KUNIT_EXPECT_EQ(test, buf[2], 3);
	KUNIT_EXPECT_EQ(test, FIELD_OFFSET(struct item, n), (LONG)offsetof(struct item, n));

	KUNIT_EXPECT_EQ(test, KeGetCurrentIrql(), PASSIVE_LEVEL);
	KeInitializeSpinLock(&lock);
	KeAcquireSpinLock(&lock, &irql);
	inside = KeGetCurrentIrql();
	KeReleaseSpinLock(&lock, irql);
	KUNIT_EXPECT_EQ(test, irql, PASSIVE_LEVEL);
	KUNIT_EXPECT_EQ(test, inside, DISPATCH_LEVEL);
	KUNIT_EXPECT_FALSE(test, irqs_disabled());

	p = ExAllocatePool(NonPagedPool, 64);
	KUNIT_ASSERT_NOT_NULL(test, p);
	ExFreePool(p);

	KUNIT_EXPECT_TRUE(test, NT_SUCCESS(STATUS_SUCCESS));
	KUNIT_EXPECT_FALSE(test, NT_SUCCESS(STATUS_NOT_IMPLEMENTED));
}

static NTSTATUS a_handler(PIRP Irp, PKSIDENTIFIER Request, PVOID Data)
{
	return STATUS_SUCCESS;
}

static const KSPROPERTY_STEPPING_LONG range[] = { { 10, 0, { 0, 10000 } } };
static const LONG default_value = 5000;
static const KSPROPERTY_MEMBERSLIST members[] = {
	{ { KSPROPERTY_MEMBER_RANGES, sizeof(range), SIZEOF_ARRAY(range), 0 }, range },
	{ { KSPROPERTY_MEMBER_VALUES, sizeof(default_value), sizeof(default_value),
	    KSPROPERTY_MEMBER_FLAG_DEFAULT }, &default_value },
};
static const KSPROPERTY_VALUES values = {
	{ STATICGUIDOF(KSPROPTYPESETID_General), VT_I4, 0 }, SIZEOF_ARRAY(members), members,
};
static DEFINE_KSPROPERTY_TABLE(items) {
	DEFINE_KSPROPERTY_ITEM(KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, TRUE,
			       sizeof(KSPROPERTY_VIDEOPROCAMP_S), sizeof(KSPROPERTY_VIDEOPROCAMP_S),
			       TRUE, &values, 0, NULL, NULL, sizeof(ULONG)),
	DEFINE_KSPROPERTY_ITEM(KSPROPERTY_VIDEOPROCAMP_HUE, a_handler, 0, 0, FALSE, NULL, 0, NULL,
			       NULL, 0),
};
static DEFINE_KSPROPERTY_SET_TABLE(sets) {
	DEFINE_KSPROPERTY_SET(&PROPSETID_VIDCAP_VIDEOPROCAMP, SIZEOF_ARRAY(items), items, 0,
			      NULL),
};

static const KS_DATARANGE_VIDEO yuy2 = {
	{ sizeof(KS_DATARANGE_VIDEO), 0, 320 * 240 * 2, 0, STATICGUIDOF(KSDATAFORMAT_TYPE_VIDEO),
	  STATICGUIDOF(KSDATAFORMAT_SUBTYPE_YUY2), STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VIDEOINFO) },
	TRUE, FALSE, KS_VIDEOSTREAM_CAPTURE, 0,
};

/* Positional tables as drivers write them, and the GUIDs they name. */
static void tables(struct kunit *test)
{
	static const GUID video = { STATIC_KSDATAFORMAT_TYPE_VIDEO };

	KUNIT_EXPECT_EQ(test, SIZEOF_ARRAY(sets), 1);
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(sets[0].Set, &PROPSETID_VIDCAP_VIDEOPROCAMP));
	KUNIT_EXPECT_EQ(test, sets[0].PropertiesCount, 2);
	KUNIT_EXPECT_TRUE(test, items[0].GetSupported);
	KUNIT_EXPECT_TRUE(test, items[0].SetSupported);
	KUNIT_EXPECT_EQ(test, items[0].MinData, sizeof(KSPROPERTY_VIDEOPROCAMP_S));
	KUNIT_EXPECT_PTR_EQ(test, items[0].Values, &values);
	KUNIT_EXPECT_EQ(test, items[0].SerializedSize, sizeof(ULONG));
	KUNIT_EXPECT_PTR_EQ(test, (void *)items[1].GetPropertyHandler, (void *)a_handler);
	KUNIT_EXPECT_FALSE(test, items[1].SetSupported);
	KUNIT_EXPECT_EQ(test, items[0].Values->MembersList[1].MembersHeader.Flags,
			KSPROPERTY_MEMBER_FLAG_DEFAULT);

	KUNIT_EXPECT_EQ(test, yuy2.DataRange.FormatSize, sizeof(KS_DATARANGE_VIDEO));
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&yuy2.DataRange.MajorFormat, &video));
	KUNIT_EXPECT_EQ(test, yuy2.DataRange.SubFormat.Data1, 0x32595559);
	KUNIT_EXPECT_EQ(test, yuy2.DataRange.SubFormat.Data4[7], 0x71);
	KUNIT_EXPECT_FALSE(test, IsEqualGUID(&KSDATAFORMAT_SUBTYPE_YUY2,
					     &KSDATAFORMAT_SUBTYPE_UYVY));
	KUNIT_EXPECT_EQ(test, KSDATAFORMAT_SPECIFIER_VIDEOINFO.Data1, 0x05589f80);
	KUNIT_EXPECT_EQ(test, PINNAME_VIDEO_CAPTURE.Data4[7], 0xba);
}

/*
 * The IRP's members a minidriver uses, by Microsoft's names: an SRB queued
 * on Tail.Overlay.ListEntry is found again through DriverContext[0], and
 * IoStatus's Status and Pointer share their place.
 */
static void irp(struct kunit *test)
{
	HW_STREAM_REQUEST_BLOCK srb = { .SizeOfThisPacket = sizeof(srb) };
	IRP irps[2] = {};
	LIST_ENTRY queue;
	PLIST_ENTRY entry;
	PIRP found;

	InitializeListHead(&queue);
	srb.Irp = &irps[1];
	srb.Irp->Tail.Overlay.DriverContext[0] = &srb;
	srb.Irp->Tail.Overlay.DriverContext[3] = &queue;
	InsertTailList(&queue, &irps[0].Tail.Overlay.ListEntry);
	InsertTailList(&queue, &srb.Irp->Tail.Overlay.ListEntry);
	RemoveHeadList(&queue);
	entry = RemoveHeadList(&queue);
	KUNIT_EXPECT_TRUE(test, IsListEmpty(&queue));
	found = (PIRP)((PUCHAR)entry - FIELD_OFFSET(IRP, Tail.Overlay.ListEntry));
	KUNIT_EXPECT_PTR_EQ(test, found, &irps[1]);
	KUNIT_EXPECT_PTR_EQ(test, CONTAINING_RECORD(entry, IRP, Tail.Overlay.ListEntry), found);
	KUNIT_EXPECT_PTR_EQ(test, found->Tail.Overlay.DriverContext[0], (PVOID)&srb);
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(found->Tail.Overlay.DriverContext), 4);
	KUNIT_EXPECT_EQ(test, offsetof(IO_STATUS_BLOCK, Status), offsetof(IO_STATUS_BLOCK, Pointer));
	found->IoStatus.Status = STATUS_SUCCESS;
	found->IoStatus.Information = sizeof(KSSTATE);
	KUNIT_EXPECT_EQ(test, sizeof(found->IoStatus.Information), sizeof(PVOID));
}

static struct kunit_case strmini_header_cases[] = {
	KUNIT_CASE(strmini_h_order),
	KUNIT_CASE(ks_h_order),
	KUNIT_CASE(ksmedia_h_order),
	KUNIT_CASE(x64_sizes),
	KUNIT_CASE(ddk_basics),
	KUNIT_CASE(tables),
	KUNIT_CASE(irp),
	{}
};

static struct kunit_suite strmini_header_suite = {
	.name = "streamclass_strmini_headers",
	.test_cases = strmini_header_cases,
};
kunit_test_suite(strmini_header_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit checks of streamclass's strmini.h compatibility headers");
