// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks that the strmini.h compatibility headers (include/streamclass/)
 * lay out each record as Microsoft's compiler does on x86-64, and that each
 * STATIC_* GUID is Windows' list of 11 values. Built with -Werror.
 *
 * The expected numbers are not derived from our headers. Each size,
 * alignment and field offset below is the x86-64 layout of the Windows
 * Server 2003 DDK's headers (strmini.h of inc/ddk/wdm/wxp; ks.h and
 * ksmedia.h of inc/wxp), measured with clang -target x86_64-pc-windows-msvc
 * (sizeof, _Alignof and offsetof of each record and field). Each GUID's 11
 * values are those of the same headers' STATIC_* macro, measured the same
 * way, but for the four video subtypes of the DDK's uuids.h (MEDIASUBTYPE_*:
 * YUY2, UYVY, RGB24; NV12 is the same fourcc pattern), whose values it
 * gives in its comments.
 *
 * strmini_ddk_identifiers.c, in the same module, uses every identifier the
 * DDK's testcap needed and the headers lacked (its build is the check);
 * ddk_identifiers below reads what it counted and computed.
 *
 * Also here: DBG is 0 when a driver does not define it, and the debugging
 * macros then compile out (streamclass_strmini_api_test.c checks DBG 1);
 * and the DDK way of naming a driver's own GUID.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <streamclass/strmini.h>
#include <streamclass/ksmedia.h>
#include "ntstatus.h"
#include "strmini_ddk_identifiers.h"

struct x64_field {
	const char *name;
	size_t offset;		/* ours */
	size_t x64;		/* Microsoft's, measured */
};

struct x64_record {
	const char *type;
	size_t size, x64_size;
	size_t align, x64_align;
	const struct x64_field *fields;
	size_t count;
};

#define X(f, x64) { #f, offsetof(T, f), x64 }
#define R(t, size, align) \
	{ #t, sizeof(t), size, __alignof__(t), align, t##_x64, ARRAY_SIZE(t##_x64) }

/* strmini.h */
#define T HW_INITIALIZATION_DATA
static const struct x64_field HW_INITIALIZATION_DATA_x64[] = {
	X(HwInitializationDataSize, 0), X(HwInterrupt, 8), X(HwReceivePacket, 16),
	X(HwCancelPacket, 24), X(HwRequestTimeoutHandler, 32), X(DeviceExtensionSize, 40),
	X(PerRequestExtensionSize, 44), X(PerStreamExtensionSize, 48),
	X(FilterInstanceExtensionSize, 52), X(BusMasterDMA, 56), X(Dma24BitAddresses, 57),
	X(BufferAlignment, 60), X(TurnOffSynchronization, 64), X(DmaBufferSize, 68),
	X(NumNameExtensions, 72), X(NameExtensionArray, 80),
};
#undef T
#define T HW_STREAM_REQUEST_BLOCK
static const struct x64_field HW_STREAM_REQUEST_BLOCK_x64[] = {
	X(SizeOfThisPacket, 0), X(Command, 4), X(Status, 8), X(StreamObject, 16),
	X(HwDeviceExtension, 24), X(SRBExtension, 32), X(CommandData, 40),
	X(NumberOfBuffers, 48), X(TimeoutCounter, 52), X(TimeoutOriginal, 56),
	X(NextSRB, 64), X(Irp, 72), X(Flags, 80), X(HwInstanceExtension, 88),
	X(NumberOfBytesToTransfer, 96), X(ScatterGatherBuffer, 104),
	X(NumberOfPhysicalPages, 112), X(NumberOfScatterGatherElements, 116),
	X(Reserved, 120),
};
#undef T
#define T PORT_CONFIGURATION_INFORMATION
static const struct x64_field PORT_CONFIGURATION_INFORMATION_x64[] = {
	X(SizeOfThisPacket, 0), X(HwDeviceExtension, 8), X(ClassDeviceObject, 16),
	X(PhysicalDeviceObject, 24), X(SystemIoBusNumber, 32), X(AdapterInterfaceType, 36),
	X(BusInterruptLevel, 40), X(BusInterruptVector, 44), X(InterruptMode, 48),
	X(DmaChannel, 52), X(NumberOfAccessRanges, 56), X(AccessRanges, 64),
	X(StreamDescriptorSize, 72), X(Irp, 80), X(InterruptObject, 88),
	X(DmaAdapterObject, 96), X(RealPhysicalDeviceObject, 104), X(Reserved, 112),
};
#undef T
#define T ACCESS_RANGE
static const struct x64_field ACCESS_RANGE_x64[] = {
	X(RangeStart, 0), X(RangeLength, 8), X(RangeInMemory, 12), X(Reserved, 16),
};
#undef T
#define T HW_STREAM_OBJECT
static const struct x64_field HW_STREAM_OBJECT_x64[] = {
	X(SizeOfThisPacket, 0), X(StreamNumber, 4), X(HwStreamExtension, 8),
	X(ReceiveDataPacket, 16), X(ReceiveControlPacket, 24), X(HwClockObject, 32),
	X(Dma, 56), X(Pio, 57), X(HwDeviceExtension, 64), X(StreamHeaderMediaSpecific, 72),
	X(StreamHeaderWorkspace, 76), X(Allocator, 80), X(HwEventRoutine, 88),
	X(Reserved, 96),
};
#undef T
#define T HW_CLOCK_OBJECT
static const struct x64_field HW_CLOCK_OBJECT_x64[] = {
	X(HwClockFunction, 0), X(ClockSupportFlags, 8), X(Reserved, 12),
};
#undef T
#define T HW_STREAM_HEADER
static const struct x64_field HW_STREAM_HEADER_x64[] = {
	X(NumberOfStreams, 0), X(SizeOfHwStreamInformation, 4),
	X(NumDevPropArrayEntries, 8), X(DevicePropertiesArray, 16),
	X(NumDevEventArrayEntries, 24), X(DeviceEventsArray, 32), X(Topology, 40),
	X(DeviceEventRoutine, 48), X(NumDevMethodArrayEntries, 56),
	X(DeviceMethodsArray, 64),
};
#undef T
#define T HW_STREAM_INFORMATION
static const struct x64_field HW_STREAM_INFORMATION_x64[] = {
	X(NumberOfPossibleInstances, 0), X(DataFlow, 4), X(DataAccessible, 8),
	X(NumberOfFormatArrayEntries, 12), X(StreamFormatsArray, 16), X(ClassReserved, 24),
	X(NumStreamPropArrayEntries, 56), X(StreamPropertiesArray, 64),
	X(NumStreamEventArrayEntries, 72), X(StreamEventsArray, 80), X(Category, 88),
	X(Name, 96), X(MediumsCount, 104), X(Mediums, 112), X(BridgeStream, 120),
	X(Reserved, 124),
};
#undef T
#define T HW_STREAM_DESCRIPTOR
static const struct x64_field HW_STREAM_DESCRIPTOR_x64[] = {
	X(StreamHeader, 0), X(StreamInfo, 72),
};
#undef T
#define T STREAM_DATA_INTERSECT_INFO
static const struct x64_field STREAM_DATA_INTERSECT_INFO_x64[] = {
	X(StreamNumber, 0), X(DataRange, 8), X(DataFormatBuffer, 16),
	X(SizeOfDataFormatBuffer, 24),
};
#undef T
#define T STREAM_PROPERTY_DESCRIPTOR
static const struct x64_field STREAM_PROPERTY_DESCRIPTOR_x64[] = {
	X(Property, 0), X(PropertySetID, 8), X(PropertyInfo, 16), X(PropertyInputSize, 24),
	X(PropertyOutputSize, 28),
};
#undef T
#define T HW_TIME_CONTEXT
static const struct x64_field HW_TIME_CONTEXT_x64[] = {
	X(HwDeviceExtension, 0), X(HwStreamObject, 8), X(Function, 16), X(Time, 24),
	X(SystemTime, 32),
};
#undef T
#define T HW_EVENT_DESCRIPTOR
static const struct x64_field HW_EVENT_DESCRIPTOR_x64[] = {
	X(Enable, 0), X(EventEntry, 8), X(EventData, 16), X(StreamObject, 24),
	X(EnableEventSetIndex, 32), X(HwInstanceExtension, 40), X(Reserved, 48),
};
#undef T
#define T STREAM_TIME_REFERENCE
static const struct x64_field STREAM_TIME_REFERENCE_x64[] = {
	X(CurrentOnboardClockValue, 0), X(OnboardClockFrequency, 8),
	X(CurrentSystemTime, 16), X(Reserved, 24),
};
#undef T
#define T KSSCATTER_GATHER
static const struct x64_field KSSCATTER_GATHER_x64[] = {
	X(PhysicalAddress, 0), X(Length, 8),
};
#undef T
static const struct x64_record strmini_h_x64[] = {
	R(HW_INITIALIZATION_DATA, 88, 8), R(HW_STREAM_REQUEST_BLOCK, 128, 8),
	R(PORT_CONFIGURATION_INFORMATION, 120, 8), R(ACCESS_RANGE, 24, 8),
	R(HW_STREAM_OBJECT, 104, 8), R(HW_CLOCK_OBJECT, 24, 8), R(HW_STREAM_HEADER, 72, 8),
	R(HW_STREAM_INFORMATION, 136, 8), R(HW_STREAM_DESCRIPTOR, 208, 8),
	R(STREAM_DATA_INTERSECT_INFO, 32, 8), R(STREAM_PROPERTY_DESCRIPTOR, 32, 8),
	R(HW_TIME_CONTEXT, 40, 8), R(HW_EVENT_DESCRIPTOR, 56, 8),
	R(STREAM_TIME_REFERENCE, 32, 8), R(KSSCATTER_GATHER, 16, 8),
};

/* ks.h */
#define T KSTIME
static const struct x64_field KSTIME_x64[] = {
	X(Time, 0), X(Numerator, 8), X(Denominator, 12),
};
#undef T
#define T KSSTREAM_HEADER
static const struct x64_field KSSTREAM_HEADER_x64[] = {
	X(Size, 0), X(TypeSpecificFlags, 4), X(PresentationTime, 8), X(Duration, 24),
	X(FrameExtent, 32), X(DataUsed, 36), X(Data, 40), X(OptionsFlags, 48),
	X(Reserved, 52),
};
#undef T
#define T KSPROPERTY_ITEM
static const struct x64_field KSPROPERTY_ITEM_x64[] = {
	X(PropertyId, 0), X(GetPropertyHandler, 8), X(MinProperty, 16), X(MinData, 20),
	X(SetPropertyHandler, 24), X(Values, 32), X(RelationsCount, 40), X(Relations, 48),
	X(SupportHandler, 56), X(SerializedSize, 64),
};
#undef T
#define T KSPROPERTY_SET
static const struct x64_field KSPROPERTY_SET_x64[] = {
	X(Set, 0), X(PropertiesCount, 8), X(PropertyItem, 16), X(FastIoCount, 24),
	X(FastIoTable, 32),
};
#undef T
#define T KSPROPERTY_VALUES
static const struct x64_field KSPROPERTY_VALUES_x64[] = {
	X(PropTypeSet, 0), X(MembersListCount, 24), X(MembersList, 32),
};
#undef T
#define T KSPROPERTY_MEMBERSHEADER
static const struct x64_field KSPROPERTY_MEMBERSHEADER_x64[] = {
	X(MembersFlags, 0), X(MembersSize, 4), X(MembersCount, 8), X(Flags, 12),
};
#undef T
#define T GUID
static const struct x64_field GUID_x64[] = {
	X(Data1, 0), X(Data2, 4), X(Data3, 6), X(Data4, 8),
};
#undef T
#define T KSIDENTIFIER
static const struct x64_field KSIDENTIFIER_x64[] = {
	X(Set, 0), X(Id, 16), X(Flags, 20), X(Alignment, 0),
};
#undef T
#define T KSPROPERTY
static const struct x64_field KSPROPERTY_x64[] = {
	X(Set, 0), X(Id, 16), X(Flags, 20), X(Alignment, 0),
};
#undef T
#define T KSPIN_MEDIUM
static const struct x64_field KSPIN_MEDIUM_x64[] = {
	X(Set, 0), X(Id, 16), X(Flags, 20), X(Alignment, 0),
};
#undef T
#define T KSDATAFORMAT
static const struct x64_field KSDATAFORMAT_x64[] = {
	X(FormatSize, 0), X(Flags, 4), X(SampleSize, 8), X(Reserved, 12),
	X(MajorFormat, 16), X(SubFormat, 32), X(Specifier, 48), X(Alignment, 0),
};
#undef T
#define T KSDATARANGE
static const struct x64_field KSDATARANGE_x64[] = {
	X(FormatSize, 0), X(Flags, 4), X(SampleSize, 8), X(Reserved, 12),
	X(MajorFormat, 16), X(SubFormat, 32), X(Specifier, 48), X(Alignment, 0),
};
#undef T
#define T KSMULTIPLE_ITEM
static const struct x64_field KSMULTIPLE_ITEM_x64[] = {
	X(Size, 0), X(Count, 4),
};
#undef T
#define T KSPROPERTY_BOUNDS_LONG
static const struct x64_field KSPROPERTY_BOUNDS_LONG_x64[] = {
	X(SignedMinimum, 0), X(SignedMaximum, 4), X(UnsignedMinimum, 0),
	X(UnsignedMaximum, 4),
};
#undef T
#define T KSPROPERTY_STEPPING_LONG
static const struct x64_field KSPROPERTY_STEPPING_LONG_x64[] = {
	X(SteppingDelta, 0), X(Reserved, 4), X(Bounds, 8), X(Bounds.SignedMinimum, 8),
	X(Bounds.SignedMaximum, 12), X(Bounds.UnsignedMinimum, 8),
	X(Bounds.UnsignedMaximum, 12),
};
#undef T
#define T KSFASTPROPERTY_ITEM
static const struct x64_field KSFASTPROPERTY_ITEM_x64[] = {
	X(PropertyId, 0), X(GetPropertyHandler, 8), X(GetSupported, 8),
	X(SetPropertyHandler, 16), X(SetSupported, 16), X(Reserved, 24),
};
#undef T
#define T KSALLOCATOR_FRAMING
static const struct x64_field KSALLOCATOR_FRAMING_x64[] = {
	X(OptionsFlags, 0), X(RequirementsFlags, 0), X(PoolType, 4), X(Frames, 8),
	X(FrameSize, 12), X(FileAlignment, 16), X(Reserved, 20),
};
#undef T
static const struct x64_record ks_h_x64[] = {
	R(KSTIME, 16, 8), R(KSSTREAM_HEADER, 56, 8), R(KSPROPERTY_ITEM, 72, 8),
	R(KSPROPERTY_SET, 40, 8), R(KSPROPERTY_VALUES, 40, 8),
	R(KSPROPERTY_MEMBERSHEADER, 16, 4), R(GUID, 16, 4), R(KSIDENTIFIER, 24, 8),
	R(KSPROPERTY, 24, 8), R(KSPIN_MEDIUM, 24, 8), R(KSDATAFORMAT, 64, 8),
	R(KSDATARANGE, 64, 8), R(KSMULTIPLE_ITEM, 8, 4), R(KSPROPERTY_BOUNDS_LONG, 8, 4),
	R(KSPROPERTY_STEPPING_LONG, 16, 4), R(KSFASTPROPERTY_ITEM, 32, 8),
	R(KSALLOCATOR_FRAMING, 24, 4),
};

/* ksmedia.h */
#define T KS_BITMAPINFOHEADER
static const struct x64_field KS_BITMAPINFOHEADER_x64[] = {
	X(biSize, 0), X(biWidth, 4), X(biHeight, 8), X(biPlanes, 12), X(biBitCount, 14),
	X(biCompression, 16), X(biSizeImage, 20), X(biXPelsPerMeter, 24),
	X(biYPelsPerMeter, 28), X(biClrUsed, 32), X(biClrImportant, 36),
};
#undef T
#define T KS_VIDEOINFOHEADER
static const struct x64_field KS_VIDEOINFOHEADER_x64[] = {
	X(rcSource, 0), X(rcTarget, 16), X(dwBitRate, 32), X(dwBitErrorRate, 36),
	X(AvgTimePerFrame, 40), X(bmiHeader, 48),
};
#undef T
#define T KS_VIDEO_STREAM_CONFIG_CAPS
static const struct x64_field KS_VIDEO_STREAM_CONFIG_CAPS_x64[] = {
	X(guid, 0), X(VideoStandard, 16), X(InputSize, 20), X(MinCroppingSize, 28),
	X(MaxCroppingSize, 36), X(CropGranularityX, 44), X(CropGranularityY, 48),
	X(CropAlignX, 52), X(CropAlignY, 56), X(MinOutputSize, 60), X(MaxOutputSize, 68),
	X(OutputGranularityX, 76), X(OutputGranularityY, 80), X(StretchTapsX, 84),
	X(StretchTapsY, 88), X(ShrinkTapsX, 92), X(ShrinkTapsY, 96),
	X(MinFrameInterval, 104), X(MaxFrameInterval, 112), X(MinBitsPerSecond, 120),
	X(MaxBitsPerSecond, 124),
};
#undef T
#define T KS_DATARANGE_VIDEO
static const struct x64_field KS_DATARANGE_VIDEO_x64[] = {
	X(DataRange, 0), X(bFixedSizeSamples, 64), X(bTemporalCompression, 68),
	X(StreamDescriptionFlags, 72), X(MemoryAllocationFlags, 76), X(ConfigCaps, 80),
	X(VideoInfoHeader, 208),
};
#undef T
#define T KS_DATAFORMAT_VIDEOINFOHEADER
static const struct x64_field KS_DATAFORMAT_VIDEOINFOHEADER_x64[] = {
	X(DataFormat, 0), X(VideoInfoHeader, 64),
};
#undef T
#define T KS_FRAME_INFO
static const struct x64_field KS_FRAME_INFO_x64[] = {
	X(ExtendedHeaderSize, 0), X(dwFrameFlags, 4), X(PictureNumber, 8),
	X(DropCount, 16), X(hDirectDraw, 24), X(hSurfaceHandle, 32), X(DirectDrawRect, 40),
	X(Reserved1, 56), X(Reserved2, 60), X(Reserved3, 64), X(Reserved4, 68),
};
#undef T
#define T KSPROPERTY_VIDEOPROCAMP_S
static const struct x64_field KSPROPERTY_VIDEOPROCAMP_S_x64[] = {
	X(Property, 0), X(Value, 24), X(Flags, 28), X(Capabilities, 32),
};
#undef T
#define T KS_VBIINFOHEADER
static const struct x64_field KS_VBIINFOHEADER_x64[] = {
	X(StartLine, 0), X(EndLine, 4), X(SamplingFrequency, 8), X(MinLineStartTime, 12),
	X(MaxLineStartTime, 16), X(ActualLineStartTime, 20), X(ActualLineEndTime, 24),
	X(VideoStandard, 28), X(SamplesPerLine, 32), X(StrideInBytes, 36),
	X(BufferSize, 40),
};
#undef T
#define T KS_ANALOGVIDEOINFO
static const struct x64_field KS_ANALOGVIDEOINFO_x64[] = {
	X(rcSource, 0), X(rcTarget, 16), X(dwActiveWidth, 32), X(dwActiveHeight, 36),
	X(AvgTimePerFrame, 40),
};
#undef T
#define T KS_TVTUNER_CHANGE_INFO
static const struct x64_field KS_TVTUNER_CHANGE_INFO_x64[] = {
	X(dwFlags, 0), X(dwCountryCode, 4), X(dwAnalogVideoStandard, 8), X(dwChannel, 12),
};
#undef T
#define T KS_DATARANGE_VIDEO_VBI
static const struct x64_field KS_DATARANGE_VIDEO_VBI_x64[] = {
	X(DataRange, 0), X(bFixedSizeSamples, 64), X(bTemporalCompression, 68),
	X(StreamDescriptionFlags, 72), X(MemoryAllocationFlags, 76), X(ConfigCaps, 80),
	X(VBIInfoHeader, 208),
};
#undef T
#define T KS_DATARANGE_ANALOGVIDEO
static const struct x64_field KS_DATARANGE_ANALOGVIDEO_x64[] = {
	X(DataRange, 0), X(AnalogVideoInfo, 64),
};
#undef T
#define T KS_DATAFORMAT_VBIINFOHEADER
static const struct x64_field KS_DATAFORMAT_VBIINFOHEADER_x64[] = {
	X(DataFormat, 0), X(VBIInfoHeader, 64),
};
#undef T
#define T KS_VBI_FRAME_INFO
static const struct x64_field KS_VBI_FRAME_INFO_x64[] = {
	X(ExtendedHeaderSize, 0), X(dwFrameFlags, 4), X(PictureNumber, 8),
	X(DropCount, 16), X(dwSamplingFrequency, 24), X(TvTunerChangeInfo, 28),
	X(VBIInfoHeader, 44),
};
#undef T
#define T VBICAP_PROPERTIES_PROTECTION_S
static const struct x64_field VBICAP_PROPERTIES_PROTECTION_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(Status, 28),
};
#undef T
#define T VBICODECFILTERING_SCANLINES
static const struct x64_field VBICODECFILTERING_SCANLINES_x64[] = {
	X(DwordBitArray, 0),
};
#undef T
#define T CC_BYTE_PAIR
static const struct x64_field CC_BYTE_PAIR_x64[] = {
	X(Decoded, 0), X(Reserved, 2),
};
#undef T
#define T CC_HW_FIELD
static const struct x64_field CC_HW_FIELD_x64[] = {
	X(ScanlinesRequested, 0), X(fieldFlags, 128), X(PictureNumber, 136), X(Lines, 144),
};
#undef T
#define T NABTS_BUFFER_LINE
static const struct x64_field NABTS_BUFFER_LINE_x64[] = {
	X(Confidence, 0), X(Bytes, 1),
};
#undef T
#define T NABTS_BUFFER
static const struct x64_field NABTS_BUFFER_x64[] = {
	X(ScanlinesRequested, 0), X(PictureNumber, 128), X(NabtsLines, 136),
};
#undef T
#define T KSPROPERTY_TUNER_CAPS_S
static const struct x64_field KSPROPERTY_TUNER_CAPS_S_x64[] = {
	X(Property, 0), X(ModesSupported, 24), X(VideoMedium, 32), X(TVAudioMedium, 56),
	X(RadioAudioMedium, 80),
};
#undef T
#define T KSPROPERTY_TUNER_IF_MEDIUM_S
static const struct x64_field KSPROPERTY_TUNER_IF_MEDIUM_S_x64[] = {
	X(Property, 0), X(IFMedium, 24),
};
#undef T
#define T KSPROPERTY_TUNER_MODE_CAPS_S
static const struct x64_field KSPROPERTY_TUNER_MODE_CAPS_S_x64[] = {
	X(Property, 0), X(Mode, 24), X(StandardsSupported, 28), X(MinFrequency, 32),
	X(MaxFrequency, 36), X(TuningGranularity, 40), X(NumberOfInputs, 44),
	X(SettlingTime, 48), X(Strategy, 52),
};
#undef T
#define T KSPROPERTY_TUNER_MODE_S
static const struct x64_field KSPROPERTY_TUNER_MODE_S_x64[] = {
	X(Property, 0), X(Mode, 24),
};
#undef T
#define T KSPROPERTY_TUNER_FREQUENCY_S
static const struct x64_field KSPROPERTY_TUNER_FREQUENCY_S_x64[] = {
	X(Property, 0), X(Frequency, 24), X(LastFrequency, 28), X(TuningFlags, 32),
	X(VideoSubChannel, 36), X(AudioSubChannel, 40), X(Channel, 44), X(Country, 48),
};
#undef T
#define T KSPROPERTY_TUNER_STANDARD_S
static const struct x64_field KSPROPERTY_TUNER_STANDARD_S_x64[] = {
	X(Property, 0), X(Standard, 24),
};
#undef T
#define T KSPROPERTY_TUNER_INPUT_S
static const struct x64_field KSPROPERTY_TUNER_INPUT_S_x64[] = {
	X(Property, 0), X(InputIndex, 24),
};
#undef T
#define T KSPROPERTY_TUNER_STATUS_S
static const struct x64_field KSPROPERTY_TUNER_STATUS_S_x64[] = {
	X(Property, 0), X(CurrentFrequency, 24), X(PLLOffset, 28), X(SignalStrength, 32),
	X(Busy, 36),
};
#undef T
#define T KSPROPERTY_VIDEODECODER_CAPS_S
static const struct x64_field KSPROPERTY_VIDEODECODER_CAPS_S_x64[] = {
	X(Property, 0), X(StandardsSupported, 24), X(Capabilities, 28),
	X(SettlingTime, 32), X(HSyncPerVSync, 36),
};
#undef T
#define T KSPROPERTY_VIDEODECODER_STATUS_S
static const struct x64_field KSPROPERTY_VIDEODECODER_STATUS_S_x64[] = {
	X(Property, 0), X(NumberOfLines, 24), X(SignalLocked, 28),
};
#undef T
#define T KSPROPERTY_VIDEODECODER_S
static const struct x64_field KSPROPERTY_VIDEODECODER_S_x64[] = {
	X(Property, 0), X(Value, 24),
};
#undef T
#define T KSPROPERTY_CAMERACONTROL_S
static const struct x64_field KSPROPERTY_CAMERACONTROL_S_x64[] = {
	X(Property, 0), X(Value, 24), X(Flags, 28), X(Capabilities, 32),
};
#undef T
#define T KSPROPERTY_CROSSBAR_CAPS_S
static const struct x64_field KSPROPERTY_CROSSBAR_CAPS_S_x64[] = {
	X(Property, 0), X(NumberOfInputs, 24), X(NumberOfOutputs, 28),
};
#undef T
#define T KSPROPERTY_CROSSBAR_PININFO_S
static const struct x64_field KSPROPERTY_CROSSBAR_PININFO_S_x64[] = {
	X(Property, 0), X(Direction, 24), X(Index, 28), X(PinType, 32),
	X(RelatedPinIndex, 36), X(Medium, 40),
};
#undef T
#define T KSPROPERTY_CROSSBAR_ROUTE_S
static const struct x64_field KSPROPERTY_CROSSBAR_ROUTE_S_x64[] = {
	X(Property, 0), X(IndexInputPin, 24), X(IndexOutputPin, 28), X(CanRoute, 32),
};
#undef T
#define T KSPROPERTY_TVAUDIO_CAPS_S
static const struct x64_field KSPROPERTY_TVAUDIO_CAPS_S_x64[] = {
	X(Property, 0), X(Capabilities, 24), X(InputMedium, 32), X(OutputMedium, 56),
};
#undef T
#define T KSPROPERTY_TVAUDIO_S
static const struct x64_field KSPROPERTY_TVAUDIO_S_x64[] = {
	X(Property, 0), X(Mode, 24),
};
#undef T
#define T KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S
static const struct x64_field KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(DefaultKeyFrameRate, 28),
	X(DefaultPFrameRate, 32), X(DefaultQuality, 36), X(NumberOfQualitySettings, 40),
	X(Capabilities, 44),
};
#undef T
#define T KSPROPERTY_VIDEOCOMPRESSION_S
static const struct x64_field KSPROPERTY_VIDEOCOMPRESSION_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(Value, 28),
};
#undef T
#define T KSPROPERTY_VIDEOCONTROL_CAPS_S
static const struct x64_field KSPROPERTY_VIDEOCONTROL_CAPS_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(VideoControlCaps, 28),
};
#undef T
#define T KSPROPERTY_VIDEOCONTROL_MODE_S
static const struct x64_field KSPROPERTY_VIDEOCONTROL_MODE_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(Mode, 28),
};
#undef T
#define T KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S
static const struct x64_field KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(RangeIndex, 28), X(Dimensions, 32),
	X(CurrentActualFrameRate, 40), X(CurrentMaxAvailableFrameRate, 48),
};
#undef T
#define T KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S
static const struct x64_field KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S_x64[] = {
	X(Property, 0), X(StreamIndex, 24), X(RangeIndex, 28), X(Dimensions, 32),
};
#undef T
#define T KSPROPERTY_DROPPEDFRAMES_CURRENT_S
static const struct x64_field KSPROPERTY_DROPPEDFRAMES_CURRENT_S_x64[] = {
	X(Property, 0), X(PictureNumber, 24), X(DropCount, 32), X(AverageFrameSize, 40),
};
#undef T
static const struct x64_record ksmedia_h_x64[] = {
	R(KS_BITMAPINFOHEADER, 40, 4), R(KS_VIDEOINFOHEADER, 88, 8),
	R(KS_VIDEO_STREAM_CONFIG_CAPS, 128, 8), R(KS_DATARANGE_VIDEO, 296, 8),
	R(KS_DATAFORMAT_VIDEOINFOHEADER, 152, 8), R(KS_FRAME_INFO, 72, 8),
	R(KSPROPERTY_VIDEOPROCAMP_S, 40, 8), R(KS_VBIINFOHEADER, 44, 4),
	R(KS_ANALOGVIDEOINFO, 48, 8), R(KS_TVTUNER_CHANGE_INFO, 16, 4),
	R(KS_DATARANGE_VIDEO_VBI, 256, 8), R(KS_DATARANGE_ANALOGVIDEO, 112, 8),
	R(KS_DATAFORMAT_VBIINFOHEADER, 112, 8), R(KS_VBI_FRAME_INFO, 88, 8),
	R(VBICAP_PROPERTIES_PROTECTION_S, 32, 8), R(VBICODECFILTERING_SCANLINES, 128, 4),
	R(CC_BYTE_PAIR, 4, 2), R(CC_HW_FIELD, 192, 8), R(NABTS_BUFFER_LINE, 37, 1),
	R(NABTS_BUFFER, 543, 1), R(KSPROPERTY_TUNER_CAPS_S, 104, 8),
	R(KSPROPERTY_TUNER_IF_MEDIUM_S, 48, 8), R(KSPROPERTY_TUNER_MODE_CAPS_S, 56, 8),
	R(KSPROPERTY_TUNER_MODE_S, 32, 8), R(KSPROPERTY_TUNER_FREQUENCY_S, 56, 8),
	R(KSPROPERTY_TUNER_STANDARD_S, 32, 8), R(KSPROPERTY_TUNER_INPUT_S, 32, 8),
	R(KSPROPERTY_TUNER_STATUS_S, 40, 8), R(KSPROPERTY_VIDEODECODER_CAPS_S, 40, 8),
	R(KSPROPERTY_VIDEODECODER_STATUS_S, 32, 8), R(KSPROPERTY_VIDEODECODER_S, 32, 8),
	R(KSPROPERTY_CAMERACONTROL_S, 40, 8), R(KSPROPERTY_CROSSBAR_CAPS_S, 32, 8),
	R(KSPROPERTY_CROSSBAR_PININFO_S, 64, 8), R(KSPROPERTY_CROSSBAR_ROUTE_S, 40, 8),
	R(KSPROPERTY_TVAUDIO_CAPS_S, 80, 8), R(KSPROPERTY_TVAUDIO_S, 32, 8),
	R(KSPROPERTY_VIDEOCOMPRESSION_GETINFO_S, 48, 8),
	R(KSPROPERTY_VIDEOCOMPRESSION_S, 32, 8), R(KSPROPERTY_VIDEOCONTROL_CAPS_S, 32, 8),
	R(KSPROPERTY_VIDEOCONTROL_MODE_S, 32, 8),
	R(KSPROPERTY_VIDEOCONTROL_ACTUAL_FRAME_RATE_S, 56, 8),
	R(KSPROPERTY_VIDEOCONTROL_FRAME_RATES_S, 40, 8),
	R(KSPROPERTY_DROPPEDFRAMES_CURRENT_S, 48, 8),
};
static void check_records(struct kunit *test, const struct x64_record *r, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, r[i].size, r[i].x64_size, "sizeof(%s)", r[i].type);
		KUNIT_EXPECT_EQ_MSG(test, r[i].align, r[i].x64_align, "alignment of %s",
				    r[i].type);
		for (k = 0; k < r[i].count; k++)
			KUNIT_EXPECT_EQ_MSG(test, r[i].fields[k].offset, r[i].fields[k].x64,
					    "offset of %s.%s", r[i].type, r[i].fields[k].name);
	}
}

static void strmini_h_x64_layouts(struct kunit *test)
{
	check_records(test, strmini_h_x64, ARRAY_SIZE(strmini_h_x64));
}

static void ks_h_x64_layouts(struct kunit *test)
{
	check_records(test, ks_h_x64, ARRAY_SIZE(ks_h_x64));
}

static void ksmedia_h_x64_layouts(struct kunit *test)
{
	check_records(test, ksmedia_h_x64, ARRAY_SIZE(ksmedia_h_x64));
}

/*
 * A GUID: its STATIC_ list as an array (so its count shows), its object
 * and the 11 values of Microsoft's headers.
 */
struct guid_case {
	const char *name;
	const u64 *values;
	size_t count;
	const GUID *object;
	u64 x64[11];
};

#define G(name, ...)                                                                  \
	{ #name, (const u64[]){ STATIC_##name },                                     \
	  sizeof((const u64[]){ STATIC_##name }) / sizeof(u64), &name, { __VA_ARGS__ } }

static const struct guid_case guids[] = {
	G(EVENTSETID_CROSSBAR,
	  0x6a2e0641, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(EVENTSETID_TUNER,
	  0x6a2e0606, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(EVENTSETID_VIDEODECODER,
	  0x6a2e0621, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(GUID_NULL,
	  0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	G(KSCATEGORY_CAPTURE,
	  0x65e8773d, 0x8f56, 0x11d0, 0xa3, 0xb9, 0x00, 0xa0, 0xc9, 0x22, 0x31, 0x96),
	G(KSCATEGORY_CROSSBAR,
	  0xa799a801, 0xa46d, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0x24, 0x01, 0xdc, 0xd4),
	G(KSCATEGORY_TVAUDIO,
	  0xa799a802, 0xa46d, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0x24, 0x01, 0xdc, 0xd4),
	G(KSCATEGORY_TVTUNER,
	  0xa799a800, 0xa46d, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0x24, 0x01, 0xdc, 0xd4),
	G(KSCATEGORY_VBICODEC,
	  0x07dad660, 0x22f1, 0x11d1, 0xa9, 0xf4, 0x00, 0xc0, 0x4f, 0xbb, 0xde, 0x8f),
	G(KSCATEGORY_VIDEO,
	  0x6994ad05, 0x93ef, 0x11d0, 0xa3, 0xcc, 0x00, 0xa0, 0xc9, 0x22, 0x31, 0x96),
	G(KSCATEGORY_VPMUX,
	  0xa799a803, 0xa46d, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0x24, 0x01, 0xdc, 0xd4),
	G(KSDATAFORMAT_SPECIFIER_ANALOGVIDEO,
	  0x0482dde0, 0x7817, 0x11cf, 0x8a, 0x03, 0x00, 0xaa, 0x00, 0x6e, 0xcb, 0x65),
	G(KSDATAFORMAT_SPECIFIER_NONE,
	  0x0f6417d6, 0xc318, 0x11d0, 0xa4, 0x3f, 0x00, 0xa0, 0xc9, 0x22, 0x31, 0x96),
	G(KSDATAFORMAT_SPECIFIER_VBI,
	  0xf72a76e0, 0xeb0a, 0x11d0, 0xac, 0xe4, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(KSDATAFORMAT_SPECIFIER_VIDEOINFO,
	  0x05589f80, 0xc356, 0x11ce, 0xbf, 0x01, 0x00, 0xaa, 0x00, 0x55, 0x59, 0x5a),
	G(KSDATAFORMAT_SPECIFIER_WILDCARD,
	  0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	G(KSDATAFORMAT_SUBTYPE_CC,
	  0x33214cc1, 0x011f, 0x11d2, 0xb4, 0xb1, 0x00, 0xa0, 0xd1, 0x02, 0xcf, 0xbe),
	G(KSDATAFORMAT_SUBTYPE_NABTS,
	  0xf72a76e2, 0xeb0a, 0x11d0, 0xac, 0xe4, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(KSDATAFORMAT_SUBTYPE_NABTS_FEC,
	  0xe757bca1, 0x39ac, 0x11d1, 0xa9, 0xf5, 0x00, 0xc0, 0x4f, 0xbb, 0xde, 0x8f),
	G(KSDATAFORMAT_SUBTYPE_NONE,
	  0xe436eb8e, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70),
	G(KSDATAFORMAT_SUBTYPE_RAW8,
	  0xca20d9a0, 0x3e3e, 0x11d1, 0x9b, 0xf9, 0x00, 0xc0, 0x4f, 0xbb, 0xde, 0xbf),
	G(KSDATAFORMAT_SUBTYPE_TELETEXT,
	  0xf72a76e3, 0xeb0a, 0x11d0, 0xac, 0xe4, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(KSDATAFORMAT_SUBTYPE_WILDCARD,
	  0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	G(KSDATAFORMAT_TYPE_ANALOGVIDEO,
	  0x0482dde1, 0x7817, 0x11cf, 0x8a, 0x03, 0x00, 0xaa, 0x00, 0x6e, 0xcb, 0x65),
	G(KSDATAFORMAT_TYPE_NABTS,
	  0xe757bca0, 0x39ac, 0x11d1, 0xa9, 0xf5, 0x00, 0xc0, 0x4f, 0xbb, 0xde, 0x8f),
	G(KSDATAFORMAT_TYPE_VBI,
	  0xf72a76e1, 0xeb0a, 0x11d0, 0xac, 0xe4, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(KSDATAFORMAT_TYPE_VIDEO,
	  0x73646976, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_TYPE_WILDCARD,
	  0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	G(KSEVENTSETID_VIDCAP_TVAUDIO,
	  0x6a2e0651, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(KSMEDIUMSETID_Standard,
	  0x4747b320, 0x62ce, 0x11cf, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00),
	G(KSPROPSETID_Connection,
	  0x1d58c920, 0xac9b, 0x11cf, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00),
	G(KSPROPSETID_VBICAP_PROPERTIES,
	  0xf162c607, 0x7b35, 0x496f, 0xad, 0x7f, 0x2d, 0xca, 0x3b, 0x46, 0xb7, 0x18),
	G(KSPROPTYPESETID_General,
	  0x97e99ba0, 0xbdea, 0x11cf, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00),
	G(PINNAME_VIDEO_ANALOGVIDEOIN,
	  0xfb6c4283, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_CAPTURE,
	  0xfb6c4281, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_CC,
	  0xfb6c4289, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_CC_CAPTURE,
	  0x1aad8061, 0x012d, 0x11d2, 0xb4, 0xb1, 0x00, 0xa0, 0xd1, 0x02, 0xcf, 0xbe),
	G(PINNAME_VIDEO_NABTS,
	  0xfb6c4286, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_NABTS_CAPTURE,
	  0x29703660, 0x498a, 0x11d2, 0xb4, 0xb1, 0x00, 0xa0, 0xd1, 0x02, 0xcf, 0xbe),
	G(PINNAME_VIDEO_PREVIEW,
	  0xfb6c4282, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_STILL,
	  0xfb6c428a, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PINNAME_VIDEO_VBI,
	  0xfb6c4284, 0x0353, 0x11d1, 0x90, 0x5f, 0x00, 0x00, 0xc0, 0xcc, 0x16, 0xba),
	G(PROPSETID_TUNER,
	  0x6a2e0605, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_CAMERACONTROL,
	  0xc6e13370, 0x30ac, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_CROSSBAR,
	  0x6a2e0640, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_DROPPEDFRAMES,
	  0xc6e13344, 0x30ac, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_TVAUDIO,
	  0x6a2e0650, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_VIDEOCOMPRESSION,
	  0xc6e13343, 0x30ac, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_VIDEOCONTROL,
	  0x6a2e0670, 0x28e4, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_VIDEODECODER,
	  0xc6e13350, 0x30ac, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(PROPSETID_VIDCAP_VIDEOPROCAMP,
	  0xc6e13360, 0x30ac, 0x11d0, 0xa1, 0x8c, 0x00, 0xa0, 0xc9, 0x11, 0x89, 0x56),
	G(KSDATAFORMAT_SUBTYPE_YUY2,
	  0x32595559, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_UYVY,
	  0x59565955, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_NV12,
	  0x3231564e, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_RGB24,
	  0xe436eb7d, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70),
	/*
	 * The subtypes the formats table maps: a fourcc's is the fourcc with
	 * DirectShow's FOURCC base GUID; the RGB ones are DirectShow's
	 * MEDIASUBTYPE_RGB565/555/32 (public DirectShow headers, uuids.h).
	 */
	G(KSDATAFORMAT_SUBTYPE_YVYU,
	  0x55595659, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_YV12,
	  0x32315659, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_IYUV,
	  0x56555949, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_I420,
	  0x30323449, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_Y41P,
	  0x50313459, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_YVU9,
	  0x39555659, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_Y8,
	  0x20203859, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_Y800,
	  0x30303859, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71),
	G(KSDATAFORMAT_SUBTYPE_RGB565,
	  0xe436eb7b, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70),
	G(KSDATAFORMAT_SUBTYPE_RGB555,
	  0xe436eb7c, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70),
	G(KSDATAFORMAT_SUBTYPE_RGB32,
	  0xe436eb7e, 0x524f, 0x11ce, 0x9f, 0x53, 0x00, 0x20, 0xaf, 0x0b, 0xa7, 0x70),
};

/* Each STATIC_ list: 11 values, Microsoft's; the object holds them. */
static void static_guids(struct kunit *test)
{
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(guids); i++) {
		const struct guid_case *g = &guids[i];

		KUNIT_EXPECT_EQ_MSG(test, g->count, 11, "STATIC_%s", g->name);
		for (k = 0; k < 11 && k < g->count; k++)
			KUNIT_EXPECT_EQ_MSG(test, g->values[k], g->x64[k], "STATIC_%s, value %zu",
					    g->name, k);
		KUNIT_EXPECT_EQ_MSG(test, g->object->Data1, g->x64[0], "%s", g->name);
		KUNIT_EXPECT_EQ_MSG(test, g->object->Data2, g->x64[1], "%s", g->name);
		KUNIT_EXPECT_EQ_MSG(test, g->object->Data3, g->x64[2], "%s", g->name);
		for (k = 0; k < 8; k++)
			KUNIT_EXPECT_EQ_MSG(test, g->object->Data4[k], g->x64[3 + k], "%s", g->name);
	}
}

/* A driver's own GUID, named the DDK way. */
#define STATIC_STRMINI_TEST_SET \
	0x12345678, 0x9abc, 0xdef0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
DEFINE_GUIDSTRUCT("12345678-9ABC-DEF0-0123-456789ABCDEF", STRMINI_TEST_SET);
#define STRMINI_TEST_SET DEFINE_GUIDNAMED(STRMINI_TEST_SET)

/* Positional initializers as DDK drivers write them (brace elision). */
static const KSPIN_MEDIUM medium = { STATIC_KSMEDIUMSETID_Standard, 7, 0 };
static const KSDATARANGE one_level = {
	sizeof(KSDATARANGE), 0, 1, 0, STATICGUIDOF(KSDATAFORMAT_TYPE_VBI),
	STATICGUIDOF(KSDATAFORMAT_SUBTYPE_RAW8), STATICGUIDOF(KSDATAFORMAT_SPECIFIER_VBI)
};
static const KSDATARANGE two_level = {
	{ sizeof(KSDATARANGE), 0, 2, 0, { STATIC_KSDATAFORMAT_TYPE_VBI },
	  { STATIC_KSDATAFORMAT_SUBTYPE_CC }, { STATIC_KSDATAFORMAT_SPECIFIER_VBI } }
};
static const KSPROPERTY_STEPPING_LONG stepping = { 1, 0, { -5, 5 } };

static void ddk_guid_patterns(struct kunit *test)
{
	static const GUID mine = { STATIC_STRMINI_TEST_SET };
	static const GUID null = { STATIC_GUID_NULL };

	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&STRMINI_TEST_SET, &mine));
	KUNIT_EXPECT_EQ(test, STRMINI_TEST_SET.Data1, 0x12345678);
	KUNIT_EXPECT_EQ(test, STRMINI_TEST_SET.Data4[7], 0xef);
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&KSDATAFORMAT_TYPE_WILDCARD, &null));

	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&medium.Set, &KSMEDIUMSETID_Standard));
	KUNIT_EXPECT_EQ(test, medium.Id, 7);
	KUNIT_EXPECT_EQ(test, one_level.SampleSize, 1);
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&one_level.SubFormat, &KSDATAFORMAT_SUBTYPE_RAW8));
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&one_level.Specifier, &KSDATAFORMAT_SPECIFIER_VBI));
	KUNIT_EXPECT_EQ(test, two_level.SampleSize, 2);
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(&two_level.SubFormat, &KSDATAFORMAT_SUBTYPE_CC));
	KUNIT_EXPECT_EQ(test, stepping.Bounds.SignedMinimum, -5);
	KUNIT_EXPECT_EQ(test, stepping.Bounds.UnsignedMaximum, 5);
	KUNIT_EXPECT_EQ(test, stepping.Bounds.UnsignedMinimum, 0xfffffffb);
}

/* DBG is 0 here (not defined): the checked build's macros are nothing. */
static void free_build(struct kunit *test)
{
	int n = 0;

	KUNIT_EXPECT_EQ(test, DBG, 0);
	ASSERT(++n == 100);
	KdPrint(("strmini_layout: KdPrint in a free build: never shown %d\n", ++n));
	DebugPrint((DebugLevelFatal, "strmini_layout: DebugPrint in a free build %d\n", ++n));
	DEBUG_ASSERT(++n == 100);
	KdBreakPoint();
	DEBUG_BREAKPOINT();
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, STATUS_NO_MATCH, (NTSTATUS)0xC0000272);
	KUNIT_EXPECT_EQ(test, STATUS_NO_DATA_DETECTED, (NTSTATUS)0x80000022);
	KUNIT_EXPECT_FALSE(test, NT_SUCCESS(STATUS_NO_DATA_DETECTED));
}

/* strmini_ddk_identifiers.c built: its tables are whole, its macros right. */
static void ddk_identifiers(struct kunit *test)
{
	struct strmini_ddk_identifiers ids = {};

	strmini_ddk_identifiers(&ids);
	KUNIT_EXPECT_EQ(test, ids.constants, 211);
	KUNIT_EXPECT_EQ(test, ids.sizes, 82);
	KUNIT_EXPECT_EQ(test, ids.guid_objects, 26);
	KUNIT_EXPECT_EQ(test, ids.static_guids, 27);
	KUNIT_EXPECT_TRUE(test, IsEqualGUID(ids.first_object, &PROPSETID_TUNER));
	KUNIT_EXPECT_EQ(test, ids.first_static_guid, 0);	/* GUID_NULL, sorted first */
	KUNIT_EXPECT_EQ(test, ids.last_constant, KS_Obsolete_VideoControlFlag_Trigger);
	KUNIT_EXPECT_EQ(test, ids.first_size, sizeof(KS_TVTUNER_CHANGE_INFO));
	/* 320 pixels of 24 bits: 960 bytes a line, 240 lines, either way up. */
	KUNIT_EXPECT_EQ(test, ids.dib_width_bytes, 960);
	KUNIT_EXPECT_EQ(test, ids.dib_size_bottom_up, 960 * 240);
	KUNIT_EXPECT_EQ(test, ids.dib_size_top_down, 960 * 240);
	KUNIT_EXPECT_EQ(test, ids.calls, 2);
}

static struct kunit_case strmini_layout_cases[] = {
	KUNIT_CASE(strmini_h_x64_layouts),
	KUNIT_CASE(ks_h_x64_layouts),
	KUNIT_CASE(ksmedia_h_x64_layouts),
	KUNIT_CASE(static_guids),
	KUNIT_CASE(ddk_guid_patterns),
	KUNIT_CASE(ddk_identifiers),
	KUNIT_CASE(free_build),
	{}
};

static struct kunit_suite strmini_layout_suite = {
	.name = "streamclass_strmini_layouts",
	.test_cases = strmini_layout_cases,
};
kunit_test_suite(strmini_layout_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit checks of the strmini.h headers against Microsoft's x86-64 layouts");
