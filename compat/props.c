// SPDX-License-Identifier: GPL-2.0
/*
 * The strmini.h layer: property sets (VideoProcAmp as V4L2 controls).
 */
#include <linux/videodev2.h>
#include "strmini_internal.h"

/* Controls: the VideoProcAmp property set <-> V4L2 controls. */

static u32 strmini_cid(ULONG id)
{
	switch (id) {
	case KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS:
		return V4L2_CID_BRIGHTNESS;
	case KSPROPERTY_VIDEOPROCAMP_CONTRAST:
		return V4L2_CID_CONTRAST;
	case KSPROPERTY_VIDEOPROCAMP_SATURATION:
		return V4L2_CID_SATURATION;
	case KSPROPERTY_VIDEOPROCAMP_HUE:
		return V4L2_CID_HUE;
	default:
		return 0;
	}
}

/* A property item's range, step and default, as a control, or false. */
static bool strmini_control(const KSPROPERTY_ITEM *item, struct streamclass_control *c)
{
	const KSPROPERTY_VALUES *v = item->Values;
	bool range = false, def = false;
	u32 i;

	c->id = strmini_cid(item->PropertyId);
	if (!c->id || !v || !v->MembersList)
		return false;
	for (i = 0; i < v->MembersListCount; i++) {
		const KSPROPERTY_MEMBERSLIST *m = &v->MembersList[i];
		const KSPROPERTY_MEMBERSHEADER *h = &m->MembersHeader;

		if ((h->MembersFlags == KSPROPERTY_MEMBER_RANGES ||
		     h->MembersFlags == KSPROPERTY_MEMBER_STEPPEDRANGES) &&
		    h->MembersSize >= sizeof(KSPROPERTY_STEPPING_LONG) && m->Members) {
			const KSPROPERTY_STEPPING_LONG *s = m->Members;

			c->minimum = s->Bounds.SignedMinimum;
			c->maximum = s->Bounds.SignedMaximum;
			c->step = s->SteppingDelta ? s->SteppingDelta : 1;
			range = true;
		} else if (h->MembersFlags == KSPROPERTY_MEMBER_VALUES &&
			   (h->Flags & KSPROPERTY_MEMBER_FLAG_DEFAULT) &&
			   h->MembersSize >= sizeof(LONG) && m->Members) {
			c->default_value = *(const LONG *)m->Members;
			def = true;
		}
	}
	if (!range)
		return false;
	if (!def)
		c->default_value = c->minimum;
	return c->minimum <= c->maximum &&
	       ((s64)c->maximum - c->minimum) % c->step == 0 &&
	       c->default_value >= c->minimum && c->default_value <= c->maximum;
}

void strmini_controls(struct strmini_device *dev, const HW_STREAM_HEADER *hdr)
{
	struct streamclass_control c;
	u32 s, i, k;

	dev->props = hdr->DevicePropertiesArray;
	for (s = 0; dev->props && s < hdr->NumDevPropArrayEntries; s++) {
		const KSPROPERTY_SET *set = &dev->props[s];

		if (!set->Set || !IsEqualGUID(set->Set, &PROPSETID_VIDCAP_VIDEOPROCAMP))
			continue;
		for (i = 0; i < set->PropertiesCount && set->PropertyItem; i++) {
			const KSPROPERTY_ITEM *item = &set->PropertyItem[i];

			if (!item->SetPropertyHandler) {
				dev_info(dev->dev, "VideoProcAmp property %u: read-only: not a control here\n",
					 item->PropertyId);
				continue;
			}
			if (!strmini_control(item, &c)) {
				dev_info(dev->dev, "VideoProcAmp property %u: not a control here\n",
					 item->PropertyId);
				continue;
			}
			for (k = 0; k < dev->ncontrols && dev->controls[k].id != c.id; k++)
				;
			if (k < dev->ncontrols || k == STREAMCLASS_MAX_CONTROLS)
				continue;
			dev->controls[k] = c;
			dev->control_of[k] = (struct strmini_control){ .set = s, .id = item->PropertyId };
			dev->ncontrols++;
		}
	}
}

/* A device property SRB's STREAM_PROPERTY_DESCRIPTOR, for a control. */
int strmini_property(struct strmini_srb *s)
{
	struct streamclass_srb *sc = s->sc;
	struct strmini_device *dev = s->dev;
	struct streamclass_property *p = sc->command_data.property;
	struct strmini_control *c = NULL;
	u32 k;

	for (k = 0; k < dev->ncontrols; k++)
		if (dev->controls[k].id == p->id)
			c = &dev->control_of[k];
	if (!c)
		return STREAMCLASS_STATUS_NOT_IMPLEMENTED;
	s->u.prop.value.Property.Set = *dev->props[c->set].Set;
	s->u.prop.value.Property.Id = c->id;
	s->u.prop.value.Property.Flags = sc->command == SRB_GET_DEVICE_PROPERTY ?
						 KSPROPERTY_TYPE_GET : KSPROPERTY_TYPE_SET;
	if (sc->command == SRB_SET_DEVICE_PROPERTY) {
		s->u.prop.value.Value = p->value;
		s->u.prop.value.Flags = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL;
	}
	s->u.prop.desc.Property = &s->u.prop.value.Property;
	s->u.prop.desc.PropertySetID = c->set;
	s->u.prop.desc.PropertyInfo = &s->u.prop.value;
	s->u.prop.desc.PropertyInputSize = sizeof(s->u.prop.value);
	s->u.prop.desc.PropertyOutputSize = sizeof(s->u.prop.value);
	s->w.CommandData.PropertyInfo = &s->u.prop.desc;
	return STREAMCLASS_STATUS_SUCCESS;
}
