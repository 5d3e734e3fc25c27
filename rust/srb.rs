// SPDX-License-Identifier: GPL-2.0

//! Stream request blocks: the layout of `struct streamclass_srb`, the
//! commands and status codes, and one reusable request: armed, handed to the
//! minidriver, completed only through the notification (from any context,
//! whatever the minidriver returned or set), counted down once a second
//! while pending, and retired.

use core::{
    ffi::c_void,
    ptr,
    sync::atomic::{
        AtomicBool,
        AtomicU64,
        AtomicUsize,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    prelude::*,
    sync::Arc,
    time::msecs_to_jiffies,
    types::Opaque, //
};

use crate::extension::Extension;

/// `struct streamclass_srb` (`HW_STREAM_REQUEST_BLOCK`), as C lays it out.
///
/// The class never holds a reference to one: the minidriver writes it from
/// any context, so a [`Request`] keeps it in an [`Opaque`] and reads and
/// writes its fields through raw pointers.
#[repr(C)]
pub struct RawSrb {
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
    pub(crate) stream_object: *mut c_void,
    pub(crate) number_of_buffers: u32,
    pub(crate) number_of_bytes_to_transfer: u32,
    pub(crate) scatter_gather_buffer: *mut SgElement,
    pub(crate) number_of_scatter_gather_elements: u32,
    pub(crate) reserved: u32,
}

/// `struct streamclass_sg_element` (`KSSCATTER_GATHER`), as C lays it
/// out: one piece of a data buffer as the device reaches it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SgElement {
    pub(crate) physical_address: u64,
    pub(crate) length: u32,
    pub(crate) reserved: u32,
}

impl SgElement {
    /// Its bus address (an I/O virtual address under an IOMMU).
    pub fn address(&self) -> u64 {
        self.physical_address
    }

    /// Its bytes.
    pub fn length(&self) -> u32 {
        self.length
    }
}

/// `STREAMCLASS_STREAM_HEADER_TIME_VALID`: `presentation_time` is set.
pub(crate) const STREAM_HEADER_TIME_VALID: u32 = 0x80;

/// `struct streamclass_stream_header` (`KSSTREAM_HEADER` with the video
/// frame info), as C lays it out: the buffer of a stream's data SRB.
#[repr(C)]
pub(crate) struct StreamHeader {
    pub(crate) size: u32,
    pub(crate) option_flags: u32,
    pub(crate) data: *mut c_void,
    pub(crate) frame_extent: u32,
    pub(crate) data_used: u32,
    pub(crate) presentation_time: i64,
    pub(crate) duration: i64,
    pub(crate) picture_number: u64,
    pub(crate) drop_count: u64,
}

// The C layout of `include/streamclass.h`, checked from this side.
const _: () = {
    use core::mem::{
        offset_of,
        size_of, //
    };
    assert!(offset_of!(RawSrb, command) == 4);
    assert!(offset_of!(RawSrb, status) == 8);
    assert!(offset_of!(RawSrb, stream_number) == 12);
    assert!(offset_of!(RawSrb, hw_device_extension) == 16);
    assert!(offset_of!(RawSrb, srb_extension) == 24);
    assert!(offset_of!(RawSrb, command_data) == 32);
    assert!(offset_of!(RawSrb, frame_number) == 40);
    assert!(offset_of!(RawSrb, data_used) == 48);
    assert!(offset_of!(RawSrb, timeout_counter) == 52);
    assert!(offset_of!(RawSrb, timeout_original) == 56);
    assert!(offset_of!(RawSrb, stream_object) == 64);
    assert!(offset_of!(RawSrb, number_of_buffers) == 72);
    assert!(offset_of!(RawSrb, scatter_gather_buffer) == 80);
    assert!(offset_of!(RawSrb, number_of_scatter_gather_elements) == 88);
    assert!(size_of::<RawSrb>() == 96);
    assert!(size_of::<SgElement>() == 16);
    assert!(offset_of!(StreamHeader, data) == 8);
    assert!(offset_of!(StreamHeader, data_used) == 20);
    assert!(offset_of!(StreamHeader, picture_number) == 40);
    assert!(size_of::<StreamHeader>() == 56);
};

/// `enum streamclass_srb_command`: strmini.h's `SRB_COMMAND` values. It
/// grows as the class sends more of strmini.h's commands: match it with a
/// catch-all arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// `SRB_SURPRISE_REMOVAL`: the device is gone; its registers read all
    /// ones and its DMA no longer lands.
    SurpriseRemoval,
    /// `SRB_OPEN_STREAM`: open an instance of a stream in a format.
    OpenStream,
    /// `SRB_SET_STREAM_STATE`: a stream SRB, one state step.
    SetStreamState,
    /// `SRB_CLOSE_STREAM`: close an instance of a stream.
    CloseStream,
    /// `SRB_GET_STREAM_STATE`: a stream SRB, the instance's state asked.
    GetStreamState,
    /// `SRB_GET_DATA_INTERSECTION`: the described format a request gets.
    GetDataIntersection,
    /// `SRB_GET_DEVICE_PROPERTY`: a control's value asked.
    GetDeviceProperty,
    /// `SRB_SET_DEVICE_PROPERTY`: a control set.
    SetDeviceProperty,
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
            Self::SurpriseRemoval => 0x10e,
            Self::OpenStream => 0x101,
            Self::SetStreamState => 0x3,
            Self::CloseStream => 0x102,
            Self::GetStreamState => 0x2,
            Self::GetDataIntersection => 0x10c,
            Self::GetDeviceProperty => 0x105,
            Self::SetDeviceProperty => 0x106,
            Self::Other(c) => c,
        }
    }

    pub(crate) fn from_code(code: u32) -> Self {
        // A match, not a search: it runs several times for every frame.
        match code {
            0x0 => Self::ReadData,
            0x2 => Self::GetStreamState,
            0x3 => Self::SetStreamState,
            0x100 => Self::GetStreamInfo,
            0x101 => Self::OpenStream,
            0x102 => Self::CloseStream,
            0x105 => Self::GetDeviceProperty,
            0x106 => Self::SetDeviceProperty,
            0x107 => Self::InitializeDevice,
            0x109 => Self::UninitializeDevice,
            0x10c => Self::GetDataIntersection,
            0x10d => Self::InitializationComplete,
            0x10e => Self::SurpriseRemoval,
            c => Self::Other(c),
        }
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
/// timeout.
///
/// Raw rather than `kernel::sync::Completion`, which in 7.3 offers only
/// `complete_all()` and an untimed, unkillable `wait_for_completion()`: a
/// request needs `complete()` for its one waiter, a bounded wait (its
/// timeout), a killable one (a process waiting on a stuck minidriver) and a
/// re-arm before each send.
#[pin_data]
pub(crate) struct Event {
    #[pin]
    c: Opaque<bindings::completion>,
}

impl Event {
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            c <- Opaque::ffi_init(|slot: *mut bindings::completion| {
                // SAFETY: `slot` is valid for writing a `struct completion`.
                unsafe { bindings::init_completion(slot) };
            }),
        })
    }

    /// Makes the completion "not done" again; no one may wait on it.
    pub(crate) fn reinit(&self) {
        // SAFETY: `c` is valid for writes; init_completion() on a
        // completion no one waits on is `reinit_completion()` and more.
        unsafe { bindings::init_completion(self.c.get()) };
    }

    pub(crate) fn signal(&self) {
        // SAFETY: `c` is an initialised completion; complete() may be called
        // from any context.
        unsafe { bindings::complete(self.c.get()) };
    }

    /// Waits up to `ms` milliseconds, killable: `Ok(true)` when signalled,
    /// `Ok(false)` at the timeout, `Err(EINTR)` when the task has a fatal
    /// signal (at once, from then on: wait with [`Event::wait_ms`] after).
    pub(crate) fn wait_killable_ms(&self, ms: u32) -> Result<bool> {
        let jiffies = msecs_to_jiffies(ms);
        // SAFETY: `c` is an initialised completion; we are in process context.
        match unsafe { bindings::wait_for_completion_killable_timeout(self.c.get(), jiffies) } {
            0 => Ok(false),
            r if r > 0 => Ok(true),
            _ => Err(EINTR),
        }
    }

    /// Waits up to `ms` milliseconds; true when signalled.
    pub(crate) fn wait_ms(&self, ms: u32) -> bool {
        let jiffies = msecs_to_jiffies(ms);
        // SAFETY: `c` is an initialised completion; we are in process context.
        unsafe { bindings::wait_for_completion_timeout(self.c.get(), jiffies) != 0 }
    }
}

/// Bytes of command data a request carries in its own memory: at least the
/// largest structure a device SRB passes (`struct streamclass_port_config`,
/// checked where it is declared).
pub(crate) const COMMAND_BYTES: usize = 256;

/// A structure a device SRB passes as its command data, which the sender
/// copies into the request ([`Params::command_data`] `Copy`) and back once
/// the SRB completes, so that what the minidriver writes lands in memory
/// that lives as long as the request, never in the sender's stack frame.
///
/// # Safety
///
/// Every bit pattern of its size is a valid value (integers, raw pointers
/// and arrays of them), and its alignment is at most 8.
pub(crate) unsafe trait CommandData: Copy {
    /// Proven at compile time: the structure fits in a request.
    const FITS: () = assert!(
        core::mem::size_of::<Self>() <= COMMAND_BYTES && core::mem::align_of::<Self>() <= 8
    );
}

/// What an SRB's `command_data` is.
#[derive(Clone, Copy)]
pub(crate) enum CommandArg {
    /// A value, or a pointer to memory that lives until the request
    /// completes whatever the sender does (a data SRB's stream header).
    Raw(*mut c_void),
    /// `len` bytes at `src`, copied into the request's own command area,
    /// which `command_data` then points to ([`CommandData`]).
    Copy(*const u8, usize),
}

/// Notifications refused since load: a NULL, stale or retired SRB, one
/// completed twice, or an unknown type (debugfs `refused_notifications`).
pub(crate) static REFUSED_NOTIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// One SRB: the block the minidriver sees, first, then the class's state.
///
/// A request is reused: the sender takes it from its device's pool (or the
/// device's reserved uninitialize request), [`Request::arm`]s it, hands the
/// SRB to the minidriver, waits until the minidriver completes it through
/// the notification, then [`Request::retire`]s it and gives it back. Its
/// memory lives as long as the pool, so a stale SRB pointer still reads a
/// retired request, which every lookup refuses.
///
/// # Invariants
///
/// - `check` is the request's own address while it is sent (armed, not
///   retired), 0 otherwise;
/// - `generation` is the generation of the current (or last) use;
/// - `srb.srb_extension` is `extension`'s memory (null when empty).
#[repr(C)]
#[pin_data]
pub(crate) struct Request {
    #[pin]
    srb: Opaque<RawSrb>,
    check: AtomicUsize,
    generation: AtomicU64,
    completed: AtomicBool,
    #[pin]
    ready: Event,
    #[pin]
    done: Event,
    /// The command data a device SRB carries ([`CommandArg::Copy`]): the
    /// minidriver's to read and write until the request completes.
    #[pin]
    area: Opaque<[u64; COMMAND_BYTES / 8]>,
    /// Written by `arm` only, while the request is retired and completed
    /// (no [`Request::complete`] can read it then); read by `complete`.
    on_done: core::cell::UnsafeCell<Option<Done>>,
    extension: Extension,
}

// SAFETY: The raw pointers in `srb` are the minidriver's to use from any
// thread; the class's fields are atomics and completions.
unsafe impl Send for Request {}
// SAFETY: As above; shared access only signals, reads atomics and touches
// the SRB through raw pointers.
unsafe impl Sync for Request {}

/// What the sender needs to know to build an SRB.
pub(crate) struct Params {
    pub(crate) command: Command,
    pub(crate) hw_device_extension: *mut c_void,
    pub(crate) command_data: CommandArg,
    pub(crate) frame_number: u64,
    pub(crate) timeout_s: u32,
    /// The stream instance of `SRB_OPEN_STREAM` and `SRB_CLOSE_STREAM`.
    pub(crate) stream_object: *mut c_void,
    /// The buffer of a stream's data SRB.
    pub(crate) data: Option<DataParams>,
    /// Called when the request completes, for a request no one waits for.
    pub(crate) done: Option<Done>,
}

/// The buffer of a stream's data SRB: its scatter/gather list (which lives
/// until the request completes) and its size.
#[derive(Clone, Copy)]
pub(crate) struct DataParams {
    pub(crate) sg: *mut SgElement,
    pub(crate) elements: u32,
    pub(crate) bytes: u32,
}

/// What to call once a request is completed through the notification:
/// `f(ctx, request)`, in the notifier's context (any, hard IRQ included),
/// once per use of the request.
#[derive(Clone, Copy)]
pub(crate) struct Done {
    pub(crate) f: fn(usize, &Request),
    pub(crate) ctx: usize,
}

/// Reads field `$f` of a request's SRB (volatile: the minidriver may write
/// it from another context).
macro_rules! srb_read {
    ($req:expr, $f:ident) => {
        // SAFETY: `srb` is a valid, initialised `RawSrb` for the request's
        // life; the field is read through a raw pointer, with no reference.
        unsafe { ptr::read_volatile(ptr::addr_of!((*$req.srb.get()).$f)) }
    };
}

/// Writes field `$f` of a request's SRB.
macro_rules! srb_write {
    ($req:expr, $f:ident, $v:expr) => {
        // SAFETY: As for `srb_read!`.
        unsafe { ptr::write_volatile(ptr::addr_of_mut!((*$req.srb.get()).$f), $v) }
    };
}

impl Request {
    /// A retired request with `extension` as its per-request extension.
    ///
    /// Every request lives in an [`Arc`] (this is its only constructor), so
    /// a reference to one can be turned into another reference counted
    /// owner ([`Request::arc_of`]): a minidriver's token keeps the request
    /// it names alive, however long it is kept.
    pub(crate) fn new(extension: Extension) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                srb <- Opaque::ffi_init(|slot: *mut RawSrb| {
                    // SAFETY: `slot` is valid for writing a `RawSrb`, whose
                    // fields are integers and raw pointers: all zero is valid.
                    unsafe { slot.write(core::mem::zeroed()) };
                }),
                check: AtomicUsize::new(0),
                generation: AtomicU64::new(0),
                completed: AtomicBool::new(true),
                ready <- Event::new(),
                done <- Event::new(),
                area <- Opaque::ffi_init(|slot: *mut [u64; COMMAND_BYTES / 8]| {
                    // SAFETY: `slot` is valid for writing the array.
                    unsafe { slot.write([0; COMMAND_BYTES / 8]) };
                }),
                on_done: core::cell::UnsafeCell::new(None),
                extension,
            }),
            GFP_KERNEL,
        )
    }

    /// Arms a retired request for `p`: fills the SRB, zeroes the
    /// per-request extension, resets the completions, and makes it live
    /// under a new generation, which it returns.
    ///
    /// Called by the request's owner only, on a retired, completed request:
    /// a stale notification racing with it finds the request completed (or,
    /// once `check` is set, the new use live), so nothing reads what this
    /// writes before it is done. Takes `&self`: a notifier on another CPU
    /// may hold a shared reference meanwhile.
    pub(crate) fn arm(&self, p: &Params) -> u64 {
        // SAFETY: The request is retired: no one else uses its extension.
        unsafe { self.extension.zero() };
        let ext = self.extension.cpu();
        let command_data = match p.command_data {
            CommandArg::Raw(v) => v,
            CommandArg::Copy(src, len) => {
                let area = self.area.get().cast::<u8>();
                // SAFETY: `src` has `len` readable bytes, which fit ([`CommandData::FITS`]);
                // the request is retired, so no one else touches the area.
                unsafe { ptr::copy_nonoverlapping(src, area, len.min(COMMAND_BYTES)) };
                area.cast()
            }
        };
        // The request is retired: no one else reads or writes it (a stale
        // lookup sees `check` 0 and stops).
        // SAFETY: `srb` is valid for writes.
        unsafe {
            self.srb.get().write(RawSrb {
                size_of_this_packet: core::mem::size_of::<RawSrb>() as u32,
                command: p.command.code(),
                status: Status::Pending as i32,
                stream_number: 0,
                hw_device_extension: p.hw_device_extension,
                srb_extension: ext,
                command_data,
                frame_number: p.frame_number,
                data_used: 0,
                timeout_counter: p.timeout_s,
                timeout_original: p.timeout_s,
                stream_object: p.stream_object,
                number_of_buffers: u32::from(p.data.is_some()),
                number_of_bytes_to_transfer: p.data.map_or(0, |d| d.bytes),
                scatter_gather_buffer: p.data.map_or(ptr::null_mut(), |d| d.sg),
                number_of_scatter_gather_elements: p.data.map_or(0, |d| d.elements),
                reserved: 0,
            })
        };
        // SAFETY: `completed` is true: `complete` reads `on_done` only after it swaps
        // `completed` from false, which the Release store below publishes after this.
        unsafe { *self.on_done.get() = p.done };
        // Only a request without a completion callback is waited for (the
        // transport's): one with a callback (a stream's data SRB) skips the
        // completions, which its hot path would otherwise pay twice a frame.
        if p.done.is_none() {
            self.ready.reinit();
            self.done.reinit();
        }
        // A request's generation changes each time it is sent, so a token
        // of an earlier use cannot reach the next one (tokens compare the
        // generations of one request only). Only the owner arms: a load
        // and a store, no read-modify-write on the frame path.
        let generation = self.generation.load(Ordering::Relaxed).wrapping_add(1);
        self.generation.store(generation, Ordering::Relaxed);
        self.completed.store(false, Ordering::Release);
        // INVARIANT: The request is pinned, so this is its final address;
        // it is now sent.
        self.check
            .store(ptr::from_ref::<Self>(self) as usize, Ordering::Release);
        generation
    }

    /// A new owner of `req`, which keeps it alive as long as it lives.
    pub(crate) fn arc_of(req: &Self) -> Arc<Self> {
        // SAFETY: Every request lives in an `Arc` (`Request::new`), whose `into_raw`
        // pointer is the request's address; `req` borrows it, so it is alive.
        let borrowed = unsafe { kernel::sync::ArcBorrow::from_raw(ptr::from_ref(req)) };
        Arc::from(borrowed)
    }

    /// The SRB the minidriver is handed.
    pub(crate) fn srb_ptr(&self) -> *mut RawSrb {
        self.srb.get()
    }

    /// Returns the live request whose SRB is `srb`, or `None` (NULL, or a
    /// request that is retired).
    ///
    /// # Safety
    ///
    /// `srb` is NULL or points to readable memory at least as large as a
    /// `Request`: a pointer to a request whose pool was freed is a
    /// use-after-free, as a stale `PHW_STREAM_REQUEST_BLOCK` is on Windows.
    pub(crate) unsafe fn from_srb(srb: *mut RawSrb) -> Option<LiveRequest> {
        if srb.is_null() {
            return None;
        }
        let req = srb.cast::<Self>();
        // SAFETY: Readable by the safety requirements; `srb` is the first field.
        let check = unsafe { (*ptr::addr_of!((*req).check)).load(Ordering::Acquire) };
        // INVARIANT: The check names the request, so it is live.
        (check == req as usize).then_some(LiveRequest(req))
    }

    /// The generation of the current use.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Lets the sender go on with the next device SRB.
    pub(crate) fn ready(&self) {
        if !self.completed.load(Ordering::Acquire) {
            self.ready.signal();
        }
    }

    /// Completes the request once; false when it was completed already.
    pub(crate) fn complete(&self) -> bool {
        if self.completed.swap(true, Ordering::AcqRel) {
            return false;
        }
        // Won the swap: no `arm` can run until the owner retires the request.
        // SAFETY: `arm` wrote `on_done` before it published `completed` false.
        match unsafe { *self.on_done.get() } {
            Some(d) => (d.f)(d.ctx, self),
            None => {
                self.ready.signal();
                self.done.signal();
            }
        }
        true
    }

    /// True once completed.
    pub(crate) fn is_complete(&self) -> bool {
        self.completed.load(Ordering::Acquire)
    }

    /// What the SRB asks.
    pub(crate) fn command(&self) -> Command {
        Command::from_code(srb_read!(self, command))
    }

    /// The status the minidriver set.
    pub(crate) fn status(&self) -> Status {
        Status::from_raw(srb_read!(self, status))
    }

    /// Sets the status.
    pub(crate) fn set_status(&self, st: Status) {
        srb_write!(self, status, st as i32)
    }

    /// `SRB_READ_DATA`: the frame's number.
    pub(crate) fn frame_number(&self) -> u64 {
        srb_read!(self, frame_number)
    }

    /// Bytes the device captured.
    pub(crate) fn data_used(&self) -> u32 {
        srb_read!(self, data_used)
    }

    /// Sets the bytes the device captured.
    pub(crate) fn set_data_used(&self, bytes: u32) {
        srb_write!(self, data_used, bytes)
    }

    /// Sets the command data (a `GET_STREAM_STATE` answer is its value).
    pub(crate) fn set_command_data(&self, v: *mut c_void) {
        srb_write!(self, command_data, v)
    }

    /// The command data (per command; see `include/streamclass.h`).
    pub(crate) fn command_data(&self) -> *mut c_void {
        srb_read!(self, command_data)
    }

    /// The stream instance of the SRB, null for a device SRB.
    pub(crate) fn stream_object(&self) -> *mut c_void {
        srb_read!(self, stream_object)
    }

    /// A data SRB's `number_of_bytes_to_transfer`.
    pub(crate) fn bytes_to_transfer(&self) -> u32 {
        srb_read!(self, number_of_bytes_to_transfer)
    }

    /// A data SRB's scatter/gather list and its length.
    pub(crate) fn scatter_gather(&self) -> (*mut SgElement, u32) {
        (
            srb_read!(self, scatter_gather_buffer),
            srb_read!(self, number_of_scatter_gather_elements),
        )
    }

    /// A stream data SRB: the bus address of `va`, a kernel address in its
    /// buffer, and the bytes from there to the end of its scatter/gather
    /// element; `None` outside the buffer, for a buffer with no kernel
    /// address, or for another SRB.
    pub(crate) fn data_bus_at(&self, va: *const c_void) -> Option<(u64, usize)> {
        if self.command() != Command::ReadData || self.stream_object().is_null() {
            return None;
        }
        let header = self.command_data().cast::<StreamHeader>();
        if header.is_null() {
            return None;
        }
        // SAFETY: The header of a live data SRB, valid until it completes;
        // read through raw pointers (the minidriver writes other fields).
        let (data, extent) = unsafe {
            (
                ptr::read_volatile(ptr::addr_of!((*header).data)),
                ptr::read_volatile(ptr::addr_of!((*header).frame_extent)),
            )
        };
        if data.is_null() {
            return None;
        }
        let mut offset = (va as usize).checked_sub(data as usize)?;
        if offset >= extent as usize {
            return None;
        }
        let (sg, n) = self.scatter_gather();
        for i in 0..n as usize {
            // SAFETY: The list of a live data SRB has `n` elements, valid
            // until it completes.
            let e = unsafe { sg.add(i).read() };
            let len = e.length as usize;
            if offset < len {
                return Some((e.physical_address + offset as u64, len - offset));
            }
            offset -= len;
        }
        None
    }

    /// Copies the command area out into `*out`, as the minidriver left it.
    /// Called by the sender once the request completed, before it retires
    /// it.
    pub(crate) fn read_area<T: CommandData>(&self, out: &mut T) {
        let () = T::FITS;
        // Read through a raw pointer: the minidriver wrote it.
        // SAFETY: The area's initialised bytes hold a `T`, aligned (`FITS`); any bits are a `T`.
        *out = unsafe { ptr::read_volatile(self.area.get().cast::<T>()) };
    }

    /// The per-request extension, null when its size is 0.
    pub(crate) fn srb_extension(&self) -> *mut c_void {
        srb_read!(self, srb_extension)
    }

    /// The per-request extension.
    pub(crate) fn extension(&self) -> &Extension {
        &self.extension
    }

    /// The timeout the class set, in seconds.
    pub(crate) fn timeout_original(&self) -> u32 {
        srb_read!(self, timeout_original)
    }

    /// One second passed: counts `timeout_counter` down as strmini.h does
    /// (0 means no timeout; the minidriver may set it again). True when it
    /// reached 0 with this tick: the timeout handler is due.
    ///
    /// The caller holds the device's synchronization lock when the
    /// minidriver asked for synchronization, so the minidriver's own writes
    /// of the counter do not race with this one.
    pub(crate) fn tick(&self) -> bool {
        match srb_read!(self, timeout_counter) {
            0 => false,
            n => {
                srb_write!(self, timeout_counter, n - 1);
                n == 1
            }
        }
    }

    /// Waits up to `ms` for completion (`done`), or for the "ready for
    /// next" signal (completion implies it); true when it came. Killable
    /// while `*killable`, which a fatal signal clears (the wait then goes
    /// on, not killable, for the rest of `ms`).
    pub(crate) fn wait_ms(&self, done: bool, ms: u32, killable: &mut bool) -> bool {
        let ev = match done {
            true => &self.done,
            false => &self.ready,
        };
        if *killable {
            match ev.wait_killable_ms(ms) {
                Ok(r) => return r,
                Err(_) => *killable = false,
            }
        }
        ev.wait_ms(ms)
    }

    /// Ends the request's life as an SRB: lookups fail from here on.
    pub(crate) fn retire(&self) {
        // INVARIANT: No longer sent.
        self.check.store(0, Ordering::Release);
    }
}

/// A request found live by [`Request::from_srb`].
///
/// # Invariants
///
/// Points to a request whose memory is valid as long as its pool, which
/// outlives every notification the minidriver may make (the caller's
/// contract in `from_srb`).
pub(crate) struct LiveRequest(*const Request);

impl core::ops::Deref for LiveRequest {
    type Target = Request;

    fn deref(&self) -> &Request {
        // SAFETY: Valid by the type invariant; `Request` is `Sync` and only
        // ever shared.
        unsafe { &*self.0 }
    }
}

#[kunit_tests(streamclass_srb)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            command: Command::ReadData,
            hw_device_extension: ptr::null_mut(),
            command_data: CommandArg::Raw(ptr::null_mut()),
            frame_number: 7,
            timeout_s: 2,
            stream_object: ptr::null_mut(),
            data: None,
            done: None,
        }
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
        assert_eq!(Command::from_code(0x10e), Command::SurpriseRemoval);
        assert_eq!(Command::from_code(0x101), Command::OpenStream);
        assert_eq!(Command::CloseStream.code(), 0x102);
        assert_eq!(Command::from_code(0x105), Command::GetDeviceProperty);
        assert_eq!(Command::SetDeviceProperty.code(), 0x106);
        assert_eq!(Command::from_code(0x104), Command::Other(0x104));
        // The two tables agree: every command's code comes back as it.
        for c in [
            Command::ReadData,
            Command::GetStreamInfo,
            Command::InitializeDevice,
            Command::UninitializeDevice,
            Command::InitializationComplete,
            Command::SurpriseRemoval,
            Command::OpenStream,
            Command::SetStreamState,
            Command::CloseStream,
            Command::GetStreamState,
            Command::GetDataIntersection,
            Command::GetDeviceProperty,
            Command::SetDeviceProperty,
        ] {
            assert_eq!(Command::from_code(c.code()), c);
        }
    }

    #[test]
    fn armed_request_is_pending_with_zeroed_extension() -> Result {
        let req = Request::new(Extension::plain(32)?)?;
        req.arm(&params());
        // SAFETY: The request's extension is 32 bytes it owns.
        unsafe { ptr::write_bytes(req.srb_extension().cast::<u8>(), 0xa5, 32) };
        req.complete();
        req.retire();
        req.arm(&params());
        assert_eq!(req.status(), Status::Pending);
        assert_eq!(req.frame_number(), 7);
        assert!(!req.is_complete());
        // SAFETY: The request's extension is 32 bytes it owns.
        let ext = unsafe { core::slice::from_raw_parts(req.srb_extension().cast::<u8>(), 32) };
        // reused extension not zeroed.
        assert!(ext.iter().all(|&b| b == 0));
        Ok(())
    }

    #[test]
    fn completes_once_and_lookups_follow_its_life() -> Result {
        let req = Request::new(Extension::plain(0)?)?;
        let srb = req.srb_ptr();
        // SAFETY: `srb` is a retired request's SRB, in memory we own.
        assert!(unsafe { Request::from_srb(srb) }.is_none());
        let g1 = req.arm(&params());
        // SAFETY: `srb` is the live request's SRB.
        assert!(unsafe { Request::from_srb(srb) }.is_some());
        // SAFETY: NULL is allowed.
        assert!(unsafe { Request::from_srb(ptr::null_mut()) }.is_none());
        assert!(req.complete());
        assert!(!req.complete());
        assert!(req.wait_ms(true, 0, &mut false));
        req.retire();
        // SAFETY: The request is still allocated; retired, it is not live.
        assert!(unsafe { Request::from_srb(srb) }.is_none());
        let g2 = req.arm(&params());
        // a reused request keeps its generation.
        assert_ne!(g1, g2);
        // a reused request starts complete.
        assert!(!req.wait_ms(true, 0, &mut false));
        Ok(())
    }

    #[test]
    fn command_data_is_the_requests_own_copy() -> Result {
        #[derive(Clone, Copy, PartialEq, Debug)]
        #[repr(C)]
        struct Pair(u32, i32);
        // SAFETY: Integers only.
        unsafe impl CommandData for Pair {}
        let req = Request::new(Extension::plain(0)?)?;
        let mut mine = Pair(7, -1);
        req.arm(&Params {
            command_data: CommandArg::Copy(ptr::from_ref(&mine).cast(), 8),
            ..params()
        });
        let cd = req.command_data().cast::<Pair>();
        // the command data points into the request, not at the sender's.
        assert!(cd != ptr::from_mut(&mut mine));
        let inside = (cd as usize).checked_sub(ptr::from_ref::<Request>(&req) as usize);
        assert!(inside.is_some_and(|o| o + 8 <= core::mem::size_of::<Request>()));
        // SAFETY: The request's area holds a copy of `mine`, valid for
        // reads and writes while the request lives.
        unsafe {
            assert_eq!(cd.read(), Pair(7, -1));
            // The minidriver answers through it.
            cd.write(Pair(7, 42));
        }
        // the sender's copy changed before the completion was read.
        assert_eq!(mine, Pair(7, -1));
        req.complete();
        req.read_area(&mut mine);
        assert_eq!(mine, Pair(7, 42));
        Ok(())
    }

    #[test]
    fn timeout_counter_counts_down_to_one_expiry() -> Result {
        let req = Request::new(Extension::plain(0)?)?;
        req.arm(&params());
        assert!(!req.tick());
        // the second tick of a 2 s timeout expires it.
        assert!(req.tick());
        // an expired counter stays at 0.
        assert!(!req.tick());
        // The minidriver sets it again: it expires again.
        srb_write!(req, timeout_counter, 1);
        assert!(req.tick());
        let mut none = Params {
            timeout_s: 0,
            ..params()
        };
        none.frame_number = 0;
        req.complete();
        req.retire();
        req.arm(&none);
        // 0 is no timeout.
        assert!((0..5).all(|_| !req.tick()));
        Ok(())
    }
}
