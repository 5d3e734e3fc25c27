// SPDX-License-Identifier: GPL-2.0
/*
 * TvCap's property sets: the tuner, the crossbar, the analog video decoder
 * and the TV audio decoder, answered from the device extension so that
 * what is set reads back and a change shows in the related properties
 * (a frequency in the tuner status, a route or a standard in the decoder
 * status and caps). Per KS, a get reads its selector fields (a tuner
 * mode, a crossbar pin) from the property (pSPD->Property) and writes
 * the answer to pSPD->PropertyInfo; a set reads its value from
 * pSPD->PropertyInfo.
 */
#include "tvcap.h"

#define TV_GET_SET(Id, Type) \
	DEFINE_KSPROPERTY_ITEM(Id, TRUE, sizeof(Type), sizeof(Type), TRUE, NULL, 0, NULL, NULL, 0)
#define TV_GET(Id, Type) \
	DEFINE_KSPROPERTY_ITEM(Id, TRUE, sizeof(Type), sizeof(Type), FALSE, NULL, 0, NULL, NULL, 0)

static DEFINE_KSPROPERTY_TABLE(TunerItems) {
	TV_GET(KSPROPERTY_TUNER_CAPS, KSPROPERTY_TUNER_CAPS_S),
	TV_GET(KSPROPERTY_TUNER_MODE_CAPS, KSPROPERTY_TUNER_MODE_CAPS_S),
	TV_GET_SET(KSPROPERTY_TUNER_MODE, KSPROPERTY_TUNER_MODE_S),
	TV_GET_SET(KSPROPERTY_TUNER_STANDARD, KSPROPERTY_TUNER_STANDARD_S),
	TV_GET_SET(KSPROPERTY_TUNER_FREQUENCY, KSPROPERTY_TUNER_FREQUENCY_S),
	TV_GET_SET(KSPROPERTY_TUNER_INPUT, KSPROPERTY_TUNER_INPUT_S),
	TV_GET(KSPROPERTY_TUNER_STATUS, KSPROPERTY_TUNER_STATUS_S),
};

static DEFINE_KSPROPERTY_TABLE(CrossbarItems) {
	TV_GET(KSPROPERTY_CROSSBAR_CAPS, KSPROPERTY_CROSSBAR_CAPS_S),
	TV_GET(KSPROPERTY_CROSSBAR_PININFO, KSPROPERTY_CROSSBAR_PININFO_S),
	TV_GET(KSPROPERTY_CROSSBAR_CAN_ROUTE, KSPROPERTY_CROSSBAR_ROUTE_S),
	TV_GET_SET(KSPROPERTY_CROSSBAR_ROUTE, KSPROPERTY_CROSSBAR_ROUTE_S),
};

static DEFINE_KSPROPERTY_TABLE(DecoderItems) {
	TV_GET(KSPROPERTY_VIDEODECODER_CAPS, KSPROPERTY_VIDEODECODER_CAPS_S),
	TV_GET_SET(KSPROPERTY_VIDEODECODER_STANDARD, KSPROPERTY_VIDEODECODER_S),
	TV_GET(KSPROPERTY_VIDEODECODER_STATUS, KSPROPERTY_VIDEODECODER_STATUS_S),
};

static DEFINE_KSPROPERTY_TABLE(TvAudioItems) {
	TV_GET(KSPROPERTY_TVAUDIO_CAPS, KSPROPERTY_TVAUDIO_CAPS_S),
	TV_GET_SET(KSPROPERTY_TVAUDIO_MODE, KSPROPERTY_TVAUDIO_S),
	TV_GET(KSPROPERTY_TVAUDIO_CURRENTLY_AVAILABLE_MODES, KSPROPERTY_TVAUDIO_S),
};

/* PropertySetID is the index here. */
enum { SET_TUNER, SET_CROSSBAR, SET_DECODER, SET_TVAUDIO };

DEFINE_KSPROPERTY_SET_TABLE(TvPropertySets) {
	DEFINE_KSPROPERTY_SET(&PROPSETID_TUNER, SIZEOF_ARRAY(TunerItems), TunerItems, 0, NULL),
	DEFINE_KSPROPERTY_SET(&PROPSETID_VIDCAP_CROSSBAR, SIZEOF_ARRAY(CrossbarItems),
			      CrossbarItems, 0, NULL),
	DEFINE_KSPROPERTY_SET(&PROPSETID_VIDCAP_VIDEODECODER, SIZEOF_ARRAY(DecoderItems),
			      DecoderItems, 0, NULL),
	DEFINE_KSPROPERTY_SET(&PROPSETID_VIDCAP_TVAUDIO, SIZEOF_ARRAY(TvAudioItems),
			      TvAudioItems, 0, NULL),
};

const ULONG TvPropertySetCount = SIZEOF_ARRAY(TvPropertySets);

/* Power-on state: the tuner on channel 2 in NTSC-M, routed, stereo. */
VOID TvDeviceDefaults(PTV_DEVICE_EXTENSION pDevExt)
{
	pDevExt->TunerMode = KSPROPERTY_TUNER_MODE_TV;
	pDevExt->TunerStandard = KS_AnalogVideo_NTSC_M;
	pDevExt->Frequency = TUNER_MIN_HZ;
	pDevExt->LastFrequency = TUNER_MIN_HZ;
	pDevExt->TunerInput = 0;
	pDevExt->Route[XBAR_OUT_VIDEO_DECODER] = XBAR_IN_TUNER_VIDEO;
	pDevExt->Route[XBAR_OUT_AUDIO_DECODER] = XBAR_IN_TUNER_AUDIO;
	pDevExt->DecoderStandard = KS_AnalogVideo_NTSC_M;
	pDevExt->AudioMode = KS_TVAUDIO_MODE_STEREO;
}

ULONG TvLinesPerFrame(ULONG Standard)
{
	return Standard & KS_AnalogVideo_NTSC_Mask ? 525 : 625;
}

/* A station sits on every channel: 55.25 MHz + n x 6 MHz. */
static BOOLEAN TvStationAt(ULONG Frequency)
{
	return Frequency >= TUNER_MIN_HZ && (Frequency - TUNER_MIN_HZ) % TUNER_CHANNEL_HZ == 0;
}

/*
 * The decoder locks on the tuner when it is on a station, on the composite
 * input (a source is plugged in), never on S-video (nothing is).
 */
BOOLEAN TvSignalLocked(PTV_DEVICE_EXTENSION pDevExt)
{
	switch (pDevExt->Route[XBAR_OUT_VIDEO_DECODER]) {
	case XBAR_IN_TUNER_VIDEO:
		return TvStationAt(pDevExt->Frequency);
	case XBAR_IN_COMPOSITE:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Which output an input can go to (video inputs to the video decoder...). */
static BOOLEAN TvCanRoute(ULONG In, ULONG Out)
{
	if (Out == XBAR_OUT_VIDEO_DECODER)
		return In <= XBAR_IN_SVIDEO;
	if (Out == XBAR_OUT_AUDIO_DECODER)
		return In == XBAR_IN_TUNER_AUDIO || In == XBAR_NO_PIN;
	return FALSE;
}

static NTSTATUS TvGetTuner(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PKSPROPERTY pIn, PVOID pOut,
			   PULONG pSize)
{
	switch (Id) {
	case KSPROPERTY_TUNER_CAPS: {
		PKSPROPERTY_TUNER_CAPS_S p = pOut;

		RtlZeroMemory(&p->VideoMedium, sizeof(KSPIN_MEDIUM) * 3);
		p->ModesSupported = KSPROPERTY_TUNER_MODE_TV;
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TUNER_MODE_CAPS: {
		PKSPROPERTY_TUNER_MODE_CAPS_S p = pOut;

		if (((PKSPROPERTY_TUNER_MODE_CAPS_S)pIn)->Mode != KSPROPERTY_TUNER_MODE_TV)
			return STATUS_INVALID_PARAMETER;
		p->Mode = KSPROPERTY_TUNER_MODE_TV;
		p->StandardsSupported = TUNER_STANDARDS;
		p->MinFrequency = TUNER_MIN_HZ;
		p->MaxFrequency = TUNER_MAX_HZ;
		p->TuningGranularity = TUNER_STEP_HZ;
		p->NumberOfInputs = 1;
		p->SettlingTime = 100;
		p->Strategy = KS_TUNER_STRATEGY_DRIVER_TUNES;
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TUNER_MODE:
		((PKSPROPERTY_TUNER_MODE_S)pOut)->Mode = pDevExt->TunerMode;
		*pSize = sizeof(KSPROPERTY_TUNER_MODE_S);
		return STATUS_SUCCESS;
	case KSPROPERTY_TUNER_STANDARD:
		((PKSPROPERTY_TUNER_STANDARD_S)pOut)->Standard = pDevExt->TunerStandard;
		*pSize = sizeof(KSPROPERTY_TUNER_STANDARD_S);
		return STATUS_SUCCESS;
	case KSPROPERTY_TUNER_FREQUENCY: {
		PKSPROPERTY_TUNER_FREQUENCY_S p = pOut;

		p->Frequency = pDevExt->Frequency;
		p->LastFrequency = pDevExt->LastFrequency;
		p->TuningFlags = KS_TUNER_TUNING_EXACT;
		p->VideoSubChannel = p->AudioSubChannel = 0;
		p->Channel = (pDevExt->Frequency - TUNER_MIN_HZ) / TUNER_CHANNEL_HZ + 2;
		p->Country = 1;
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TUNER_INPUT:
		((PKSPROPERTY_TUNER_INPUT_S)pOut)->InputIndex = pDevExt->TunerInput;
		*pSize = sizeof(KSPROPERTY_TUNER_INPUT_S);
		return STATUS_SUCCESS;
	case KSPROPERTY_TUNER_STATUS: {
		PKSPROPERTY_TUNER_STATUS_S p = pOut;

		p->CurrentFrequency = pDevExt->Frequency;
		p->PLLOffset = 0;
		p->SignalStrength = TvStationAt(pDevExt->Frequency) ? 100 : 0;
		p->Busy = FALSE;
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	}
	return STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS TvSetTuner(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pIn)
{
	switch (Id) {
	case KSPROPERTY_TUNER_MODE:
		return ((PKSPROPERTY_TUNER_MODE_S)pIn)->Mode == KSPROPERTY_TUNER_MODE_TV ?
			STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
	case KSPROPERTY_TUNER_STANDARD: {
		ULONG Standard = ((PKSPROPERTY_TUNER_STANDARD_S)pIn)->Standard;

		if (!Standard || (Standard & (Standard - 1)) || !(Standard & TUNER_STANDARDS))
			return STATUS_INVALID_PARAMETER;
		pDevExt->TunerStandard = Standard;
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TUNER_FREQUENCY: {
		ULONG Frequency = ((PKSPROPERTY_TUNER_FREQUENCY_S)pIn)->Frequency;

		if (Frequency < TUNER_MIN_HZ || Frequency > TUNER_MAX_HZ)
			return STATUS_INVALID_PARAMETER;
		pDevExt->LastFrequency = pDevExt->Frequency;
		pDevExt->Frequency = Frequency;
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TUNER_INPUT:
		return ((PKSPROPERTY_TUNER_INPUT_S)pIn)->InputIndex == 0 ?
			STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
	}
	return STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS TvGetCrossbar(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PKSPROPERTY pIn,
			      PVOID pOut, PULONG pSize)
{
	static const ULONG InputType[XBAR_INPUTS] = {
		KS_PhysConn_Video_Tuner, KS_PhysConn_Video_Composite, KS_PhysConn_Video_SVideo,
		KS_PhysConn_Audio_Tuner,
	};
	static const ULONG InputRelated[XBAR_INPUTS] = {
		XBAR_IN_TUNER_AUDIO, XBAR_NO_PIN, XBAR_NO_PIN, XBAR_IN_TUNER_VIDEO,
	};

	switch (Id) {
	case KSPROPERTY_CROSSBAR_CAPS: {
		PKSPROPERTY_CROSSBAR_CAPS_S p = pOut;

		p->NumberOfInputs = XBAR_INPUTS;
		p->NumberOfOutputs = XBAR_OUTPUTS;
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_CROSSBAR_PININFO: {
		PKSPROPERTY_CROSSBAR_PININFO_S pAsk = (PVOID)pIn, p = pOut;
		KSPIN_DATAFLOW Direction = pAsk->Direction;
		ULONG Index = pAsk->Index;

		if (Direction == KSPIN_DATAFLOW_IN && Index < XBAR_INPUTS) {
			p->PinType = InputType[Index];
			p->RelatedPinIndex = InputRelated[Index];
		} else if (Direction == KSPIN_DATAFLOW_OUT && Index < XBAR_OUTPUTS) {
			p->PinType = Index == XBAR_OUT_VIDEO_DECODER ? KS_PhysConn_Video_VideoDecoder :
								       KS_PhysConn_Audio_AudioDecoder;
			p->RelatedPinIndex = Index == XBAR_OUT_VIDEO_DECODER ?
				XBAR_OUT_AUDIO_DECODER : XBAR_OUT_VIDEO_DECODER;
		} else {
			return STATUS_INVALID_PARAMETER;
		}
		p->Direction = Direction;
		p->Index = Index;
		RtlZeroMemory(&p->Medium, sizeof(p->Medium));
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_CROSSBAR_CAN_ROUTE:
	case KSPROPERTY_CROSSBAR_ROUTE: {
		PKSPROPERTY_CROSSBAR_ROUTE_S pAsk = (PVOID)pIn, p = pOut;
		ULONG In = pAsk->IndexInputPin, Out = pAsk->IndexOutputPin;

		if (Out >= XBAR_OUTPUTS)
			return STATUS_INVALID_PARAMETER;
		p->IndexOutputPin = Out;
		if (Id == KSPROPERTY_CROSSBAR_ROUTE) {
			p->IndexInputPin = pDevExt->Route[Out];
			p->CanRoute = TRUE;
		} else {
			p->IndexInputPin = In;
			p->CanRoute = TvCanRoute(In, Out);
		}
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	}
	return STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS TvSetCrossbar(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pIn)
{
	PKSPROPERTY_CROSSBAR_ROUTE_S p = pIn;

	if (Id != KSPROPERTY_CROSSBAR_ROUTE)
		return STATUS_NOT_IMPLEMENTED;
	if (!TvCanRoute(p->IndexInputPin, p->IndexOutputPin))
		return STATUS_INVALID_PARAMETER;
	pDevExt->Route[p->IndexOutputPin] = p->IndexInputPin;
	return STATUS_SUCCESS;
}

static NTSTATUS TvGetDecoder(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pOut, PULONG pSize)
{
	switch (Id) {
	case KSPROPERTY_VIDEODECODER_CAPS: {
		PKSPROPERTY_VIDEODECODER_CAPS_S p = pOut;

		p->StandardsSupported = TUNER_STANDARDS;
		p->Capabilities = KS_VIDEODECODER_FLAGS_CAN_INDICATE_LOCKED;
		p->SettlingTime = 10;
		p->HSyncPerVSync = TvLinesPerFrame(pDevExt->DecoderStandard);
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_VIDEODECODER_STANDARD:
		((PKSPROPERTY_VIDEODECODER_S)pOut)->Value = pDevExt->DecoderStandard;
		*pSize = sizeof(KSPROPERTY_VIDEODECODER_S);
		return STATUS_SUCCESS;
	case KSPROPERTY_VIDEODECODER_STATUS: {
		PKSPROPERTY_VIDEODECODER_STATUS_S p = pOut;

		p->NumberOfLines = TvLinesPerFrame(pDevExt->DecoderStandard);
		p->SignalLocked = TvSignalLocked(pDevExt);
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	}
	return STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS TvSetDecoder(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pIn)
{
	ULONG Standard = ((PKSPROPERTY_VIDEODECODER_S)pIn)->Value;

	if (Id != KSPROPERTY_VIDEODECODER_STANDARD)
		return STATUS_NOT_IMPLEMENTED;
	if (!Standard || (Standard & (Standard - 1)) || !(Standard & TUNER_STANDARDS))
		return STATUS_INVALID_PARAMETER;
	pDevExt->DecoderStandard = Standard;
	return STATUS_SUCCESS;
}

static NTSTATUS TvGetAudio(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pOut, PULONG pSize)
{
	switch (Id) {
	case KSPROPERTY_TVAUDIO_CAPS: {
		PKSPROPERTY_TVAUDIO_CAPS_S p = pOut;

		p->Capabilities = TVAUDIO_MODES;
		RtlZeroMemory(&p->InputMedium, sizeof(KSPIN_MEDIUM) * 2);
		*pSize = sizeof(*p);
		return STATUS_SUCCESS;
	}
	case KSPROPERTY_TVAUDIO_MODE:
		((PKSPROPERTY_TVAUDIO_S)pOut)->Mode = pDevExt->AudioMode;
		*pSize = sizeof(KSPROPERTY_TVAUDIO_S);
		return STATUS_SUCCESS;
	case KSPROPERTY_TVAUDIO_CURRENTLY_AVAILABLE_MODES:
		/* A stereo broadcast with one language on a station; else nothing. */
		((PKSPROPERTY_TVAUDIO_S)pOut)->Mode = TvSignalLocked(pDevExt) ?
			KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_STEREO | KS_TVAUDIO_MODE_LANG_A : 0;
		*pSize = sizeof(KSPROPERTY_TVAUDIO_S);
		return STATUS_SUCCESS;
	}
	return STATUS_NOT_IMPLEMENTED;
}

static NTSTATUS TvSetAudio(PTV_DEVICE_EXTENSION pDevExt, ULONG Id, PVOID pIn)
{
	ULONG Mode = ((PKSPROPERTY_TVAUDIO_S)pIn)->Mode;

	if (Id != KSPROPERTY_TVAUDIO_MODE)
		return STATUS_NOT_IMPLEMENTED;
	/* One of mono and stereo, with at most one language. */
	if (Mode & ~TVAUDIO_MODES || !(Mode & (KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_STEREO)) ||
	    (Mode & KS_TVAUDIO_MODE_MONO && Mode & KS_TVAUDIO_MODE_STEREO) ||
	    (Mode & KS_TVAUDIO_MODE_LANG_A && Mode & KS_TVAUDIO_MODE_LANG_B))
		return STATUS_INVALID_PARAMETER;
	pDevExt->AudioMode = Mode;
	return STATUS_SUCCESS;
}

/* SRB_GET_DEVICE_PROPERTY: the caller completes the SRB. */
VOID TvGetProperty(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;
	PSTREAM_PROPERTY_DESCRIPTOR pSPD = pSrb->CommandData.PropertyInfo;
	ULONG Id = pSPD->Property->Id, Size = 0;
	NTSTATUS Status;

	switch (pSPD->PropertySetID) {
	case SET_TUNER:
		Status = TvGetTuner(pDevExt, Id, pSPD->Property, pSPD->PropertyInfo, &Size);
		break;
	case SET_CROSSBAR:
		Status = TvGetCrossbar(pDevExt, Id, pSPD->Property, pSPD->PropertyInfo, &Size);
		break;
	case SET_DECODER:
		Status = TvGetDecoder(pDevExt, Id, pSPD->PropertyInfo, &Size);
		break;
	case SET_TVAUDIO:
		Status = TvGetAudio(pDevExt, Id, pSPD->PropertyInfo, &Size);
		break;
	default:
		Status = STATUS_NOT_IMPLEMENTED;
	}
	if (NT_SUCCESS(Status) && Size > pSPD->PropertyOutputSize)
		Status = STATUS_BUFFER_TOO_SMALL;
	pSrb->ActualBytesTransferred = NT_SUCCESS(Status) ? Size : 0;
	pSrb->Status = Status;
}

/* SRB_SET_DEVICE_PROPERTY: the caller completes the SRB. */
VOID TvSetProperty(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PTV_DEVICE_EXTENSION pDevExt = pSrb->HwDeviceExtension;
	PSTREAM_PROPERTY_DESCRIPTOR pSPD = pSrb->CommandData.PropertyInfo;
	ULONG Id = pSPD->Property->Id;

	switch (pSPD->PropertySetID) {
	case SET_TUNER:
		pSrb->Status = TvSetTuner(pDevExt, Id, pSPD->PropertyInfo);
		break;
	case SET_CROSSBAR:
		pSrb->Status = TvSetCrossbar(pDevExt, Id, pSPD->PropertyInfo);
		break;
	case SET_DECODER:
		pSrb->Status = TvSetDecoder(pDevExt, Id, pSPD->PropertyInfo);
		break;
	case SET_TVAUDIO:
		pSrb->Status = TvSetAudio(pDevExt, Id, pSPD->PropertyInfo);
		break;
	default:
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
	}
}

/*
 * The self-check: the class does not send these property sets yet (issue
 * 24), so at SRB_INITIALIZATION_COMPLETE TvCap sends itself the property
 * SRBs a KS client's requests would be, through its own SRB handlers,
 * and checks the answers; the device is back to its defaults afterwards.
 */
typedef union {
	KSPROPERTY Property;
	KSPROPERTY_TUNER_FREQUENCY_S Frequency;
	KSPROPERTY_TUNER_STATUS_S TunerStatus;
	KSPROPERTY_TUNER_MODE_CAPS_S ModeCaps;
	KSPROPERTY_CROSSBAR_ROUTE_S Route;
	KSPROPERTY_CROSSBAR_PININFO_S PinInfo;
	KSPROPERTY_VIDEODECODER_S Standard;
	KSPROPERTY_VIDEODECODER_STATUS_S DecoderStatus;
	KSPROPERTY_VIDEODECODER_CAPS_S DecoderCaps;
	KSPROPERTY_TVAUDIO_S Audio;
} TV_PROPERTY_BUFFER;

static NTSTATUS TvSelfProperty(PTV_DEVICE_EXTENSION pDevExt, BOOLEAN Set, ULONG SetIndex,
			       ULONG Id, TV_PROPERTY_BUFFER *pIn, TV_PROPERTY_BUFFER *pOut)
{
	STREAM_PROPERTY_DESCRIPTOR Spd;
	HW_STREAM_REQUEST_BLOCK Srb;

	RtlZeroMemory(&Srb, sizeof(Srb));
	pIn->Property.Set = *TvPropertySets[SetIndex].Set;
	pIn->Property.Id = Id;
	pIn->Property.Flags = Set ? KSPROPERTY_TYPE_SET : KSPROPERTY_TYPE_GET;
	Spd.Property = &pIn->Property;
	Spd.PropertySetID = SetIndex;
	Spd.PropertyInfo = Set ? pIn : pOut;
	Spd.PropertyInputSize = sizeof(*pIn);
	Spd.PropertyOutputSize = sizeof(*pOut);
	Srb.Command = Set ? SRB_SET_DEVICE_PROPERTY : SRB_GET_DEVICE_PROPERTY;
	Srb.HwDeviceExtension = pDevExt;
	Srb.CommandData.PropertyInfo = &Spd;
	if (Set)
		TvSetProperty(&Srb);
	else
		TvGetProperty(&Srb);
	return Srb.Status;
}

#define TV_CHECK(What, Cond)                                                             \
	do {                                                                             \
		if (!(Cond)) {                                                           \
			DebugPrint((DebugLevelError, "TvCap: property self-check: %s\n", What)); \
			TvDeviceDefaults(pDevExt);                                       \
			return;                                                          \
		}                                                                        \
	} while (0)

VOID TvPropertySelfCheck(PTV_DEVICE_EXTENSION pDevExt)
{
	TV_PROPERTY_BUFFER In, Out;

	/* Tuner: channel 4 (67.25 MHz) reads back, with a station; between channels none. */
	RtlZeroMemory(&In, sizeof(In));
	In.ModeCaps.Mode = KSPROPERTY_TUNER_MODE_TV;
	TV_CHECK("tuner mode caps",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_TUNER, KSPROPERTY_TUNER_MODE_CAPS,
					   &In, &Out)) &&
		 Out.ModeCaps.MinFrequency == TUNER_MIN_HZ &&
		 Out.ModeCaps.StandardsSupported == TUNER_STANDARDS);
	In.Frequency.Frequency = 67250000;
	TV_CHECK("set frequency",
		 NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_TUNER, KSPROPERTY_TUNER_FREQUENCY,
					   &In, &Out)));
	TV_CHECK("frequency read back",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_TUNER, KSPROPERTY_TUNER_FREQUENCY,
					   &In, &Out)) &&
		 Out.Frequency.Frequency == 67250000 && Out.Frequency.Channel == 4);
	TV_CHECK("tuner status on a station",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_TUNER, KSPROPERTY_TUNER_STATUS,
					   &In, &Out)) &&
		 Out.TunerStatus.CurrentFrequency == 67250000 &&
		 Out.TunerStatus.SignalStrength == 100);
	In.Frequency.Frequency = 70000000;
	TvSelfProperty(pDevExt, TRUE, SET_TUNER, KSPROPERTY_TUNER_FREQUENCY, &In, &Out);
	TV_CHECK("no lock between stations",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_DECODER,
					   KSPROPERTY_VIDEODECODER_STATUS, &In, &Out)) &&
		 !Out.DecoderStatus.SignalLocked);
	In.Frequency.Frequency = TUNER_MAX_HZ + 1;
	TV_CHECK("frequency out of range refused",
		 !NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_TUNER, KSPROPERTY_TUNER_FREQUENCY,
					    &In, &Out)));

	/* Crossbar: composite routed reads back and locks; tuner audio cannot go to video. */
	RtlZeroMemory(&In, sizeof(In));
	In.PinInfo.Direction = KSPIN_DATAFLOW_IN;
	In.PinInfo.Index = XBAR_IN_SVIDEO;
	TV_CHECK("S-video pin info",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_CROSSBAR,
					   KSPROPERTY_CROSSBAR_PININFO, &In, &Out)) &&
		 Out.PinInfo.PinType == KS_PhysConn_Video_SVideo);
	RtlZeroMemory(&In, sizeof(In));
	In.Route.IndexInputPin = XBAR_IN_TUNER_AUDIO;
	In.Route.IndexOutputPin = XBAR_OUT_VIDEO_DECODER;
	TV_CHECK("can route",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_CROSSBAR,
					   KSPROPERTY_CROSSBAR_CAN_ROUTE, &In, &Out)) &&
		 !Out.Route.CanRoute);
	In.Route.IndexInputPin = XBAR_IN_COMPOSITE;
	TV_CHECK("route composite",
		 NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_CROSSBAR, KSPROPERTY_CROSSBAR_ROUTE,
					   &In, &Out)));
	TV_CHECK("route read back",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_CROSSBAR,
					   KSPROPERTY_CROSSBAR_ROUTE, &In, &Out)) &&
		 Out.Route.IndexInputPin == XBAR_IN_COMPOSITE);

	/* Decoder: PAL-B reads back; its status and caps say 625 lines. */
	RtlZeroMemory(&In, sizeof(In));
	In.Standard.Value = KS_AnalogVideo_PAL_B;
	TV_CHECK("set PAL-B",
		 NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_DECODER,
					   KSPROPERTY_VIDEODECODER_STANDARD, &In, &Out)));
	TV_CHECK("standard read back",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_DECODER,
					   KSPROPERTY_VIDEODECODER_STANDARD, &In, &Out)) &&
		 Out.Standard.Value == KS_AnalogVideo_PAL_B);
	TV_CHECK("625 lines, locked on composite",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_DECODER,
					   KSPROPERTY_VIDEODECODER_STATUS, &In, &Out)) &&
		 Out.DecoderStatus.NumberOfLines == 625 && Out.DecoderStatus.SignalLocked);
	TV_CHECK("caps of 625 lines",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_DECODER,
					   KSPROPERTY_VIDEODECODER_CAPS, &In, &Out)) &&
		 Out.DecoderCaps.HSyncPerVSync == 625);
	In.Standard.Value = KS_AnalogVideo_SECAM_L;
	TV_CHECK("a standard the decoder lacks refused",
		 !NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_DECODER,
					    KSPROPERTY_VIDEODECODER_STANDARD, &In, &Out)));

	/* TV audio: language B in mono reads back; mono with stereo is refused. */
	RtlZeroMemory(&In, sizeof(In));
	In.Audio.Mode = KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_LANG_B;
	TV_CHECK("set audio mode",
		 NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_TVAUDIO, KSPROPERTY_TVAUDIO_MODE,
					   &In, &Out)));
	TV_CHECK("audio mode read back",
		 NT_SUCCESS(TvSelfProperty(pDevExt, FALSE, SET_TVAUDIO, KSPROPERTY_TVAUDIO_MODE,
					   &In, &Out)) &&
		 Out.Audio.Mode == (KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_LANG_B));
	In.Audio.Mode = KS_TVAUDIO_MODE_MONO | KS_TVAUDIO_MODE_STEREO;
	TV_CHECK("mono with stereo refused",
		 !NT_SUCCESS(TvSelfProperty(pDevExt, TRUE, SET_TVAUDIO, KSPROPERTY_TVAUDIO_MODE,
					    &In, &Out)));

	TvDeviceDefaults(pDevExt);
	DebugPrint((DebugLevelInfo,
		    "TvCap: property self-check passed: tuner, crossbar, video decoder, TV audio\n"));
}
