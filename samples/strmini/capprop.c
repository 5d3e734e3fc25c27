// SPDX-License-Identifier: GPL-2.0
/*
 * The VideoProcAmp property set of the testcap-style capture
 * minidriver (brightness and contrast) and the routines that answer
 * SRB_GET_DEVICE_PROPERTY and SRB_SET_DEVICE_PROPERTY.
 */
#include "capprop.h"

/*
 * Brightness and contrast have the same members: 0..10000 by 10, and the
 * default 5000.
 */
static const KSPROPERTY_STEPPING_LONG VideoProcAmpRangeAndStep[] = {
	{ VIDEOPROCAMP_STEP, 0, { VIDEOPROCAMP_MIN, VIDEOPROCAMP_MAX } },
};

static const LONG VideoProcAmpDefault = VIDEOPROCAMP_DEFAULT;

static const KSPROPERTY_MEMBERSLIST VideoProcAmpMembersList[] = {
	{
		{ KSPROPERTY_MEMBER_RANGES, sizeof(KSPROPERTY_STEPPING_LONG),
		  SIZEOF_ARRAY(VideoProcAmpRangeAndStep), 0 },
		VideoProcAmpRangeAndStep,
	},
	{
		{ KSPROPERTY_MEMBER_VALUES, sizeof(VideoProcAmpDefault), 1,
		  KSPROPERTY_MEMBER_FLAG_DEFAULT },
		&VideoProcAmpDefault,
	},
};

static const KSPROPERTY_VALUES BrightnessValues = {
	{ STATICGUIDOF(KSPROPTYPESETID_General), VT_I4, 0 },
	SIZEOF_ARRAY(VideoProcAmpMembersList),
	VideoProcAmpMembersList,
};

static const KSPROPERTY_VALUES ContrastValues = {
	{ STATICGUIDOF(KSPROPTYPESETID_General), VT_I4, 0 },
	SIZEOF_ARRAY(VideoProcAmpMembersList),
	VideoProcAmpMembersList,
};

/* Get and set supported (the class answers through the SRBs below). */
static DEFINE_KSPROPERTY_TABLE(VideoProcAmpProperties) {
	DEFINE_KSPROPERTY_ITEM(KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, TRUE,
			       sizeof(KSPROPERTY_VIDEOPROCAMP_S), sizeof(KSPROPERTY_VIDEOPROCAMP_S),
			       TRUE, &BrightnessValues, 0, NULL, NULL, sizeof(ULONG)),
	DEFINE_KSPROPERTY_ITEM(KSPROPERTY_VIDEOPROCAMP_CONTRAST, TRUE,
			       sizeof(KSPROPERTY_VIDEOPROCAMP_S), sizeof(KSPROPERTY_VIDEOPROCAMP_S),
			       TRUE, &ContrastValues, 0, NULL, NULL, sizeof(ULONG)),
};

/* PropertySetID 0: VideoProcAmp. */
DEFINE_KSPROPERTY_SET_TABLE(AdapterPropertyTable) {
	DEFINE_KSPROPERTY_SET(&PROPSETID_VIDCAP_VIDEOPROCAMP, SIZEOF_ARRAY(VideoProcAmpProperties),
			      VideoProcAmpProperties, 0, NULL),
};

const ULONG NumAdapterProperties = SIZEOF_ARRAY(AdapterPropertyTable);

/*
 * The class sends SRB_GET_DEVICE_PROPERTY when a client reads one of the
 * device's properties (a V4L2 control); PropertySetID indexes
 * AdapterPropertyTable. Sets pSrb->Status; the caller completes the SRB.
 */
VOID AdapterGetProperty(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;
	PSTREAM_PROPERTY_DESCRIPTOR pSPD = pSrb->CommandData.PropertyInfo;
	PKSPROPERTY_VIDEOPROCAMP_S pS;

	if (pSPD->PropertySetID != 0) {
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		return;
	}

	pS = (PKSPROPERTY_VIDEOPROCAMP_S)pSPD->PropertyInfo;
	switch (pSPD->Property->Id) {
	case KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS:
		pS->Value = pHwDevExt->Brightness;
		break;
	case KSPROPERTY_VIDEOPROCAMP_CONTRAST:
		pS->Value = pHwDevExt->Contrast;
		break;
	default:
		DebugPrint((DebugLevelWarning, "TestCap: get of unknown VideoProcAmp id %u\n",
			    pSPD->Property->Id));
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		return;
	}

	pS->Flags = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL;
	pS->Capabilities = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL;
	pSrb->ActualBytesTransferred = sizeof(KSPROPERTY_VIDEOPROCAMP_S);
	pSrb->Status = STATUS_SUCCESS;
}

/*
 * The class sends SRB_SET_DEVICE_PROPERTY when a client writes one of the
 * device's properties. The new value takes effect from the next frame.
 * Sets pSrb->Status; the caller completes the SRB.
 */
VOID AdapterSetProperty(PHW_STREAM_REQUEST_BLOCK pSrb)
{
	PHW_DEVICE_EXTENSION pHwDevExt = pSrb->HwDeviceExtension;
	PSTREAM_PROPERTY_DESCRIPTOR pSPD = pSrb->CommandData.PropertyInfo;
	PKSPROPERTY_VIDEOPROCAMP_S pS;

	if (pSPD->PropertySetID != 0) {
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		return;
	}

	pS = (PKSPROPERTY_VIDEOPROCAMP_S)pSPD->PropertyInfo;
	switch (pSPD->Property->Id) {
	case KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS:
	case KSPROPERTY_VIDEOPROCAMP_CONTRAST:
		break;
	default:
		DebugPrint((DebugLevelWarning, "TestCap: set of unknown VideoProcAmp id %u\n",
			    pSPD->Property->Id));
		pSrb->Status = STATUS_NOT_IMPLEMENTED;
		return;
	}

	if (pS->Value < VIDEOPROCAMP_MIN || pS->Value > VIDEOPROCAMP_MAX) {
		pSrb->Status = STATUS_INVALID_PARAMETER;
		return;
	}

	if (pSPD->Property->Id == KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS)
		pHwDevExt->Brightness = pS->Value;
	else
		pHwDevExt->Contrast = pS->Value;
	pSrb->Status = STATUS_SUCCESS;
}
