// SPDX-License-Identifier: GPL-2.0

//! Controls: the Linux form of the VideoProcAmp property set. A minidriver
//! declares its device's controls in `SRB_GET_STREAM_INFO` (V4L2 control
//! IDs, with range, step and default); the class copies and checks them,
//! every V4L2 node of the device shows them (`streamclass_v4l2.c` owns the
//! `v4l2_ctrl_handler`), and a change reaches the minidriver as
//! `SRB_SET_DEVICE_PROPERTY`; `SRB_GET_DEVICE_PROPERTY` reads the device's
//! value when the node is made.

use kernel::prelude::*;

/// Most controls a device may declare.
pub(crate) const MAX_CONTROLS: usize = 8;

/// `V4L2_CID_BRIGHTNESS`.
pub const CID_BRIGHTNESS: u32 = 0x0098_0900;
/// `V4L2_CID_CONTRAST`.
pub const CID_CONTRAST: u32 = 0x0098_0901;
/// `V4L2_CID_SATURATION`.
pub const CID_SATURATION: u32 = 0x0098_0902;
/// `V4L2_CID_HUE`.
pub const CID_HUE: u32 = 0x0098_0903;

/// `struct streamclass_control`, as C lays it out: one control of the
/// device (a VideoProcAmp property), an integer.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Control {
    /// [`CID_BRIGHTNESS`], [`CID_CONTRAST`], [`CID_SATURATION`] or
    /// [`CID_HUE`].
    pub id: u32,
    /// The lowest value.
    pub minimum: i32,
    /// The highest value.
    pub maximum: i32,
    /// Values are `minimum` plus multiples of `step`.
    pub step: u32,
    /// The value the device starts with.
    pub default_value: i32,
}

impl Control {
    /// Control `id` from `minimum` to `maximum` by `step`, starting at
    /// `default_value`.
    pub const fn new(id: u32, minimum: i32, maximum: i32, step: u32, default_value: i32) -> Self {
        Self {
            id,
            minimum,
            maximum,
            step,
            default_value,
        }
    }

    /// `EINVAL` unless the class can show it: a known ID, a range with the
    /// default inside, a step of at least 1 that divides the range.
    pub(crate) fn check(&self) -> Result {
        let known = matches!(
            self.id,
            CID_BRIGHTNESS | CID_CONTRAST | CID_SATURATION | CID_HUE
        );
        let span = i64::from(self.maximum) - i64::from(self.minimum);
        let ok = known
            && span >= 0
            && self.step >= 1
            && span % i64::from(self.step) == 0
            && (self.minimum..=self.maximum).contains(&self.default_value);
        if ok {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }
}

// The C layout of `include/streamclass.h`, checked from this side.
const _: () = assert!(core::mem::size_of::<Control>() == 20);

/// `struct streamclass_property`, as C lays it out: the command data of
/// `SRB_GET_DEVICE_PROPERTY` and `SRB_SET_DEVICE_PROPERTY`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Property {
    pub(crate) id: u32,
    pub(crate) value: i32,
}

// SAFETY: Integers only.
unsafe impl crate::srb::CommandData for Property {}

/// Copies and checks `n` controls at `controls` (none when NULL): `EINVAL`
/// for more than [`MAX_CONTROLS`], one [`Control::check`] refuses, or an
/// ID given twice.
///
/// # Safety
///
/// `controls` is NULL or points to `n` readable controls (`n` is checked
/// against the limit before any is read).
pub(crate) unsafe fn take(controls: *const Control, n: u32) -> Result<KVec<Control>> {
    let mut out = KVec::new();
    if controls.is_null() {
        return Ok(out);
    }
    let n = n as usize;
    if n > MAX_CONTROLS {
        return Err(EINVAL);
    }
    // SAFETY: `n` readable controls, by the safety requirements.
    let given = unsafe { core::slice::from_raw_parts(controls, n) };
    for (i, c) in given.iter().enumerate() {
        c.check()?;
        if given[..i].iter().any(|d| d.id == c.id) {
            return Err(EINVAL);
        }
        out.push(*c, GFP_KERNEL)?;
    }
    Ok(out)
}

#[kunit_tests(streamclass_controls)]
mod tests {
    use super::*;

    /// The number of controls `take` copies from `c`, or its error.
    fn taken(c: &[Control]) -> Result<usize> {
        // SAFETY: `c.len()` readable controls.
        unsafe { take(c.as_ptr(), c.len() as u32) }.map(|v| v.len())
    }

    #[test]
    fn controls_are_checked() {
        let ok = [
            Control::new(CID_BRIGHTNESS, 0, 255, 1, 128),
            Control::new(CID_HUE, -180, 180, 15, 0),
        ];
        assert_eq!(taken(&ok), Ok(2));
        // SAFETY: NULL is never read.
        let none = unsafe { take(core::ptr::null(), 5) };
        assert_eq!(none.map(|v| v.len()), Ok(0));
        for bad in [
            Control::new(0x0098_0904, 0, 255, 1, 128),
            Control::new(CID_CONTRAST, 10, 0, 1, 5),
            Control::new(CID_CONTRAST, 0, 255, 0, 128),
            Control::new(CID_CONTRAST, 0, 255, 2, 128),
            Control::new(CID_CONTRAST, 0, 255, 1, 256),
        ] {
            assert_eq!(taken(&[bad]), Err(EINVAL));
        }
        assert_eq!(taken(&[ok[0], ok[0]]), Err(EINVAL));
        assert_eq!(taken(&[ok[0]; MAX_CONTROLS + 1]), Err(EINVAL));
    }
}
