// SPDX-License-Identifier: GPL-2.0

//! The safe Rust API of the minidriver model.
//!
//! A Rust minidriver implements [`Minidriver`] and, from its module's init,
//! creates a [`MinidriverRegistration`] with its PCI IDs: the class registers
//! the PCI driver and, per device, calls the trait's methods with an
//! [`Adapter`] (the device: extension, DMA buffer, BARs) and [`Srb`] tokens.
//!
//! ```ignore
//! struct Capture;
//! #[vtable]
//! impl streamclass::Minidriver for Capture {
//!     type Extension = Ext;
//!     const CONFIG: Config = Config { dma_buffer_size: 8192, ..Config::new() };
//!     fn receive_packet(dev: &Adapter<Self>, srb: Srb) {
//!         match srb.command() {
//!             Command::InitializeDevice => srb.complete(Status::Success),
//!             _ => srb.complete(Status::NotImplemented),
//!         }
//!     }
//! }
//! ```

use core::{
    ffi::c_void,
    marker::PhantomData,
    mem::{
        align_of,
        size_of, //
    },
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicU64,
        AtomicUsize,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    device::Device,
    dma::{
        Coherent,
        DmaAddress, //
    },
    error::VTABLE_DEFAULT_ERROR,
    prelude::*,
    sync::Arc,
    ThisModule, //
};

use crate::{
    controls::{
        Control,
        Property,
        MAX_CONTROLS, //
    },
    hw_device::{
        HwDevice,
        Ops, //
    },
    init_data::Config,
    minidriver::BusMinidriver,
    priority::{
        Priority,
        Routine, //
    },
    registration::EXTENSION_ALIGN,
    srb::{
        Command,
        Request,
        SgElement,
        Status,
        StreamHeader,
        STREAM_HEADER_TIME_VALID, //
    },
    stream::KsState,
    stream_info::{
        DataIntersection,
        Format,
        StreamDescriptor,
        StreamInfo,
        MAX_STREAMS, //
    }, //
};

/// A minidriver: the callbacks of `HW_INITIALIZATION_DATA`, as methods.
///
/// The optional methods are called only when implemented (`#[vtable]`):
/// without [`Minidriver::interrupt`] no IRQ is requested.
///
/// Unless `CONFIG.turn_off_synchronization` is set, the class runs these
/// methods (and `High` and `Dispatch` priority routines) one at a time per
/// device, under an IRQ-safe lock: they are atomic context and must not
/// sleep; push lengthy work to [`Adapter::call_at_new_priority`] with
/// [`Priority::Low`]. With synchronization off they run unsynchronised
/// (the interrupt in hard-IRQ context, the rest in process context).
#[vtable]
pub trait Minidriver: Sized + Send + Sync + 'static {
    /// The device extension: zeroed by the class, so valid when all zero,
    /// and freed without being dropped: a type that needs `Drop` is refused
    /// at compile time.
    type Extension: Zeroable + Send + Sync + 'static;

    /// The configuration (sizes and flags of `HW_INITIALIZATION_DATA`).
    const CONFIG: Config;

    /// `HwReceivePacket`: every device SRB. Complete `srb` now, or keep it
    /// (for example in an [`SrbSlot`] of the extension) and complete it later,
    /// from any context: it is the minidriver's until [`Srb::complete`].
    fn receive_packet(dev: &Adapter<Self>, srb: Srb);

    /// `HwInterrupt`, in hard-IRQ context: true when the interrupt was the
    /// device's.
    fn interrupt(_dev: &Adapter<Self>) -> bool {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `HwCancelPacket`: end the pending SRB of `command`/`frame` early; it
    /// must still be completed (with [`Status::Cancelled`]).
    fn cancel_packet(_dev: &Adapter<Self>, _command: Command, _frame: u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `HwRequestTimeoutHandler`: the SRB's timeout ran out.
    fn request_timeout(_dev: &Adapter<Self>, _command: Command, _frame: u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ReceiveDataPacket` of every open stream instance: a stream's
    /// `SRB_READ_DATA`, one V4L2 buffer to fill ([`Srb::scatter_gather`],
    /// [`Srb::set_data_used`], [`Srb::set_picture_number`]). Several are
    /// outstanding at once; complete each (`StreamRequestComplete`) with
    /// [`Srb::complete`]. Not implemented: they fail with `NotImplemented`.
    fn receive_data_packet(_dev: &Adapter<Self>, _srb: Srb) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ReceiveControlPacket` of every open stream instance:
    /// `SRB_SET_STREAM_STATE` ([`Srb::stream_state`]), one state step, and
    /// `SRB_GET_STREAM_STATE` ([`Srb::report_stream_state`]).
    /// Not implemented: they fail with `NotImplemented`.
    fn receive_control_packet(_dev: &Adapter<Self>, _srb: Srb) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `HwCancelPacket` for a stream SRB (each outstanding data SRB when
    /// its stream stops): end the one of `command`/`frame` early; it must
    /// still be completed (with [`Status::Cancelled`]).
    fn cancel_stream_packet(_dev: &Adapter<Self>, _command: Command, _frame: u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// A PCI vendor and device ID the minidriver binds (any subsystem).
#[derive(Clone, Copy, Debug)]
pub struct PciId {
    vendor: u16,
    device: u16,
}

impl PciId {
    /// The ID `vendor`:`device`.
    pub const fn new(vendor: u16, device: u16) -> Self {
        Self { vendor, device }
    }
}

/// A registered Rust minidriver; dropping it unbinds its devices and
/// unregisters its PCI driver.
pub struct MinidriverRegistration<M: Minidriver> {
    _md: Pin<KBox<BusMinidriver>>,
    _p: PhantomData<M>,
}

impl<M: Minidriver> MinidriverRegistration<M> {
    /// Registers `M` as the PCI driver `name` for `ids`, owned by `module`
    /// (`StreamClassRegisterMinidriver`).
    pub fn new(name: &CStr, ids: &[PciId], module: &'static ThisModule) -> Result<Self> {
        let (init, ops) = Self::glue()?;
        let mut table = KVec::with_capacity(ids.len(), GFP_KERNEL)?;
        for id in ids {
            table.push(
                bindings::pci_device_id {
                    vendor: id.vendor.into(),
                    device: id.device.into(),
                    subvendor: !0,
                    subdevice: !0,
                    class: 0,
                    class_mask: 0,
                    driver_data: 0,
                    override_only: 0,
                },
                GFP_KERNEL,
            )?;
        }
        let md = BusMinidriver::register(name, &table, &init, ops, module.as_ptr())?;
        Ok(Self {
            _md: md,
            _p: PhantomData,
        })
    }

    /// Registers `M` for `devices` (1 to 16) virtual devices, off the PCI
    /// bus, owned by `module`: platform devices `name`.0, `name`.1, ...,
    /// which the class creates and binds to `M` (a software device, as
    /// `StreamClassRegisterAdapter` serves root-enumerated ones). Each has
    /// the lifecycle, SRBs, streams and V4L2 nodes of a PCI device, and the
    /// DMA mask `M::CONFIG` asks for, but no BARs and no interrupt.
    pub fn new_virtual(name: &CStr, devices: u32, module: &'static ThisModule) -> Result<Self> {
        let (init, ops) = Self::glue()?;
        let md = BusMinidriver::register_virtual(name, devices, &init, ops, module.as_ptr())?;
        Ok(Self {
            _md: md,
            _p: PhantomData,
        })
    }

    /// `M`'s initialization data and the class's calls into it.
    fn glue() -> Result<(crate::init_data::InitData, Ops)> {
        const {
            assert!(
                !core::mem::needs_drop::<M::Extension>(),
                "the class frees the extension without dropping it: an extension must not need Drop"
            )
        };
        if align_of::<M::Extension>() > EXTENSION_ALIGN {
            return Err(EINVAL);
        }
        let ext = u32::try_from(size_of::<M::Extension>()).map_err(|_| E2BIG)?;
        let init = M::CONFIG.to_init_data(ext);
        let callback = |has: bool, f: fn(&HwDevice, &Request)| has.then_some(f);
        let ops = Ops {
            receive: receive::<M>,
            interrupt: M::HAS_INTERRUPT.then_some(interrupt::<M> as fn(&HwDevice) -> bool),
            cancel: callback(
                M::HAS_CANCEL_PACKET || M::HAS_CANCEL_STREAM_PACKET,
                cancel::<M>,
            ),
            timeout: callback(M::HAS_REQUEST_TIMEOUT, timeout::<M>),
            data: callback(M::HAS_RECEIVE_DATA_PACKET, data::<M>),
            control: callback(M::HAS_RECEIVE_CONTROL_PACKET, control::<M>),
        };
        Ok((init, ops))
    }
}

/// The token of a request being delivered.
fn token(req: &Request) -> Srb {
    // INVARIANT: The class delivers each armed request once, and this is
    // the only token made at delivery; it owns a reference to the request.
    Srb {
        req: Hold::Shared(Request::arc_of(req)),
        generation: req.generation(),
    }
}

/// The token of a stream data SRB being delivered: the frame path, which
/// takes no reference (an `Arc` increment and decrement cost about 200 ns
/// a frame under TCG).
fn data_token(req: &Request) -> Srb {
    // INVARIANT: As for `token`. A stream data SRB's request is never
    // freed before it completes: its node's ring frees only completed
    // requests, and a stop that gives up on one leaks it.
    Srb {
        req: Hold::Data(NonNull::from(req)),
        generation: req.generation(),
    }
}

fn receive<M: Minidriver>(hw: &HwDevice, req: &Request) {
    M::receive_packet(Adapter::<M>::new(hw), token(req));
}

fn data<M: Minidriver>(hw: &HwDevice, req: &Request) {
    M::receive_data_packet(Adapter::<M>::new(hw), data_token(req));
}

fn control<M: Minidriver>(hw: &HwDevice, req: &Request) {
    M::receive_control_packet(Adapter::<M>::new(hw), token(req));
}

fn interrupt<M: Minidriver>(hw: &HwDevice) -> bool {
    M::interrupt(Adapter::<M>::new(hw))
}

fn cancel<M: Minidriver>(hw: &HwDevice, req: &Request) {
    let dev = Adapter::<M>::new(hw);
    match req.stream_object().is_null() {
        false if M::HAS_CANCEL_STREAM_PACKET => {
            M::cancel_stream_packet(dev, req.command(), req.frame_number())
        }
        _ if M::HAS_CANCEL_PACKET => M::cancel_packet(dev, req.command(), req.frame_number()),
        _ => {}
    }
}

fn timeout<M: Minidriver>(hw: &HwDevice, req: &Request) {
    M::request_timeout(Adapter::<M>::new(hw), req.command(), req.frame_number());
}

/// Calls the Rust priority routine `f` (a `fn(&Adapter<M>)` as `usize`)
/// with the device `hw`.
fn priority_routine<M: Minidriver>(hw: *const c_void, f: usize) {
    // SAFETY: `Adapter::call_at_new_priority` stored a `fn(&Adapter<M>)`
    // as `usize`; function pointers and `usize` have one size.
    let f: fn(&Adapter<M>) = unsafe { core::mem::transmute::<usize, fn(&Adapter<M>)>(f) };
    // SAFETY: The device runs its routines while it lives, with itself.
    let hw = unsafe { &*hw.cast::<HwDevice>() };
    f(Adapter::<M>::new(hw))
}

/// A device of minidriver `M` (`HwDeviceExtension` and what the class knows
/// of the device), valid during a callback.
#[repr(transparent)]
pub struct Adapter<M: Minidriver> {
    hw: HwDevice,
    _p: PhantomData<M>,
}

impl<M: Minidriver> Adapter<M> {
    fn new(hw: &HwDevice) -> &Self {
        // SAFETY: `Adapter` is a transparent wrapper of `HwDevice`, and `hw`
        // is a device of minidriver `M` (only `M`'s glue makes one).
        unsafe { &*ptr::from_ref(hw).cast::<Self>() }
    }

    /// The device extension.
    pub fn extension(&self) -> &M::Extension {
        let ext = self.hw.handle as *const M::Extension;
        // The handle is a live, zeroed extension of `size_of::<M::Extension>()`
        // bytes, aligned for it, that lives as long as the device.
        // SAFETY: As above; `Zeroable` makes the zeroed bytes a valid value.
        unsafe { &*ext }
    }

    /// The common DMA buffer (`StreamClassGetDmaBuffer`), the kernel's own
    /// [`Coherent`] (see [`crate::Registration::dma_buffer`]).
    pub fn dma_buffer(&self) -> Option<&Coherent<[u8]>> {
        // SAFETY: The device owns its registration while it lives, and the
        // adapter borrows the device.
        unsafe { crate::api::dma_buffer_of(self, self.hw.handle) }
    }

    /// `StreamClassGetPhysicalAddress` for the DMA buffer: the bus address of
    /// byte `offset` and the bytes from there to the end, or `None`.
    pub fn dma_address_at(&self, offset: usize) -> Option<(DmaAddress, usize)> {
        crate::api::dma_address_at(self.dma_buffer()?, offset)
    }

    /// BAR `index` when it is a memory BAR the class mapped (and its size
    /// a multiple of 4, as `kernel::io::Region` needs).
    pub fn access_range(&self, index: usize) -> Option<Bar<'_>> {
        let r = self.hw.bars.as_ref()?.ranges.get(index)?;
        if r.start.is_null() {
            return None;
        }
        let len = usize::try_from(r.length).ok()?;
        let raw =
            kernel::io::MmioRaw::<kernel::io::Region>::new_region(r.start as usize, len).ok()?;
        // SAFETY: The class unmaps the BAR only after the device is stopped,
        // so the mapping is valid while the adapter (a device borrow) is.
        Some(unsafe { kernel::io::Mmio::from_raw(raw) })
    }

    /// The device, for logging.
    pub fn device(&self) -> &Device {
        self.hw.device()
    }

    /// The bound PCI device, for `kernel::pci` (config space, IDs) and for
    /// the minidriver's own DMA allocations (`pci_device().as_ref()` is the
    /// `&Device<Bound>` they take); `None` for a virtual device. Bound for
    /// as long as the adapter is borrowed: an adapter exists only while its
    /// device is bound.
    pub fn pci_device(&self) -> Option<&kernel::pci::Device<kernel::device::Bound>> {
        let p = self.hw.pdev?;
        // SAFETY: `pdev` is bound while the `HwDevice` (so this adapter) lives;
        // `kernel::pci::Device` is a transparent wrapper of `struct pci_dev`.
        Some(unsafe { &*p.0.cast::<kernel::pci::Device<kernel::device::Bound>>() })
    }

    /// `StreamClassCallAtNewPriority`: calls `f` with this device now
    /// ([`Priority::High`], synchronized), soon in BH context
    /// ([`Priority::Dispatch`], synchronized) or in process context
    /// ([`Priority::Low`], may sleep, not synchronized: from there, call
    /// back at `High` to touch what the other entry points touch). Any
    /// context. `EBUSY` while a routine of that level is pending (one at a
    /// time), `ENODEV` once the device is being removed.
    pub fn call_at_new_priority(&self, p: Priority, f: fn(&Adapter<M>)) -> Result {
        let r = Routine::Rust(priority_routine::<M>, f as usize);
        self.hw.call_at_new_priority(p, r)
    }

    /// `StreamClassScheduleTimer` with no stream object: calls `f` with
    /// this device in about `us` microseconds (up to an hour), in softirq
    /// context, synchronized as the other entry points; scheduling again
    /// replaces the routine and the time, `us == 0` cancels. Any context.
    /// The class cancels it, and waits for a running `f`, at removal
    /// (`ENODEV` from then on).
    pub fn schedule_timer(&self, us: u64, f: fn(&Adapter<M>)) -> Result {
        let r = Routine::Rust(priority_routine::<M>, f as usize);
        self.hw.schedule_timer(None, us, r)
    }

    /// `StreamClassScheduleTimer` for stream `stream`: as
    /// [`Adapter::schedule_timer`], on the stream's own timer, which the
    /// class also cancels (waiting for a running `f`) when the stream
    /// steps to STOP or closes. `EINVAL` for a stream out of range.
    pub fn schedule_stream_timer(&self, stream: u32, us: u64, f: fn(&Adapter<M>)) -> Result {
        let r = Routine::Rust(priority_routine::<M>, f as usize);
        self.hw.schedule_timer(Some(stream as usize), us, r)
    }

    /// `StreamClassQueryMasterClockSync`: the time of stream `stream` in
    /// 100 ns units (KS time) since it last stepped to RUN, from the
    /// monotonic clock; `None` when it is not running. Any context.
    pub fn stream_time(&self, stream: u32) -> Option<i64> {
        self.hw.stream_time(stream as usize).map(|ns| ns / 100)
    }
}

/// A memory BAR of the device, mapped by the class: the kernel's own MMIO
/// view ([`kernel::io::Mmio`] over a [`kernel::io::Region`]), so its
/// accessors are those of [`kernel::io::Io`] (`try_read32`,
/// `try_write64`, ...: bounds and alignment checked).
pub type Bar<'a> = kernel::io::Mmio<'a, kernel::io::Region>;

/// A stream request block handed to the minidriver: it is the minidriver's
/// until it completes it, exactly once, with [`Srb::complete`] (the analogue
/// of `StreamClassDeviceNotification(DeviceRequestComplete)`), whatever it
/// did before. Dropping it completes it with [`Status::IoDeviceError`].
///
/// # Invariants
///
/// `req` is a request armed with generation `generation` and not yet
/// completed by this token, which is its only one. Its memory lives as
/// long as the token, even past the device and the minidriver's
/// registration (a token kept in a static): the token owns a reference to
/// a device SRB's request, and a stream data SRB's request is never freed
/// before it completes. The generation check refuses what comes too late.
pub struct Srb {
    req: Hold,
    generation: u64,
}

/// How a token holds its request.
enum Hold {
    /// A device SRB's (which an abandoned request outlives the device
    /// with, and the minidriver's registration frees): a reference.
    Shared(Arc<Request>),
    /// A stream data SRB's, never freed before it completes.
    Data(NonNull<Request>),
}

impl Hold {
    /// The request.
    fn get(&self) -> &Request {
        match self {
            Self::Shared(a) => a,
            // SAFETY: Never freed before it completes, which the token holding
            // this (its only one) has not done yet (type invariant of `Srb`).
            Self::Data(p) => unsafe { p.as_ref() },
        }
    }

    /// Its request's address, with bit 0 set for `Data` (a request is
    /// 8-byte aligned), for [`SrbSlot`]; the reference, if any, goes with it.
    fn into_word(self) -> usize {
        match self {
            Self::Shared(a) => Arc::into_raw(a) as usize,
            Self::Data(p) => p.as_ptr() as usize | 1,
        }
    }

    /// Takes back what [`Hold::into_word`] gave.
    ///
    /// # Safety
    ///
    /// `w` came from `into_word`, and is taken back once.
    unsafe fn from_word(w: usize) -> Self {
        let p = (w & !1) as *mut Request;
        match w & 1 {
            // SAFETY: `into_word` gave a `Data` request's address.
            1 => Self::Data(unsafe { NonNull::new_unchecked(p) }),
            // SAFETY: `Arc::into_raw` gave it, with the reference taken
            // back here once (the safety requirements).
            _ => Self::Shared(unsafe { Arc::from_raw(p) }),
        }
    }
}

// SAFETY: A request may be completed from any context.
unsafe impl Send for Srb {}
// SAFETY: Shared access only reads the SRB through raw pointers.
unsafe impl Sync for Srb {}

impl Srb {
    fn req(&self) -> &Request {
        self.req.get()
    }

    /// What the SRB asks.
    pub fn command(&self) -> Command {
        self.req().command()
    }

    /// `SRB_READ_DATA`: the frame's number.
    pub fn frame_number(&self) -> u64 {
        self.req().frame_number()
    }

    /// `SRB_READ_DATA`: the bytes the device captured (for a stream's, also
    /// its header's `DataUsed`: the V4L2 buffer's `bytesused`).
    pub fn set_data_used(&mut self, bytes: u32) {
        self.req().set_data_used(bytes);
        if let Some(h) = self.stream_header() {
            // SAFETY: The header of a live data SRB, the token holder's.
            unsafe { ptr::addr_of_mut!((*h).data_used).write_volatile(bytes) };
        }
    }

    /// A stream's `SRB_READ_DATA`: its stream header.
    fn stream_header(&self) -> Option<*mut StreamHeader> {
        let req = self.req();
        let h = req.command_data().cast::<StreamHeader>();
        (req.command() == Command::ReadData && !req.stream_object().is_null() && !h.is_null())
            .then_some(h)
    }

    /// A stream's `SRB_READ_DATA`: the frame's picture number
    /// (`KS_FRAME_INFO.PictureNumber`; the V4L2 buffer's `sequence` is it
    /// less the first one since the stream started, so a gap shows dropped
    /// frames). Without one the class counts the frames itself. Ignored for
    /// another SRB.
    pub fn set_picture_number(&mut self, n: u64) {
        if let Some(h) = self.stream_header() {
            // SAFETY: The header of a live data SRB, the token holder's.
            unsafe { ptr::addr_of_mut!((*h).picture_number).write_volatile(n) };
        }
    }

    /// A stream's `SRB_READ_DATA`: the buffer's bytes, for a device that
    /// fills it with the CPU (a software device); `None` for a buffer with
    /// no kernel address (an imported DMABUF) or another SRB.
    pub fn data_buffer(&mut self) -> Option<&mut [u8]> {
        let h = self.stream_header()?;
        // SAFETY: The header of a live data SRB, the token holder's.
        let (data, extent) = unsafe {
            (
                ptr::addr_of!((*h).data).read_volatile(),
                ptr::addr_of!((*h).frame_extent).read_volatile(),
            )
        };
        if data.is_null() {
            return None;
        }
        // `data` is the kernel address of the SRB's buffer of `extent` bytes,
        // which the token holder owns until it completes the SRB (which takes
        // `self`, so the slice cannot outlive it).
        // SAFETY: As above.
        Some(unsafe { core::slice::from_raw_parts_mut(data.cast::<u8>(), extent as usize) })
    }

    /// A stream's `SRB_READ_DATA`: the frame's presentation time in 100 ns
    /// units (KS time, as [`Adapter::stream_time`] gives it), marked valid
    /// (`KSSTREAM_HEADER_OPTIONSF_TIMEVALID`). Ignored for another SRB.
    pub fn set_presentation_time(&mut self, t: i64) {
        if let Some(h) = self.stream_header() {
            // SAFETY: The header of a live data SRB, the token holder's.
            unsafe {
                ptr::addr_of_mut!((*h).presentation_time).write_volatile(t.saturating_mul(100));
                let f = ptr::addr_of_mut!((*h).option_flags);
                f.write_volatile(f.read_volatile() | STREAM_HEADER_TIME_VALID);
            }
        }
    }

    /// A stream's `SRB_READ_DATA`: the frames dropped so far
    /// (`KS_FRAME_INFO.DropCount`). Ignored for another SRB.
    pub fn set_drop_count(&mut self, n: u64) {
        if let Some(h) = self.stream_header() {
            // SAFETY: The header of a live data SRB, the token holder's.
            unsafe { ptr::addr_of_mut!((*h).drop_count).write_volatile(n) };
        }
    }

    /// A stream's `SRB_READ_DATA`: its buffer as the device reaches it
    /// (`ScatterGatherBuffer`), in order; empty for another SRB.
    pub fn scatter_gather(&self) -> &[SgElement] {
        let (sg, n) = self.req().scatter_gather();
        if sg.is_null() || self.stream_header().is_none() {
            return &[];
        }
        // SAFETY: The list of a live data SRB: `n` elements, valid until it
        // completes, which takes this token.
        unsafe { core::slice::from_raw_parts(sg, n as usize) }
    }

    /// A stream's `SRB_READ_DATA`: the buffer's bytes
    /// (`NumberOfBytesToTransfer`); 0 for another SRB.
    pub fn bytes_to_transfer(&self) -> u32 {
        self.req().bytes_to_transfer()
    }

    /// `SRB_OPEN_STREAM`: the format the instance opens in; `None` for
    /// another SRB.
    pub fn open_format(&self) -> Option<Format> {
        let req = self.req();
        let f = req.command_data().cast::<Format>();
        // SAFETY: For this command, `command_data` is the class's copy of a
        // described format, alive until completion.
        (req.command() == Command::OpenStream && !f.is_null()).then(|| unsafe { f.read() })
    }

    /// `SRB_GET_STREAM_STATE`: answers with the instance's state; `EINVAL`
    /// for another SRB.
    pub fn report_stream_state(&mut self, state: KsState) -> Result {
        if self.command() != Command::GetStreamState {
            return Err(EINVAL);
        }
        // The answer is the pointer-sized `command_data`'s value.
        self.req()
            .set_command_data(ptr::without_provenance_mut(state as usize));
        Ok(())
    }

    /// `SRB_GET_DATA_INTERSECTION`: the stream and the format an
    /// application asked for (pixel format, width and height; any values);
    /// `None` for another SRB.
    pub fn intersection_request(&self) -> Option<(u32, Format)> {
        let req = self.req();
        let q = req.command_data().cast::<DataIntersection>();
        if req.command() != Command::GetDataIntersection || q.is_null() {
            return None;
        }
        // SAFETY: For this command, `command_data` is the class's question,
        // alive until completion; read through raw pointers.
        Some(unsafe {
            (
                ptr::addr_of!((*q).stream_number).read(),
                ptr::addr_of!((*q).request).read(),
            )
        })
    }

    /// `SRB_GET_DATA_INTERSECTION`: the described format the stream gives
    /// for the request (one it did not describe is refused by the class,
    /// which then matches); `EINVAL` for another SRB.
    pub fn set_intersection_result(&mut self, f: Format) -> Result {
        let req = self.req();
        let q = req.command_data().cast::<DataIntersection>();
        if req.command() != Command::GetDataIntersection || q.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: As in `intersection_request`, the holder of the token
        // writes the result.
        unsafe { ptr::addr_of_mut!((*q).result).write(f) };
        Ok(())
    }

    /// `SRB_SET_STREAM_STATE`: the state to move to; `None` for another SRB.
    pub fn stream_state(&self) -> Option<KsState> {
        let req = self.req();
        if req.command() != Command::SetStreamState {
            return None;
        }
        // The state is the pointer-sized `command_data`'s value.
        KsState::from_raw(req.command_data() as usize as u32)
    }

    /// The zeroed per-request extension (`SRBExtension`), of
    /// `CONFIG.per_request_extension_size` bytes; empty when that is 0.
    ///
    /// The device may reach it too ([`Srb::extension_dma_address`]): let
    /// it write the extension only while this borrow is not held.
    pub fn extension(&mut self) -> &mut [u8] {
        let p = self.req().srb_extension();
        let len = self.req().extension().len();
        if p.is_null() {
            return &mut [];
        }
        // SAFETY: `len` bytes the request owns, used only by the holder of the
        // token, which this borrow holds.
        unsafe { core::slice::from_raw_parts_mut(p.cast::<u8>(), len) }
    }

    /// The bus address of the per-request extension and its length
    /// (`StreamClassGetPhysicalAddress` with `PerRequestExtension`), for the
    /// device to read or write while the minidriver holds the SRB; `None`
    /// when the extension is empty. The CPU and the device share the memory
    /// as it is (no bouncing, no sync calls).
    pub fn extension_dma_address(&self) -> Option<(DmaAddress, usize)> {
        let req = self.req();
        req.extension().bus_at(req.srb_extension())
    }

    /// `SRB_GET_STREAM_INFO`: the number of streams; `EINVAL` for any other
    /// command.
    pub fn set_number_of_streams(&mut self, n: u32) -> Result {
        if self.command() != Command::GetStreamInfo {
            return Err(EINVAL);
        }
        // SAFETY: For this command, `command_data` is the class's
        // `struct streamclass_stream_info`, alive until completion.
        unsafe { ptr::write(self.req().command_data().cast::<u32>(), n) };
        Ok(())
    }

    /// `SRB_GET_STREAM_INFO`: describes the device's streams and their
    /// formats (`HW_STREAM_INFORMATION`); the class copies and checks them
    /// (a descriptor it cannot take fails the probe with `EINVAL`).
    /// `EINVAL` for another command, or more than 16 streams.
    pub fn set_streams(&mut self, streams: &'static [StreamDescriptor]) -> Result {
        if self.command() != Command::GetStreamInfo || streams.len() > MAX_STREAMS {
            return Err(EINVAL);
        }
        // For this command, `command_data` is the class's `struct
        // streamclass_stream_info`, alive until completion; the descriptors
        // are `'static`.
        let info = self.req().command_data().cast::<StreamInfo>();
        // SAFETY: `info` is valid for writes, as said above.
        unsafe {
            ptr::addr_of_mut!((*info).number_of_streams).write(streams.len() as u32);
            ptr::addr_of_mut!((*info).streams).write(streams.as_ptr());
        }
        Ok(())
    }

    /// `SRB_GET_STREAM_INFO`: declares the device's controls (copied; the
    /// class shows them on the device's V4L2 nodes and sends
    /// `SRB_GET_DEVICE_PROPERTY` / `SRB_SET_DEVICE_PROPERTY` for them).
    /// `EINVAL` for another SRB or more than 8.
    pub fn set_controls(&mut self, controls: &'static [Control]) -> Result {
        if self.command() != Command::GetStreamInfo || controls.len() > MAX_CONTROLS {
            return Err(EINVAL);
        }
        let info = self.req().command_data().cast::<StreamInfo>();
        // For this command, `command_data` is the class's `struct
        // streamclass_stream_info`, valid for writes until completion; the
        // controls are `'static`.
        // SAFETY: As above.
        unsafe {
            ptr::addr_of_mut!((*info).number_of_controls).write(controls.len() as u32);
            ptr::addr_of_mut!((*info).controls).write(controls.as_ptr());
        }
        Ok(())
    }

    /// `SRB_GET_DEVICE_PROPERTY` or `SRB_SET_DEVICE_PROPERTY`: the control
    /// and (for a set) its new value; `None` for another SRB.
    pub fn property(&self) -> Option<(u32, i32)> {
        let req = self.req();
        let p = req.command_data().cast::<Property>();
        let ours = matches!(
            req.command(),
            Command::GetDeviceProperty | Command::SetDeviceProperty
        );
        // SAFETY: For these commands, `command_data` is the class's
        // property, valid until completion.
        (ours && !p.is_null()).then(|| unsafe { ((*p).id, (*p).value) })
    }

    /// `SRB_GET_DEVICE_PROPERTY`: answers with the device's value. `EINVAL`
    /// for another SRB.
    pub fn set_property_value(&mut self, value: i32) -> Result {
        let req = self.req();
        let p = req.command_data().cast::<Property>();
        if req.command() != Command::GetDeviceProperty || p.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: As above, valid for writes.
        unsafe { ptr::addr_of_mut!((*p).value).write(value) };
        Ok(())
    }

    /// Lets the class send the next device SRB while this one is pending
    /// (`StreamClassDeviceNotification(ReadyForNextDeviceRequest)`).
    pub fn ready_for_next(&self) {
        self.req().ready();
    }

    /// Completes the SRB with `status` (`StreamClassDeviceNotification(
    /// DeviceRequestComplete)`); any context.
    pub fn complete(self, status: Status) {
        let st = match status {
            Status::Pending => Status::IoDeviceError,
            s => s,
        };
        let this = core::mem::ManuallyDrop::new(self);
        this.finish(st);
        // Completed: no `Drop`, but the reference to the request goes.
        // SAFETY: `this` is neither used nor dropped after this read.
        drop(unsafe { ptr::read(&this.req) });
    }

    fn finish(&self, st: Status) {
        let req = self.req();
        if req.generation() != self.generation {
            // Unreachable while the invariant holds: a token outlived its SRB.
            kernel::pr_warn_once!("a stale SRB token was refused\n");
            return;
        }
        req.set_status(st);
        req.complete();
    }
}

impl Drop for Srb {
    fn drop(&mut self) {
        self.finish(Status::IoDeviceError);
    }
}

/// A place for one pending [`Srb`] in a device extension (zeroed: empty).
pub struct SrbSlot(AtomicUsize);

// SAFETY: All zero is an empty slot.
unsafe impl Zeroable for SrbSlot {}

impl SrbSlot {
    /// Stores `srb`, or gives it back when the slot is full.
    pub fn put(&self, srb: Srb) -> core::result::Result<(), Srb> {
        if self.0.load(Ordering::Acquire) != 0 {
            return Err(srb);
        }
        let generation = srb.generation;
        let this = core::mem::ManuallyDrop::new(srb);
        // SAFETY: `this` is neither used nor dropped after this read: its
        // hold goes into the slot, or back into a token below.
        let w = unsafe { ptr::read(&this.req) }.into_word();
        match self
            .0
            .compare_exchange(0, w, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => Ok(()),
            Err(_) => Err(Srb {
                // SAFETY: `w` came from `into_word` just above and was not
                // stored.
                req: unsafe { Hold::from_word(w) },
                generation,
            }),
        }
    }

    /// Takes the stored SRB out.
    pub fn take(&self) -> Option<Srb> {
        let w = self.0.swap(0, Ordering::AcqRel);
        if w == 0 {
            return None;
        }
        // SAFETY: `put` stored `into_word`'s word for a token's hold, taken
        // back once here (the swap).
        let req = unsafe { Hold::from_word(w) };
        let generation = req.get().generation();
        // INVARIANT: As `put` found it: the only token, with its hold.
        Some(Srb { req, generation })
    }
}

/// A 64-bit atomic for device extensions (zeroed: 0).
pub struct AtomicWord(AtomicU64);

// SAFETY: All zero is the value 0.
unsafe impl Zeroable for AtomicWord {}

impl AtomicWord {
    /// The value.
    pub fn load(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Sets the value.
    pub fn store(&self, v: u64) {
        self.0.store(v, Ordering::Release)
    }

    /// Sets the value and returns the old one.
    pub fn swap(&self, v: u64) -> u64 {
        self.0.swap(v, Ordering::AcqRel)
    }

    /// Sets `new` if the value is `current`; the old value either way.
    pub fn compare_exchange(&self, current: u64, new: u64) -> core::result::Result<u64, u64> {
        self.0
            .compare_exchange(current, new, Ordering::AcqRel, Ordering::Acquire)
    }

    /// Adds `v` and returns the old value.
    pub fn fetch_add(&self, v: u64) -> u64 {
        self.0.fetch_add(v, Ordering::AcqRel)
    }
}

#[kunit_tests(streamclass_srb_token)]
mod tests {
    use super::*;
    use crate::{
        extension::Extension,
        srb::{
            CommandArg,
            Params, //
        }, //
    };

    fn armed() -> Result<Arc<Request>> {
        let req = Request::new(Extension::plain(0)?)?;
        req.arm(&Params {
            command: Command::ReadData,
            hw_device_extension: ptr::null_mut(),
            command_data: CommandArg::Raw(ptr::null_mut()),
            frame_number: 3,
            timeout_s: 0,
            stream_object: ptr::null_mut(),
            data: None,
            done: None,
        });
        Ok(req)
    }

    #[test]
    fn a_token_keeps_its_request_alive() -> Result {
        let req = armed()?;
        let srb = token(&req);
        // The class lets go of the request (its device gone, the
        // minidriver unregistered): only the token holds it now, as one
        // kept in a static would. KASAN sees any use after free below.
        drop(req);
        assert_eq!(srb.command(), Command::ReadData);
        assert_eq!(srb.frame_number(), 3);
        srb.complete(Status::Success);
        Ok(())
    }

    #[test]
    fn a_slot_keeps_the_token_it_holds() -> Result {
        let (a, b) = (armed()?, armed()?);
        let slot = SrbSlot(AtomicUsize::new(0));
        assert!(slot.put(token(&a)).is_ok());
        // A full slot gives the token back, which completes on drop.
        assert!(slot.put(token(&b)).is_err());
        assert!(b.is_complete());
        drop((a, b));
        let srb = slot.take();
        // the slot lost its token's request.
        assert!(srb.as_ref().is_some_and(|s| s.frame_number() == 3));
        if let Some(s) = srb {
            s.complete(Status::Success);
        }
        assert!(slot.take().is_none());
        // A data SRB's token (no reference) goes through the slot too.
        let c = armed()?;
        assert!(slot.put(data_token(&c)).is_ok());
        let srb = slot.take();
        assert!(srb.as_ref().is_some_and(|s| s.frame_number() == 3));
        if let Some(s) = srb {
            s.complete(Status::Success);
        }
        assert!(c.is_complete());
        Ok(())
    }
}
