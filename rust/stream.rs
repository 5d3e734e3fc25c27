// SPDX-License-Identifier: GPL-2.0

//! The bookkeeping of one stream of a device, as stream.sys keeps it for a
//! pin: how many instances are open against the number the minidriver
//! allows, the stream's `KSSTATE`, the steps by which the class moves it
//! from one state to another (one `SRB_SET_STREAM_STATE` each), and the data
//! SRBs it has outstanding, all of which a stop must cancel and get back
//! before the stream may close.
//!
//! Also the stream object (`HW_STREAM_OBJECT`) of an open instance, with
//! its zeroed per-stream extension, and the callbacks the minidriver sets
//! in it. Open, close and the state steps are sent by the device
//! (`SRB_OPEN_STREAM`, `SRB_CLOSE_STREAM`, `SRB_SET_STREAM_STATE`), which
//! keeps a [`StreamSlot`] per instance; the data SRBs by the V4L2 node
//! (`v4l2.rs`), which counts its outstanding ones in a [`DataCount`],
//! atomically, as their completions come in any context, and steps its
//! instance to STOP only once that count is 0.

use core::{
    ffi::c_void,
    sync::atomic::{
        AtomicU32,
        Ordering, //
    }, //
};
use kernel::{
    prelude::*,
    types::Opaque, //
};

use crate::init_data::ReceivePacketFn;

/// `struct streamclass_stream_object` (`HW_STREAM_OBJECT`), as C lays it
/// out. The minidriver sets its callbacks during `SRB_OPEN_STREAM`.
#[repr(C)]
pub(crate) struct StreamObject {
    size_of_this_packet: u32,
    stream_number: u32,
    hw_stream_extension: *mut c_void,
    hw_device_extension: *mut c_void,
    receive_data_packet: Option<ReceivePacketFn>,
    receive_control_packet: Option<ReceivePacketFn>,
}

// The C layout of `include/streamclass.h`, checked from this side.
const _: () = {
    use core::mem::{
        offset_of,
        size_of, //
    };
    assert!(offset_of!(StreamObject, hw_stream_extension) == 8);
    assert!(offset_of!(StreamObject, receive_control_packet) == 32);
    assert!(size_of::<StreamObject>() == 40);
};

/// The stream number the class wrote in the stream object at `object`.
///
/// # Safety
///
/// `object` is the object of an open stream instance (the class's
/// allocation, live until the instance's `SRB_CLOSE_STREAM` completes).
pub(crate) unsafe fn stream_number_of(object: *const c_void) -> u32 {
    let o = object.cast::<StreamObject>();
    // SAFETY: A live object by the safety requirements; read through a raw
    // pointer, as the minidriver writes other fields.
    unsafe { core::ptr::addr_of!((*o).stream_number).read_volatile() }
}

/// An open instance of a stream: its object, which the minidriver writes
/// (so it is only reached through raw pointers), and its zeroed extension,
/// the minidriver's. Freed after `SRB_CLOSE_STREAM` completes.
pub(crate) struct Instance {
    object: KBox<Opaque<StreamObject>>,
    _extension: KVec<u8>,
}

// SAFETY: The object and extension are the minidriver's to use from any
// thread; the class only passes their address.
unsafe impl Send for Instance {}
// SAFETY: As above.
unsafe impl Sync for Instance {}

impl Instance {
    /// A new instance of stream `stream_number` of the device whose
    /// extension is `hw_device_extension`, with `extension_size` zeroed bytes.
    pub(crate) fn new(
        stream_number: u32,
        extension_size: usize,
        hw_device_extension: *mut c_void,
    ) -> Result<Self> {
        let mut extension = KVec::new();
        extension.resize(extension_size, 0u8, GFP_KERNEL)?;
        let hw_stream_extension = match extension_size {
            0 => core::ptr::null_mut(),
            _ => extension.as_mut_ptr().cast::<c_void>(),
        };
        let object = KBox::new(Opaque::<StreamObject>::uninit(), GFP_KERNEL)?;
        // SAFETY: `object` is ours and valid for writes; no one else has it yet.
        unsafe {
            object.get().write(StreamObject {
                size_of_this_packet: core::mem::size_of::<StreamObject>() as u32,
                stream_number,
                hw_stream_extension,
                hw_device_extension,
                receive_data_packet: None,
                receive_control_packet: None,
            })
        };
        Ok(Self {
            object,
            _extension: extension,
        })
    }

    /// The object, for the SRB's `stream_object`.
    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.object.get().cast()
    }
}

/// The control callback the minidriver set in the stream object `object`
/// (`receive_control_packet`), if any.
///
/// # Safety
///
/// `object` is the object of an open [`Instance`] (it stays allocated while
/// an SRB names it).
pub(crate) unsafe fn control_callback(object: *mut c_void) -> Option<ReceivePacketFn> {
    let object = object.cast::<StreamObject>();
    // SAFETY: A live object by the safety requirements; the field is read
    // through a raw pointer (the minidriver wrote it).
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*object).receive_control_packet)) }
}

/// The data callback the minidriver set in the stream object `object`
/// (`receive_data_packet`), if any.
///
/// # Safety
///
/// As for [`control_callback`].
pub(crate) unsafe fn data_callback(object: *mut c_void) -> Option<ReceivePacketFn> {
    let object = object.cast::<StreamObject>();
    // SAFETY: A live object by the safety requirements; the field is read
    // through a raw pointer (the minidriver wrote it).
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*object).receive_data_packet)) }
}

/// `KSSTATE` (ks.h), same values.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KsState {
    /// `KSSTATE_STOP`: no resources held, no data.
    Stop = 0,
    /// `KSSTATE_ACQUIRE`: resources acquired.
    Acquire = 1,
    /// `KSSTATE_PAUSE`: ready, data may be queued, none is produced.
    Pause = 2,
    /// `KSSTATE_RUN`: data flows.
    Run = 3,
}

impl KsState {
    /// The state of raw value `v`, `None` for a value ks.h does not define.
    pub fn from_raw(v: u32) -> Option<Self> {
        match v {
            0 => Some(Self::Stop),
            1 => Some(Self::Acquire),
            2 => Some(Self::Pause),
            3 => Some(Self::Run),
            _ => None,
        }
    }

    /// The next state one step towards `to`, `None` once there.
    fn toward(self, to: Self) -> Option<Self> {
        let next = match (self as u32).cmp(&(to as u32)) {
            core::cmp::Ordering::Less => self as u32 + 1,
            core::cmp::Ordering::Greater => self as u32 - 1,
            core::cmp::Ordering::Equal => return None,
        };
        Self::from_raw(next)
    }
}

/// The states a stream passes through from `from` to `to`, in order, `to`
/// last and `from` not included: stream.sys never skips a state (STOP ->
/// ACQUIRE -> PAUSE -> RUN, and back the same way), and each is one
/// `SRB_SET_STREAM_STATE` to the minidriver. Empty when `from == to`.
pub(crate) fn steps(from: KsState, to: KsState) -> impl Iterator<Item = KsState> {
    core::iter::successors(from.toward(to), move |s| s.toward(to))
}

/// An instance's data SRBs sent and not yet come back, counted from any
/// context: one atomic add per SRB sent and one subtract per SRB back.
/// Its owner steps the instance to STOP only once it reads 0 ([`is_idle`]),
/// and sends no data SRB after.
///
/// [`is_idle`]: DataCount::is_idle
pub(crate) struct DataCount(AtomicU32);

impl DataCount {
    /// Nothing outstanding.
    pub(crate) const fn new() -> Self {
        Self(AtomicU32::new(0))
    }

    /// A data SRB is sent.
    pub(crate) fn sent(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }

    /// A data SRB came back (completed, or given up on). `EINVAL` when none
    /// was outstanding (a completion counted twice): the count stays 0.
    /// With `Release`: a stop that reads 0 sees everything done before.
    /// Its last access to the count is the one that takes 1 off, so it may
    /// be a completion's last access to its owner.
    pub(crate) fn back(&self) -> Result {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .map(|_| ())
            .map_err(|_| EINVAL)
    }

    /// Data SRBs outstanding.
    pub(crate) fn get(&self) -> u32 {
        self.0.load(Ordering::Acquire)
    }

    /// Whether none is outstanding: the instance may step to STOP.
    pub(crate) fn is_idle(&self) -> bool {
        self.get() == 0
    }
}

/// One stream's instances and state.
///
/// # Invariants
///
/// `open <= possible`; `state` is `Stop` whenever `open` is 0.
pub(crate) struct StreamSlot {
    possible: u32,
    open: u32,
    state: KsState,
}

impl StreamSlot {
    /// A closed stream of which at most `possible` instances may be open
    /// (`NumberOfPossibleInstances`); at least one.
    pub(crate) fn new(possible: u32) -> Self {
        // INVARIANT: Nothing open, stopped.
        Self {
            possible: possible.max(1),
            open: 0,
            state: KsState::Stop,
        }
    }

    /// Instances open.
    pub(crate) fn open_count(&self) -> u32 {
        self.open
    }

    /// The current state.
    pub(crate) fn state(&self) -> KsState {
        self.state
    }

    /// `SRB_OPEN_STREAM` succeeded: one more instance. `EBUSY` when all the
    /// possible instances are open (the SRB must not be sent then).
    pub(crate) fn open(&mut self) -> Result {
        if self.open >= self.possible {
            return Err(EBUSY);
        }
        // INVARIANT: Still at most `possible`.
        self.open += 1;
        Ok(())
    }

    /// `SRB_CLOSE_STREAM` may be sent for one instance: `EINVAL` when none
    /// is open, `EBUSY` while the stream is not stopped (the caller steps
    /// it to STOP first, once its data SRBs came back).
    pub(crate) fn close(&mut self) -> Result {
        if self.open == 0 {
            return Err(EINVAL);
        }
        if self.state != KsState::Stop {
            return Err(EBUSY);
        }
        // INVARIANT: Stopped.
        self.open -= 1;
        Ok(())
    }

    /// The minidriver accepted the step to `next`, which must be one step
    /// from the current state (see [`steps`]); `EINVAL` on a skipped state
    /// or a closed stream.
    pub(crate) fn stepped(&mut self, next: KsState) -> Result {
        if self.open == 0 || self.state.toward(next) != Some(next) {
            return Err(EINVAL);
        }
        // INVARIANT: Open.
        self.state = next;
        Ok(())
    }
}

#[kunit_tests(streamclass_stream)]
mod tests {
    use super::*;
    use KsState::*;

    fn path(from: KsState, to: KsState) -> ([KsState; 3], usize) {
        let mut out = [Stop; 3];
        let mut n = 0;
        for s in steps(from, to) {
            if n < out.len() {
                out[n] = s;
            }
            n += 1;
        }
        (out, n)
    }

    #[test]
    fn states_are_ks_values() {
        assert_eq!(
            (Stop as u32, Acquire as u32, Pause as u32, Run as u32),
            (0, 1, 2, 3)
        );
        assert_eq!(KsState::from_raw(3), Some(Run));
        assert_eq!(KsState::from_raw(4), None);
    }

    #[test]
    fn steps_never_skip_a_state() {
        assert_eq!(path(Stop, Run), ([Acquire, Pause, Run], 3));
        assert_eq!(path(Run, Stop), ([Pause, Acquire, Stop], 3));
        assert_eq!(path(Pause, Run), ([Run, Stop, Stop], 1));
        assert_eq!(path(Acquire, Stop), ([Stop, Stop, Stop], 1));
        assert_eq!(path(Run, Run).1, 0);
    }

    #[test]
    fn open_close_accounting() {
        let mut s = StreamSlot::new(2);
        assert_eq!(s.close(), Err(EINVAL));
        assert!(s.open().is_ok() && s.open().is_ok());
        assert_eq!(s.open(), Err(EBUSY));
        assert_eq!(s.open_count(), 2);
        assert!(s.close().is_ok() && s.close().is_ok());
        assert_eq!(s.close(), Err(EINVAL));
        // No possible instance declared: one.
        let mut one = StreamSlot::new(0);
        assert!(one.open().is_ok());
        assert_eq!(one.open(), Err(EBUSY));
    }

    #[test]
    fn legal_and_illegal_transitions() {
        let mut s = StreamSlot::new(1);
        // Closed: no state change.
        assert_eq!(s.stepped(Acquire), Err(EINVAL));
        assert!(s.open().is_ok());
        // Skipping a state, or a step that is not one.
        assert_eq!(s.stepped(Run), Err(EINVAL));
        assert_eq!(s.stepped(Pause), Err(EINVAL));
        assert_eq!(s.stepped(Stop), Err(EINVAL));
        for next in steps(Stop, Run) {
            assert!(s.stepped(next).is_ok());
        }
        assert_eq!(s.state(), Run);
        // Not stopped: it may not close.
        assert_eq!(s.close(), Err(EBUSY));
        assert_eq!(s.stepped(Acquire), Err(EINVAL));
        for next in steps(Run, Stop) {
            assert!(s.stepped(next).is_ok());
        }
        assert!(s.close().is_ok());
    }

    #[test]
    fn data_count_comes_back_to_idle() {
        let c = DataCount::new();
        assert!(c.is_idle());
        c.sent();
        c.sent();
        c.sent();
        assert_eq!((c.get(), c.is_idle()), (3, false));
        assert!(c.back().is_ok() && c.back().is_ok());
        assert!(!c.is_idle());
        assert!(c.back().is_ok());
        assert!(c.is_idle());
        // A fourth completion is counted twice: refused, and 0 stays 0.
        assert_eq!(c.back(), Err(EINVAL));
        assert_eq!(c.get(), 0);
        c.sent();
        assert_eq!(c.get(), 1);
    }
}
