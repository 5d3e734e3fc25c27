// SPDX-License-Identifier: GPL-2.0

//! Stream request blocks: the layout of `struct streamclass_srb`, the
//! commands and status codes, and the life of one request: sent to the
//! minidriver, completed on return or later through a notification (from any
//! context), and waited for with the SRB's timeout.

use core::{
    ffi::c_void,
    ptr,
    sync::atomic::{
        AtomicBool,
        AtomicUsize,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    prelude::*,
    types::Opaque, //
};

/// `struct streamclass_srb` (`HW_STREAM_REQUEST_BLOCK`), as C lays it out.
#[repr(C)]
pub struct Srb {
    pub(crate) size_of_this_packet: u32,
    pub(crate) command: u32,
    pub(crate) status: i32,
    pub(crate) stream_number: u32,
    pub(crate) hw_device_extension: *mut c_void,
    pub(crate) srb_extension: *mut c_void,
    pub(crate) command_data: *mut c_void,
    pub(crate) frame_number: u64,
    pub(crate) data_used: u32,
    pub(crate) timeout_counter: u32,
    pub(crate) timeout_original: u32,
}

/// `enum streamclass_srb_command`: strmini.h's `SRB_COMMAND` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// `SRB_READ_DATA`: capture one frame of stream 0.
    ReadData,
    /// `SRB_GET_STREAM_INFO`.
    GetStreamInfo,
    /// `SRB_INITIALIZE_DEVICE`.
    InitializeDevice,
    /// `SRB_UNINITIALIZE_DEVICE`.
    UninitializeDevice,
    /// `SRB_INITIALIZATION_COMPLETE`.
    InitializationComplete,
    /// A code this version does not send.
    Other(u32),
}

impl Command {
    pub(crate) const fn code(self) -> u32 {
        match self {
            Self::ReadData => 0x0,
            Self::GetStreamInfo => 0x100,
            Self::InitializeDevice => 0x107,
            Self::UninitializeDevice => 0x109,
            Self::InitializationComplete => 0x10d,
            Self::Other(c) => c,
        }
    }

    pub(crate) fn from_code(code: u32) -> Self {
        [
            Self::ReadData,
            Self::GetStreamInfo,
            Self::InitializeDevice,
            Self::UninitializeDevice,
            Self::InitializationComplete,
        ]
        .into_iter()
        .find(|c| c.code() == code)
        .unwrap_or(Self::Other(code))
    }
}

/// `enum streamclass_status`, and its Linux errno.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `STATUS_SUCCESS`: 0.
    Success = 0,
    /// `STATUS_PENDING`: completed later through a notification.
    Pending = 1,
    /// `STATUS_NOT_IMPLEMENTED`: `-EOPNOTSUPP`.
    NotImplemented = 2,
    /// `STATUS_IO_DEVICE_ERROR`: `-EIO`.
    IoDeviceError = 3,
    /// `STATUS_INSUFFICIENT_RESOURCES`: `-ENOMEM`.
    InsufficientResources = 4,
    /// `STATUS_INVALID_PARAMETER`: `-EINVAL`.
    InvalidParameter = 5,
    /// `STATUS_CANCELLED`: `-ECANCELED`.
    Cancelled = 6,
    /// `STATUS_TIMEOUT`: `-ETIMEDOUT`.
    Timeout = 7,
    /// `STATUS_NO_SUCH_DEVICE`: `-ENODEV`.
    NoSuchDevice = 8,
}

impl Status {
    /// The status a minidriver wrote; an unknown value is an I/O error.
    pub(crate) fn from_raw(v: i32) -> Self {
        [
            Self::Success,
            Self::Pending,
            Self::NotImplemented,
            Self::IoDeviceError,
            Self::InsufficientResources,
            Self::InvalidParameter,
            Self::Cancelled,
            Self::Timeout,
            Self::NoSuchDevice,
        ]
        .into_iter()
        .find(|s| *s as i32 == v)
        .unwrap_or(Self::IoDeviceError)
    }

    /// The errno of a final status (`Pending` is not final: `-EIO`).
    pub fn to_result(self) -> Result {
        match self {
            Self::Success => Ok(()),
            Self::NotImplemented => Err(EOPNOTSUPP),
            Self::InsufficientResources => Err(ENOMEM),
            Self::InvalidParameter => Err(EINVAL),
            Self::Cancelled => Err(ECANCELED),
            Self::Timeout => Err(ETIMEDOUT),
            Self::NoSuchDevice => Err(ENODEV),
            Self::Pending | Self::IoDeviceError => Err(EIO),
        }
    }
}

/// A `struct completion`, signalled from any context and waited for with a
/// timeout (the kernel's `Completion` has no timed wait).
#[pin_data]
pub(crate) struct Event {
    #[pin]
    c: Opaque<bindings::completion>,
}

impl Event {
    fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            c <- Opaque::ffi_init(|slot: *mut bindings::completion| {
                // SAFETY: `slot` is valid for writing a `struct completion`.
                unsafe { bindings::init_completion(slot) };
            }),
        })
    }

    fn signal(&self) {
        // SAFETY: `c` is an initialised completion; complete() may be called
        // from any context.
        unsafe { bindings::complete(self.c.get()) };
    }

    /// Waits up to `ms` milliseconds; true when signalled.
    fn wait_ms(&self, ms: u32) -> bool {
        // SAFETY: Pure computation.
        let jiffies = unsafe { bindings::__msecs_to_jiffies(ms) };
        // SAFETY: `c` is an initialised completion; we are in process context.
        unsafe { bindings::wait_for_completion_timeout(self.c.get(), jiffies) != 0 }
    }
}

/// One SRB in flight: the block the minidriver sees, first, then the class's
/// state. Pinned in a `KBox` until the sender has seen it complete.
///
/// # Invariants
///
/// `check` is the request's own address from [`Request::new`] until
/// [`Request::retire`]; `srb.srb_extension` points into `extension` or is
/// null.
#[repr(C)]
#[pin_data]
pub(crate) struct Request {
    pub(crate) srb: Srb,
    check: AtomicUsize,
    completed: AtomicBool,
    #[pin]
    ready: Event,
    #[pin]
    done: Event,
    extension: KVec<u8>,
}

// SAFETY: The raw pointers in `srb` are the minidriver's to use from any
// thread; the class's fields are atomics and completions.
unsafe impl Send for Request {}
// SAFETY: As above; shared access only signals and reads atomics.
unsafe impl Sync for Request {}

/// What the sender needs to know to build an SRB.
pub(crate) struct Params {
    pub(crate) command: Command,
    pub(crate) hw_device_extension: *mut c_void,
    pub(crate) command_data: *mut c_void,
    pub(crate) frame_number: u64,
    pub(crate) timeout_s: u32,
    pub(crate) extension_size: usize,
}

impl Request {
    /// A request for `p`, with its zeroed per-request extension.
    pub(crate) fn new(p: &Params) -> Result<Pin<KBox<Self>>> {
        let mut extension = KVec::new();
        extension.resize(p.extension_size, 0u8, GFP_KERNEL)?;
        let ext_ptr = match p.extension_size {
            0 => ptr::null_mut(),
            _ => extension.as_mut_ptr().cast::<c_void>(),
        };
        let req = KBox::pin_init(
            pin_init!(Self {
                srb: Srb {
                    size_of_this_packet: core::mem::size_of::<Srb>() as u32,
                    command: p.command.code(),
                    status: Status::Pending as i32,
                    stream_number: 0,
                    hw_device_extension: p.hw_device_extension,
                    srb_extension: ext_ptr,
                    command_data: p.command_data,
                    frame_number: p.frame_number,
                    data_used: 0,
                    timeout_counter: p.timeout_s,
                    timeout_original: p.timeout_s,
                },
                check: AtomicUsize::new(0),
                completed: AtomicBool::new(false),
                ready <- Event::new(),
                done <- Event::new(),
                extension,
            }),
            GFP_KERNEL,
        )?;
        // INVARIANT: The request is pinned: its address is final.
        req.check
            .store(ptr::from_ref::<Self>(&req) as usize, Ordering::Release);
        Ok(req)
    }

    /// The SRB the minidriver is handed.
    pub(crate) fn srb_ptr(&self) -> *mut Srb {
        ptr::from_ref(&self.srb).cast_mut()
    }

    /// Returns the live request whose SRB is `srb`, or `None`.
    ///
    /// # Safety
    ///
    /// `srb` is NULL or points to readable memory at least as large as a
    /// `Request`: an SRB whose request was freed is a use-after-free, as a
    /// stale `PHW_STREAM_REQUEST_BLOCK` is on Windows.
    pub(crate) unsafe fn from_srb<'a>(srb: *mut Srb) -> Option<&'a Self> {
        if srb.is_null() {
            return None;
        }
        let req = srb.cast::<Self>();
        // SAFETY: Readable by the safety requirements; `srb` is the first field.
        let check = unsafe { (*ptr::addr_of!((*req).check)).load(Ordering::Acquire) };
        // SAFETY: The check names the request, so it is live (type invariant).
        (check == req as usize).then(|| unsafe { &*req })
    }

    /// Lets the sender go on with the next device SRB.
    pub(crate) fn ready(&self) {
        self.ready.signal();
    }

    /// Completes the request once; false when it was completed already.
    pub(crate) fn complete(&self) -> bool {
        if self.completed.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.ready.signal();
        self.done.signal();
        true
    }

    /// The status the minidriver set.
    pub(crate) fn status(&self) -> Status {
        // SAFETY: The field is valid; the minidriver may write it from another
        // context until it completes the request, hence the volatile read.
        Status::from_raw(unsafe { ptr::read_volatile(ptr::addr_of!(self.srb.status)) })
    }

    /// Waits for the "ready for next" signal, calling `expired` each time the
    /// SRB's timeout runs out.
    pub(crate) fn wait_ready(&self, expired: impl FnMut()) {
        wait(&self.ready, self.srb.timeout_original, expired)
    }

    /// Waits for completion, calling `expired` each time the SRB's timeout
    /// runs out. A request is never freed before it completes.
    pub(crate) fn wait_done(&self, expired: impl FnMut()) {
        wait(&self.done, self.srb.timeout_original, expired)
    }

    /// Ends the request's life as an SRB: lookups fail from here on.
    pub(crate) fn retire(&self) {
        // INVARIANT: The request is about to be freed.
        self.check.store(0, Ordering::Release);
    }
}

fn wait(ev: &Event, timeout_s: u32, mut expired: impl FnMut()) {
    let ms = match timeout_s {
        0 => u32::MAX / 2,
        s => s.saturating_mul(1000),
    };
    while !ev.wait_ms(ms) {
        expired();
    }
}

#[kunit_tests(streamclass_srb)]
mod tests {
    use super::*;

    fn request() -> Result<Pin<KBox<Request>>> {
        Request::new(&Params {
            command: Command::ReadData,
            hw_device_extension: ptr::null_mut(),
            command_data: ptr::null_mut(),
            frame_number: 7,
            timeout_s: 1,
            extension_size: 32,
        })
    }

    #[test]
    fn status_errno_mapping() {
        let table = [
            (0, Ok(())),
            (1, Err(EIO)),
            (2, Err(EOPNOTSUPP)),
            (3, Err(EIO)),
            (4, Err(ENOMEM)),
            (5, Err(EINVAL)),
            (6, Err(ECANCELED)),
            (7, Err(ETIMEDOUT)),
            (8, Err(ENODEV)),
            (9, Err(EIO)),
            (-1, Err(EIO)),
        ];
        for (raw, want) in table {
            assert_eq!(Status::from_raw(raw).to_result(), want);
        }
    }

    #[test]
    fn command_codes_are_strmini_values() {
        assert_eq!(Command::ReadData.code(), 0);
        assert_eq!(Command::InitializeDevice.code(), 0x107);
        assert_eq!(Command::from_code(0x10d), Command::InitializationComplete);
        assert_eq!(Command::from_code(0x109), Command::UninitializeDevice);
        assert_eq!(Command::from_code(0x105), Command::Other(0x105));
    }

    #[test]
    fn new_request_is_pending_with_zeroed_extension() -> Result {
        let req = request()?;
        assert_eq!(req.status(), Status::Pending);
        assert_eq!(req.srb.frame_number, 7);
        assert_eq!(req.srb.size_of_this_packet, 64);
        assert!(!req.srb.srb_extension.is_null());
        // SAFETY: The request's extension is 32 bytes it owns.
        let ext = unsafe { core::slice::from_raw_parts(req.srb.srb_extension.cast::<u8>(), 32) };
        assert!(ext.iter().all(|&b| b == 0));
        Ok(())
    }

    #[test]
    fn completes_once_and_lookups_follow_its_life() -> Result {
        let req = request()?;
        let srb = req.srb_ptr();
        // SAFETY: `srb` is the live request's SRB.
        assert!(unsafe { Request::from_srb(srb) }.is_some());
        // SAFETY: NULL is allowed.
        assert!(unsafe { Request::from_srb(ptr::null_mut()) }.is_none());
        assert!(req.complete());
        assert!(!req.complete());
        let mut expired = 0;
        req.wait_done(|| expired += 1);
        assert_eq!(expired, 0);
        req.retire();
        // SAFETY: The request is still allocated; retired, it is not live.
        assert!(unsafe { Request::from_srb(srb) }.is_none());
        Ok(())
    }

    #[test]
    fn timeout_calls_the_handler_until_completed() -> Result {
        let req = request()?;
        let mut rounds = 0;
        req.wait_done(|| {
            rounds += 1;
            req.complete();
        });
        assert_eq!(rounds, 1);
        Ok(())
    }
}
