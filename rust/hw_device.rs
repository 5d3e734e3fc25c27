// SPDX-License-Identifier: GPL-2.0

//! One device of a minidriver: its lifecycle on the PCI bus (or off it, as a
//! virtual device: no BARs, no interrupt), the synchronization of the
//! minidriver's entry points, and its deferred work.
//!
//! [`HwDevice::probe`] takes the device's resources in the Windows order
//! (enable, bus master, DMA mask with extension and buffer, BARs, IRQ vector;
//! a virtual device has only the DMA mask, extension and buffer),
//! then sends `SRB_INITIALIZE_DEVICE`, requests the interrupt and sends
//! `SRB_GET_STREAM_INFO` and `SRB_INITIALIZATION_COMPLETE`. Dropping the
//! `HwDevice` is the one place a device is torn down, after a failed probe as
//! on remove: new SRBs are refused, pending ones are cancelled and waited
//! for, the debugfs entries go (waiting for a capture in progress),
//! `SRB_UNINITIALIZE_DEVICE` stops the device (on the request reserved at
//! probe), the deferred work is flushed, and then the IRQ and the resource
//! guards are released in field order.
//!
//! Synchronization (strmini.h's, unless the minidriver turned it off): every
//! entry point of the minidriver (receive, cancel, timeout, interrupt,
//! `High` and `Dispatch` priority routines) runs under one IRQ-safe lock per
//! device, so no two of them overlap; they are then atomic context.

use core::{
    ffi::c_void,
    fmt,
    ptr,
    sync::atomic::{
        AtomicBool,
        AtomicU32,
        AtomicUsize,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    debugfs,
    device::Device,
    new_mutex,
    new_spinlock_irq,
    prelude::*,
    str::CString,
    sync::{
        Arc,
        Mutex,
        SpinLockIrq, //
    }, //
};

use crate::{
    buffers::Backend,
    controls::{
        self,
        Control,
        Property, //
    },
    debugfs::{
        Files,
        Target, //
    },
    init_data::InitData,
    pci::{
        self,
        AccessRange,
        Pdev,
        ProbeStep,
        MAX_ACCESS_RANGES, //
    },
    priority::{
        Priority,
        Routine,
        Slot, //
    },
    registration::Header,
    registry,
    srb::{
        Command,
        CommandArg,
        CommandData,
        Params,
        Request,
        Status, //
    },
    stream::{
        self,
        steps,
        Instance,
        KsState,
        StreamSlot, //
    },
    stream_info::{
        self,
        DataFlow,
        DataIntersection,
        Format,
        Stream,
        StreamInfo,
        MAX_STREAMS, //
    },
    timer::{
        StreamClock,
        Timer, //
    },
    transport::{
        Endpoint,
        Kind,
        Outcome,
        Transport, //
    },
    v4l2::{
        KeptData,
        Node,
        Port, //
    }, //
};

/// Seconds a device SRB may take before the timeout handler is called: the
/// class's `device_srb_timeout_s` parameter (15 by default).
fn device_srb_timeout_s() -> u32 {
    crate::module_parameters::device_srb_timeout_s
        .value()
        .clamp(1, 300)
}
/// Seconds a frame capture may take.
const READ_SRB_TIMEOUT_S: u32 = 5;

/// How the class calls a minidriver: C function pointers from its init data,
/// or the monomorphised glue of a Rust [`crate::Minidriver`]. Each SRB
/// callback gets the request, which is armed and live for the call.
#[derive(Clone, Copy)]
pub(crate) struct Ops {
    pub(crate) receive: fn(&HwDevice, &Request),
    pub(crate) interrupt: Option<fn(&HwDevice) -> bool>,
    pub(crate) cancel: Option<fn(&HwDevice, &Request)>,
    pub(crate) timeout: Option<fn(&HwDevice, &Request)>,
    /// A Rust minidriver's stream callbacks (a C minidriver sets its own in
    /// each stream object): data SRBs, and control SRBs.
    pub(crate) data: Option<fn(&HwDevice, &Request)>,
    pub(crate) control: Option<fn(&HwDevice, &Request)>,
}

/// What the devices of one minidriver share: set when it registers, read
/// only afterwards, and kept by its registration (`minidriver`), which
/// outlives every device of it.
///
/// Dropped after the minidriver's PCI driver is unregistered, so the
/// abandoned requests outlive every device of the minidriver.
#[pin_data(PinnedDrop)]
pub(crate) struct DriverInfo {
    pub(crate) name: CString,
    pub(crate) init: InitData,
    pub(crate) ops: Ops,
    pub(crate) debugfs: Option<debugfs::Dir>,
    /// What removed devices gave up on: requests the minidriver did not
    /// complete within the removal bound (it may still notify them), and
    /// stream instances such a request names (it may still write them).
    #[pin]
    abandoned: Mutex<KVec<Kept>>,
}

/// Memory a minidriver may still write after its device gave up on it.
enum Kept {
    /// An SRB not completed in time.
    Request(Arc<Request>),
    /// The stream object and extension of an instance an SRB not
    /// completed in time names (kept, never read).
    Instance { _memory: Instance },
    /// A data SRB a stop gave up on (its buffer's memory let go already).
    Data(KeptData),
}

impl DriverInfo {
    /// The shared part of a minidriver named `name`.
    pub(crate) fn new(
        name: CString,
        init: &InitData,
        ops: Ops,
        debugfs: Option<debugfs::Dir>,
    ) -> impl PinInit<Self> {
        let init = *init;
        pin_init!(Self {
            name,
            init,
            ops,
            debugfs,
            abandoned <- new_mutex!(KVec::new()),
        })
    }

    /// The name, for messages.
    pub(crate) fn name(&self) -> &str {
        self.name.to_str().unwrap_or("?")
    }

    /// Keeps `kept`, which a device gave up on, until the minidriver
    /// unregisters: an SRB stays valid memory for a late notification, an
    /// instance for the minidriver's late writes.
    fn keep(&self, kept: Kept) {
        let mut list = self.abandoned.lock();
        // Without memory to note it, leak it rather than free memory the
        // minidriver may still write.
        match list.reserve(1, GFP_KERNEL) {
            Ok(()) => {
                if let Err(e) = list.push_within_capacity(kept) {
                    core::mem::forget(e.0);
                }
            }
            Err(_) => core::mem::forget(kept),
        }
    }
}

#[pinned_drop]
impl PinnedDrop for DriverInfo {
    fn drop(self: Pin<&mut Self>) {
        // The minidriver's module is going: no late notification can come
        // any more.
        let abandoned = self.abandoned.lock();
        let (mut srbs, mut late, mut instances) = (0, 0, 0);
        for k in abandoned.iter() {
            match k {
                Kept::Request(r) => {
                    srbs += 1;
                    late += usize::from(r.is_complete());
                }
                Kept::Instance { .. } => instances += 1,
                Kept::Data(d) => {
                    srbs += 1;
                    late += usize::from(d.is_complete());
                }
            }
        }
        if srbs > 0 {
            pr_info!(
                "{}: freeing {srbs} abandoned SRB(s), {late} completed late\n",
                self.name()
            );
        }
        if instances > 0 {
            pr_info!(
                "{}: freeing {instances} stream instance(s) kept for SRBs not completed in time\n",
                self.name()
            );
        }
    }
}

/// The device a probe was given.
#[derive(Clone, Copy)]
pub(crate) enum BusDevice {
    /// A PCI device.
    Pci(Pdev),
    /// A virtual device (a platform device the class created), being bound.
    Virtual(*mut bindings::device),
}

impl BusDevice {
    /// Its `struct device`.
    fn dev(self) -> *mut bindings::device {
        match self {
            Self::Pci(p) => p.dev(),
            Self::Virtual(d) => d,
        }
    }
}

/// `struct streamclass_port_config`, as C lays it out.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct PortConfig {
    size_of_this_packet: u32,
    number_of_access_ranges: u32,
    dev: *mut bindings::device,
    pdev: *mut bindings::pci_dev,
    hw_device_extension: *mut c_void,
    irq: u32,
    access_ranges: [AccessRange; MAX_ACCESS_RANGES],
}

// SAFETY: Integers, raw pointers and an array of access ranges (integers
// and raw pointers), 8-byte aligned.
unsafe impl CommandData for PortConfig {}

/// A registration of the core API, owned by the device: unregistered on
/// drop, which frees the extension and the DMA buffer.
struct Registered(usize);

impl Registered {
    /// Notes (non-zero) or forgets (0) the device that owns it.
    fn set_owner(&self, owner: usize) {
        // SAFETY: The registration is live while `self` is: only `drop`
        // unregisters it, and the device stays bound until then.
        unsafe { Header::with_live(self.0 as *const c_void, |h| h.set_owner(owner)) };
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.set_owner(0);
        let _ = registry::unregister(self.0);
    }
}

/// A minidriver's device.
///
/// Fields are dropped in declaration order, after [`PinnedDrop`] has stopped
/// the device: the deferred work goes first, then the requests; bus
/// mastering goes off before the buffer is freed, the buffer and extension
/// go before the BARs, and the device is disabled last.
///
/// # Invariants
///
/// - `md` is the shared part of the minidriver the device is bound to,
///   which outlives it (unregistering a minidriver removes its devices
///   first).
/// - `holder` is the task that holds `sync`, or 0.
#[pin_data(PinnedDrop)]
pub(crate) struct HwDevice {
    md: *const DriverInfo,
    /// The PCI device; `None` for a virtual device.
    pub(crate) pdev: Option<Pdev>,
    /// The `struct device`, bound while `self` lives.
    dev: *mut bindings::device,
    pub(crate) handle: usize,
    synchronized: bool,
    initialized: AtomicBool,
    removing: AtomicBool,
    streams: AtomicU32,
    #[pin]
    described: Mutex<KVec<Stream>>,
    /// The controls the minidriver declared, set at start.
    #[pin]
    controls: Mutex<KVec<Control>>,
    /// Per described stream: its bookkeeping and its open instances.
    #[pin]
    opened: Mutex<KVec<Opened>>,
    stream_extension_size: usize,
    /// The V4L2 nodes of the capture streams.
    #[pin]
    nodes: Mutex<KVec<Pin<KBox<Node>>>>,
    /// Data SRBs the nodes' stops gave up on, with their buffers' memory,
    /// until the device is stopped for good.
    #[pin]
    kept_data: Mutex<KVec<KeptData>>,
    buffers: Backend,
    holder: AtomicUsize,
    #[pin]
    sync: SpinLockIrq<()>,
    #[pin]
    dispatch: Slot,
    #[pin]
    low: Slot,
    /// `StreamClassScheduleTimer`: the device's timer, and each stream's.
    #[pin]
    timer: Timer,
    #[pin]
    stream_timers: [Timer; MAX_STREAMS],
    /// `StreamClassQueryMasterClockSync`: each stream's clock.
    clocks: [StreamClock; MAX_STREAMS],
    #[pin]
    transport: Transport,
    #[pin]
    irq: Mutex<Option<pci::Irq>>,
    #[pin]
    debugfs: Mutex<Option<Files>>,
    master: Option<pci::Master>,
    registered: Registered,
    pub(crate) bars: Option<pci::Bars>,
    vector: Option<pci::IrqVector>,
    enabled: Option<pci::Enabled>,
}

// SAFETY: The raw pointers name objects that outlive the device and may be
// used from any thread; the rest is locks and atomics.
unsafe impl Send for HwDevice {}
// SAFETY: As above.
unsafe impl Sync for HwDevice {}

impl HwDevice {
    /// Takes `bus`'s resources for `md` and starts the device.
    pub(crate) fn probe(md: &DriverInfo, bus: BusDevice) -> Result<Pin<KBox<Self>>> {
        let pdev = match bus {
            BusDevice::Pci(p) => Some(p),
            BusDevice::Virtual(_) => None,
        };
        ProbeStep::Enable.fault_point()?;
        let enabled = pdev.map(pci::Enabled::new).transpose()?;
        let master = pdev
            .filter(|_| md.init.bus_master_dma != 0)
            .map(pci::Master::new);
        ProbeStep::Register.fault_point()?;
        // SAFETY: The device is being bound to our driver: it stays bound
        // until remove, which drops the registration first.
        let handle = unsafe {
            registry::with_bound_device(bus.dev(), |dev| registry::register(dev, &md.init))
        }?;
        let registered = Registered(handle);
        ProbeStep::Bars.fault_point()?;
        // SAFETY: The minidriver, and so its name, outlives its devices.
        let bars = pdev
            .map(|p| unsafe { pci::Bars::new(p, &md.name) })
            .transpose()?;
        let vector = md
            .ops
            .interrupt
            .filter(|_| ProbeStep::Vectors.fault_point().is_ok())
            .and(pdev)
            .and_then(pci::IrqVector::new);
        // The registration above set the DMA mask.
        let buffers = Backend::for_device(bus.dev(), pdev.is_none());
        let synchronized = md.init.turn_off_synchronization == 0;
        let stream_extension_size = md.init.per_stream_extension_size as usize;
        let extension_size = md.init.per_request_extension_size as usize;
        ProbeStep::Requests.fault_point()?;
        let hw = KBox::pin_init(
            try_pin_init!(Self {
                md: ptr::from_ref(md),
                pdev,
                dev: bus.dev(),
                handle: registered.0,
                synchronized,
                initialized: AtomicBool::new(false),
                removing: AtomicBool::new(false),
                streams: AtomicU32::new(0),
                described <- new_mutex!(KVec::new()),
                controls <- new_mutex!(KVec::new()),
                opened <- new_mutex!(KVec::new()),
                stream_extension_size,
                nodes <- new_mutex!(KVec::new()),
                kept_data <- new_mutex!(KVec::new()),
                buffers,
                holder: AtomicUsize::new(0),
                sync <- new_spinlock_irq!(()),
                dispatch <- Slot::new(Priority::Dispatch, run_deferred),
                low <- Slot::new(Priority::Low, run_deferred),
                timer <- Timer::new(run_timed),
                stream_timers <- pin_init::pin_init_array_from_fn(|_| Timer::new(run_timed)),
                clocks: [const { StreamClock::new() }; MAX_STREAMS],
                // SAFETY: The device stays bound until `remove` drops `hw`, and
                // with it the transport.
                transport <- unsafe { Transport::new(bus.dev(), extension_size, device_srb_timeout_s()) },
                irq <- new_mutex!(None),
                debugfs <- new_mutex!(None),
                master,
                registered,
                bars,
                vector,
                enabled,
            }? Error),
            GFP_KERNEL,
        )?;
        hw.registered.set_owner(ptr::from_ref::<Self>(&hw) as usize);
        let me = ptr::from_ref::<Self>(&hw).cast::<c_void>();
        for t in hw.timers() {
            t.set_owner(me);
        }
        // On error `hw` is dropped, which undoes whatever `start` did.
        hw.start()?;
        Ok(hw)
    }

    /// Stops the device for a reboot or kexec: new SRBs are refused and bus
    /// mastering goes off, so the device's DMA (and its MSI) stop. Its
    /// state stays, for a `remove` that may follow.
    pub(crate) fn shutdown(&self) {
        self.removing.store(true, Ordering::Release);
        self.transport.close();
        if let Some(p) = self.pdev {
            p.clear_master();
        }
        dev_info!(self.device(), "shutdown: SRBs refused, bus mastering off\n");
    }

    /// Calls `f` with the device object that owns the registration
    /// `handle`, if any, and returns what it returned.
    ///
    /// # Safety
    ///
    /// `handle` is NULL or follows [`Header::with_live`]'s requirements,
    /// and the device stays bound until `f` returns (the caller is one of
    /// its minidriver's entry points or routines).
    pub(crate) unsafe fn with_handle<R>(
        handle: *const c_void,
        f: impl FnOnce(&Self) -> R,
    ) -> Option<R> {
        // SAFETY: By the safety requirements.
        let owner = unsafe { Header::with_live(handle, |h| h.owner()) }?;
        // SAFETY: A non-zero owner is a live `HwDevice` (type invariant of
        // `Header`), bound for the call by the safety requirements.
        (owner != 0).then(|| f(unsafe { &*(owner as *const Self) }))
    }

    /// What the device's minidriver shares with its devices.
    pub(crate) fn minidriver(&self) -> &DriverInfo {
        // SAFETY: Valid by the type invariant.
        unsafe { &*self.md }
    }

    /// The device.
    pub(crate) fn device(&self) -> &Device {
        // SAFETY: The device is bound while `self` lives.
        unsafe { Device::from_raw(self.dev) }
    }

    /// Runs `f` synchronized with the minidriver's other entry points: under
    /// the device's lock when the minidriver asked for synchronization (and
    /// directly when the caller holds it already: a `High` routine called
    /// from inside another entry point); as is otherwise.
    pub(crate) fn synchronized<R>(&self, f: impl FnOnce() -> R) -> R {
        if !self.synchronized {
            return f();
        }
        // The holder is a task, and the lock disables interrupts: an
        // interrupt or softirq never runs on a task that holds it, so the
        // task found in `holder` is the current one only in its own calls.
        let me = kernel::task::Task::current_raw() as usize;
        if self.holder.load(Ordering::Relaxed) == me {
            return f();
        }
        let _guard = self.sync.lock();
        /// Clears `holder` before the lock is released.
        struct Holder<'a>(&'a AtomicUsize);
        impl Drop for Holder<'_> {
            fn drop(&mut self) {
                self.0.store(0, Ordering::Relaxed);
            }
        }
        // INVARIANT: This task holds `sync` until `_holder` is dropped,
        // which happens before `_guard` is.
        self.holder.store(me, Ordering::Relaxed);
        let _holder = Holder(&self.holder);
        f()
    }

    /// `StreamClassCallAtNewPriority`: runs `r` now (`High`, synchronized),
    /// soon in BH context (`Dispatch`, synchronized) or in process context
    /// (`Low`, not synchronized). Any context. `EBUSY` when a routine of
    /// that level is still pending, `ENODEV` once the device is going.
    pub(crate) fn call_at_new_priority(&self, p: Priority, r: Routine) -> Result {
        match p {
            Priority::High => {
                self.synchronized(|| self.run(r));
                Ok(())
            }
            Priority::Dispatch => self.dispatch.queue(r),
            Priority::Low => self.low.queue(r),
        }
    }

    /// `StreamClassScheduleTimer`: calls `r` in about `us` microseconds,
    /// synchronized (softirq context), on the timer of stream `stream`, or
    /// of the device for `None`; scheduling again replaces, `us == 0`
    /// cancels. Any context. The class cancels a stream's timer, and waits
    /// for its routine, when the stream stops or closes, and every timer at
    /// removal (`ENODEV` from then on).
    pub(crate) fn schedule_timer(&self, stream: Option<usize>, us: u64, r: Routine) -> Result {
        let t = match stream {
            None => &self.timer,
            Some(s) => self.stream_timers.get(s).ok_or(EINVAL)?,
        };
        t.schedule(us, r)
    }

    /// The device's timer and every stream's.
    fn timers(&self) -> impl Iterator<Item = &Timer> {
        Iterator::chain(core::iter::once(&self.timer), self.stream_timers.iter())
    }

    /// `StreamClassQueryMasterClockSync`: nanoseconds since stream
    /// `stream` stepped to RUN; `None` when it is not running. Any context.
    pub(crate) fn stream_time(&self, stream: usize) -> Option<i64> {
        self.clocks.get(stream)?.ns()
    }

    fn run(&self, r: Routine) {
        match r {
            // SAFETY: A C minidriver's routine with its own context, as it
            // asked to be called.
            Routine::C(f, ctx) => unsafe { f(ctx) },
            Routine::Rust(f, arg) => f(ptr::from_ref::<Self>(self).cast(), arg),
        }
    }

    fn port_config(&self) -> PortConfig {
        PortConfig {
            size_of_this_packet: core::mem::size_of::<PortConfig>() as u32,
            number_of_access_ranges: self.bars.as_ref().map_or(0, |b| b.count()),
            dev: self.dev,
            pdev: self.pdev.map_or(ptr::null_mut(), |p| p.0),
            hw_device_extension: self.handle as *mut c_void,
            irq: self.vector.as_ref().map_or(0, |v| v.irq),
            access_ranges: self
                .bars
                .as_ref()
                .map_or([AccessRange::NONE; MAX_ACCESS_RANGES], |b| b.ranges),
        }
    }

    fn start(self: &Pin<KBox<Self>>) -> Result {
        let mut port = self.port_config();
        ProbeStep::Initialize.fault_point()?;
        let st = self.call_with(Command::InitializeDevice, &mut port)?.status;
        if st != Status::Success {
            dev_err!(self.device(), "SRB_INITIALIZE_DEVICE failed: {st:?}\n");
            return Err(st.to_result().err().unwrap_or(EIO));
        }
        self.initialized.store(true, Ordering::Release);
        if let Some(v) = &self.vector {
            ProbeStep::Irq.fault_point()?;
            let dev_id = ptr::from_ref::<Self>(self).cast_mut().cast();
            // SAFETY: `self` is pinned and outlives the IRQ, which its drop
            // frees before anything else; the name lives in the minidriver.
            let irq = unsafe { pci::Irq::request(v.irq, isr, dev_id, &self.minidriver().name) }
                .inspect_err(|e| {
                    dev_err!(self.device(), "cannot request IRQ {}: {e:?}\n", v.irq)
                })?;
            *self.irq.lock() = Some(irq);
        }
        let mut info = StreamInfo::empty();
        match self.call_with(Command::GetStreamInfo, &mut info)?.status {
            Status::Success => {
                // SAFETY: The minidriver's descriptors live until its probe
                // returns (`include/streamclass.h`); this is that probe.
                let streams = unsafe { stream_info::take(&info) }.inspect_err(|e| {
                    dev_err!(
                        self.device(),
                        "SRB_GET_STREAM_INFO: stream descriptors refused: {}\n",
                        e.to_errno()
                    )
                })?;
                // SAFETY: As above, for the controls.
                let controls = unsafe { controls::take(info.controls, info.number_of_controls) }
                    .inspect_err(|e| {
                        dev_err!(
                            self.device(),
                            "SRB_GET_STREAM_INFO: controls refused: {}\n",
                            e.to_errno()
                        )
                    })?;
                *self.controls.lock() = controls;
                let mut opened = KVec::with_capacity(streams.len(), GFP_KERNEL)?;
                for s in streams.iter() {
                    opened.push(
                        Opened {
                            possible: s.possible_instances,
                            instances: KVec::new(),
                        },
                        GFP_KERNEL,
                    )?;
                }
                self.streams
                    .store(info.number_of_streams, Ordering::Relaxed);
                *self.described.lock() = streams;
                *self.opened.lock() = opened;
            }
            Status::NotImplemented => {}
            st => {
                dev_err!(self.device(), "SRB_GET_STREAM_INFO failed: {st:?}\n");
                return st.to_result();
            }
        }
        match self
            .call(Command::InitializationComplete, ptr::null_mut(), 0)?
            .status
        {
            Status::Success | Status::NotImplemented => {}
            st => dev_warn!(self.device(), "SRB_INITIALIZATION_COMPLETE: {st:?}\n"),
        }
        self.register_nodes()?;
        let debugfs = self.minidriver().debugfs.as_ref();
        if let Some(dir) = debugfs.filter(|_| ProbeStep::Debugfs.fault_point().is_ok()) {
            let target: *const dyn Target = ptr::from_ref::<Self>(self);
            // SAFETY: `self` is pinned, and its drop removes the files (waiting
            // for their callbacks) before anything else goes.
            let files = unsafe { Files::new(dir, target) };
            // Debugfs is best effort: the device works without it.
            *self.debugfs.lock() = files.ok();
        }
        self.transport.started();
        Ok(())
    }

    fn params(&self, command: Command, data: *mut c_void, frame: u64) -> Params {
        Params {
            command,
            hw_device_extension: self.handle as *mut c_void,
            command_data: CommandArg::Raw(data),
            frame_number: frame,
            timeout_s: match command {
                Command::ReadData => READ_SRB_TIMEOUT_S,
                _ => device_srb_timeout_s(),
            },
            stream_object: ptr::null_mut(),
            data: None,
            done: None,
        }
    }

    /// Sends a removal SRB on a request reserved at probe; a failure is
    /// only logged, removal goes on.
    fn removal_srb(&self, command: Command) {
        let params = self.params(command, ptr::null_mut(), 0);
        match self.transport.send(self, &params, Kind::Reserved) {
            Ok(Outcome {
                status: Status::Success | Status::NotImplemented,
                ..
            }) => {}
            r => dev_warn!(self.device(), "SRB {command:?}: {r:?}\n"),
        }
    }

    /// Sends one device SRB and waits until the minidriver completes it.
    fn call(&self, command: Command, data: *mut c_void, frame: u64) -> Result<Outcome> {
        self.transport
            .send(self, &self.params(command, data, frame), Kind::Normal)
    }

    /// [`HwDevice::call`] with `*data` as the command data, which the
    /// request carries and copies back once completed.
    fn call_with<T: CommandData>(&self, command: Command, data: &mut T) -> Result<Outcome> {
        let params = self.params(command, ptr::null_mut(), 0);
        self.transport.send_with(self, params, Kind::Normal, data)
    }

    /// Opens an instance of stream `stream` in its format `format`
    /// (`SRB_OPEN_STREAM`, the format as its command data) and returns its
    /// object: `EINVAL` for a stream or format not described, `EBUSY` when
    /// all its possible instances are open, the SRB's status as an errno
    /// when the minidriver refuses. Process context.
    fn open_stream(&self, stream: usize, format: usize) -> Result<*mut c_void> {
        let mut fmt = *self
            .described
            .lock()
            .get(stream)
            .and_then(|s| s.formats.get(format))
            .ok_or(EINVAL)?;
        let mut opened = self.opened.lock();
        let o = opened.get_mut(stream).ok_or(EINVAL)?;
        if o.instances.len() >= o.possible as usize {
            return Err(EBUSY);
        }
        let inst = Instance::new(
            stream as u32,
            self.stream_extension_size,
            self.handle as *mut c_void,
        )?;
        o.instances.reserve(1, GFP_KERNEL)?;
        let object = inst.as_ptr();
        let params = Params {
            stream_object: object,
            ..self.params(Command::OpenStream, ptr::null_mut(), 0)
        };
        let sent = self
            .transport
            .send_with(self, params, self.kind(), &mut fmt);
        if matches!(sent, Err(e) if e == ETIMEDOUT) {
            // The minidriver may still complete the open, and write the
            // object and its extension meanwhile: they stay, as the SRB does.
            self.minidriver().keep(Kept::Instance { _memory: inst });
            return Err(ETIMEDOUT);
        }
        sent?.status.to_result()?;
        let mut life = StreamSlot::new(1);
        life.open()?;
        o.instances
            .push_within_capacity(Open {
                inst,
                life,
                lost: false,
            })
            .map_err(|_| ENOMEM)?;
        Ok(object)
    }

    /// Which request stream SRBs go on: removal's, once the device goes.
    fn kind(&self) -> Kind {
        match self.removing.load(Ordering::Acquire) {
            true => Kind::Removal,
            false => Kind::Normal,
        }
    }

    // `command_data` is a pointer-sized union; the state goes in as the
    // pointer's value, which C reads as the union's `u32 stream_state`
    // member only on a little-endian machine.
    const _LITTLE_ENDIAN: () = assert!(cfg!(target_endian = "little"));

    /// Steps `open` to `to`, one `SRB_SET_STREAM_STATE` to its control
    /// callback per state (as stream.sys steps them); stops at the first
    /// step the minidriver refuses, with its errno.
    fn step(&self, stream: usize, open: &mut Open, to: KsState, kind: Kind) -> Result {
        for next in steps(open.life.state(), to) {
            if next == KsState::Stop {
                // No routine of the stream's timer runs once the minidriver
                // has seen STOP (cancelled again after it, in case the
                // minidriver armed it meanwhile).
                if let Some(t) = self.stream_timers.get(stream) {
                    t.cancel_sync();
                }
            }
            let state = ptr::without_provenance_mut::<c_void>(next as usize);
            let params = Params {
                stream_object: open.inst.as_ptr(),
                ..self.params(Command::SetStreamState, state, 0)
            };
            let sent = self.transport.send(self, &params, kind);
            if matches!(sent, Err(e) if e == ETIMEDOUT) {
                // The minidriver may still complete it: keep the object.
                open.lost = true;
            }
            sent?.status.to_result()?;
            open.life.stepped(next)?;
            if let Some(clock) = self.clocks.get(stream) {
                match next {
                    KsState::Run => clock.start(),
                    KsState::Stop => {
                        clock.stop();
                        self.stream_timers[stream].cancel_sync();
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The index of instance `object` of `o`, or of the one opened last.
    fn find(o: &Opened, object: Option<*mut c_void>) -> Option<usize> {
        match object {
            None => o.instances.len().checked_sub(1),
            Some(p) => o.instances.iter().position(|i| i.inst.as_ptr() == p),
        }
    }

    /// Moves instance `object` (or the one opened last) of stream `stream`
    /// to state `to`.
    fn set_stream_state(
        &self,
        stream: usize,
        object: Option<*mut c_void>,
        to: KsState,
        kind: Kind,
    ) -> Result {
        let mut opened = self.opened.lock();
        let o = opened.get_mut(stream).ok_or(EINVAL)?;
        let i = Self::find(o, object).ok_or(EINVAL)?;
        self.step(stream, &mut o.instances[i], to, kind)
    }

    /// Closes instance `object` (or the one opened last) of stream
    /// `stream`: steps it down to STOP (a refused step does not keep it
    /// open), then `SRB_CLOSE_STREAM`; `EINVAL` when none is open. The
    /// instance is freed once the SRBs complete, whatever their status
    /// (kept if one never completes). Its SRBs go on removal's requests,
    /// which a closing transport still sends: every instance opened gets
    /// its `SRB_CLOSE_STREAM` before `SRB_UNINITIALIZE_DEVICE`, even when
    /// the device starts going midway. Process context.
    fn close_stream(&self, stream: usize, object: Option<*mut c_void>) -> Result {
        let kind = Kind::Removal;
        let mut opened = self.opened.lock();
        let o = opened.get_mut(stream).ok_or(EINVAL)?;
        let i = Self::find(o, object).ok_or(EINVAL)?;
        let stopped = self.step(stream, &mut o.instances[i], KsState::Stop, kind);
        if let Some(t) = self.stream_timers.get(stream) {
            // Whatever the minidriver said: a closed stream's timer is off.
            self.clocks[stream].stop();
            t.cancel_sync();
        }
        let mut open = o.instances.remove(i).map_err(|_| EINVAL)?;
        if stopped.is_ok() {
            // Stopped with nothing outstanding, so this cannot fail; and the
            // instance is closed below whatever its bookkeeping says.
            let _ = open.life.close();
        }
        let params = Params {
            stream_object: open.inst.as_ptr(),
            ..self.params(Command::CloseStream, ptr::null_mut(), 0)
        };
        let sent = self.transport.send(self, &params, kind);
        if open.lost || matches!(sent, Err(e) if e == ETIMEDOUT) {
            // The minidriver may still touch the object: it stays, like an
            // abandoned SRB, until the minidriver unregisters.
            self.minidriver()
                .keep(Kept::Instance { _memory: open.inst });
        }
        sent?.status.to_result()
    }

    /// `SRB_GET_DATA_INTERSECTION`: the index of the described format the
    /// minidriver gives stream `stream` for `want`; `None` when it leaves
    /// the choice to the class (`NOT_IMPLEMENTED`, or a result it did not
    /// describe, which is logged). Process context.
    fn intersect(&self, stream: usize, want: &Format) -> Result<Option<usize>> {
        let mut q = DataIntersection::new(stream as u32, want);
        let st = self.call_with(Command::GetDataIntersection, &mut q)?.status;
        match st {
            Status::Success => {}
            Status::NotImplemented => return Ok(None),
            st => return st.to_result().map(|()| None),
        }
        let found = self
            .described
            .lock()
            .get(stream)
            .and_then(|s| s.formats.iter().position(|f| *f == q.result));
        if found.is_none() {
            dev_warn!(
                self.device(),
                "SRB_GET_DATA_INTERSECTION: stream {stream}: a format it did not describe ({}x{}): the class matches\n",
                q.result.width,
                q.result.height
            );
        }
        Ok(found)
    }

    /// `SRB_GET_STREAM_STATE` to instance `object` of stream `stream`: the
    /// state the minidriver reports. Process context.
    fn stream_state(&self, stream: usize, object: *mut c_void) -> Result<KsState> {
        let opened = self.opened.lock();
        let o = opened.get(stream).ok_or(EINVAL)?;
        Self::find(o, Some(object)).ok_or(EINVAL)?;
        let params = Params {
            stream_object: object,
            ..self.params(Command::GetStreamState, ptr::null_mut(), 0)
        };
        let outcome = self.transport.send(self, &params, self.kind())?;
        outcome.status.to_result()?;
        // The answer is the pointer-sized union's `u32 stream_state`.
        KsState::from_raw(outcome.command_data as u32).ok_or(EIO)
    }

    /// Registers a V4L2 node for each capture stream.
    fn register_nodes(self: &Pin<KBox<Self>>) -> Result {
        let mut captures = KVec::new();
        for (i, s) in self.described.lock().iter().enumerate() {
            if s.data_flow == DataFlow::Out {
                let card =
                    CString::try_from_fmt(fmt!("{} {}", self.minidriver().name(), s.name()))?;
                captures.push((i, card), GFP_KERNEL)?;
            }
        }
        let port: *const dyn Port = ptr::from_ref::<Self>(self);
        for (i, card) in captures {
            // SAFETY: `self` is pinned, and its drop drops its nodes before
            // it releases the device.
            let node = unsafe {
                Node::register(
                    port,
                    self.dev,
                    i,
                    self.buffers,
                    &self.minidriver().name,
                    &card,
                )
            }
            .inspect_err(|e| {
                dev_err!(
                    self.device(),
                    "stream {i}: no V4L2 node: {}\n",
                    e.to_errno()
                )
            })?;
            self.nodes.lock().push(node, GFP_KERNEL)?;
        }
        Ok(())
    }

    /// Closes every open instance of every stream, at removal, whatever
    /// the minidriver answers (each call takes one instance off).
    fn close_streams(&self) {
        let n = self.opened.lock().len();
        for s in 0..n {
            while self
                .opened
                .lock()
                .get(s)
                .is_some_and(|o| !o.instances.is_empty())
            {
                let _ = self.close_stream(s, None);
            }
        }
    }
}

/// One described stream of a device: its possible and open instances.
struct Opened {
    possible: u32,
    instances: KVec<Open>,
}

/// An open instance and its state.
struct Open {
    inst: Instance,
    life: StreamSlot,
    /// An SRB naming it was never completed: never free it.
    lost: bool,
}

impl Target for HwDevice {
    fn device(&self) -> &Device {
        HwDevice::device(self)
    }

    fn read_frame(&self, frame: u64) -> Result<Outcome> {
        self.call(Command::ReadData, ptr::null_mut(), frame)
    }

    fn streams(&self) -> u32 {
        self.streams.load(Ordering::Relaxed)
    }

    fn buffers(&self) -> &'static str {
        self.buffers.name()
    }

    fn bounced(&self) -> u32 {
        self.nodes.lock().iter().map(|n| n.bounced()).sum()
    }

    fn describe_streams(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        stream_info::describe(&self.described.lock(), f)?;
        for (i, o) in self.opened.lock().iter().enumerate() {
            write!(f, "stream {i} open {}", o.instances.len())?;
            for open in o.instances.iter() {
                write!(f, " {:?}", open.life.state())?;
            }
            writeln!(f)?;
        }
        Ok(())
    }

    fn open_stream(&self, stream: usize, format: usize) -> Result {
        HwDevice::open_stream(self, stream, format).map(|_| ())
    }

    fn close_stream(&self, stream: usize) -> Result {
        HwDevice::close_stream(self, stream, None)
    }

    fn set_stream_state(&self, stream: usize, state: u32) -> Result {
        let to = KsState::from_raw(state).ok_or(EINVAL)?;
        HwDevice::set_stream_state(self, stream, None, to, Kind::Normal)
    }
}

impl Port for HwDevice {
    fn keep_data(&self, kept: KeptData) {
        let mut list = self.kept_data.lock();
        // Without memory to note it, leak it (and its buffer) rather than
        // free memory the minidriver may still write.
        match list.reserve(1, GFP_KERNEL) {
            Ok(()) => {
                if let Err(e) = list.push_within_capacity(kept) {
                    core::mem::forget(e.0);
                }
            }
            Err(_) => core::mem::forget(kept),
        }
    }

    fn with_controls(&self, f: &mut dyn FnMut(&[Control])) {
        f(&self.controls.lock());
    }

    fn property(&self, id: u32, value: &mut i32, set: bool) -> Result {
        if self.removing.load(Ordering::Acquire) {
            return Err(ENODEV);
        }
        let mut p = Property { id, value: *value };
        let command = match set {
            true => Command::SetDeviceProperty,
            false => Command::GetDeviceProperty,
        };
        self.call_with(command, &mut p)?.status.to_result()?;
        if !set {
            *value = p.value;
        }
        Ok(())
    }

    fn run_since_ns(&self, stream: usize) -> Option<i64> {
        self.clocks.get(stream)?.since()
    }

    fn with_formats(&self, stream: usize, f: &mut dyn FnMut(&[Format])) {
        match self.described.lock().get(stream) {
            Some(s) => f(&s.formats),
            None => f(&[]),
        }
    }

    fn open(&self, stream: usize, format: usize) -> Result<*mut c_void> {
        if self.removing.load(Ordering::Acquire) {
            return Err(ENODEV);
        }
        self.open_stream(stream, format)
    }

    fn set_state(&self, stream: usize, object: *mut c_void, to: KsState) -> Result {
        self.set_stream_state(stream, Some(object), to, self.kind())
    }

    fn close(&self, stream: usize, object: *mut c_void, keep: bool) {
        if keep {
            let mut opened = self.opened.lock();
            if let Some(o) = opened.get_mut(stream) {
                if let Some(i) = Self::find(o, Some(object)) {
                    o.instances[i].lost = true;
                }
            }
        }
        if let Err(e) = self.close_stream(stream, Some(object)) {
            dev_warn!(self.device(), "stream {stream}: close: {}\n", e.to_errno());
        }
    }

    fn intersect(&self, stream: usize, want: &Format) -> Result<Option<usize>> {
        HwDevice::intersect(self, stream, want)
    }

    fn get_state(&self, stream: usize, object: *mut c_void) -> Result<KsState> {
        self.stream_state(stream, object)
    }

    fn deliver(&self, req: &Request) {
        if self.removing.load(Ordering::Acquire) {
            // The device is going: no new data SRB reaches the minidriver.
            req.set_status(Status::NoSuchDevice);
            req.complete();
            return;
        }
        Endpoint::deliver(self, req)
    }

    fn cancel(&self, req: &Request) {
        if let Some(cancel) = self.minidriver().ops.cancel {
            self.synchronized(|| {
                if !req.is_complete() {
                    cancel(self, req)
                }
            });
        }
    }

    fn handle(&self) -> *mut c_void {
        self.handle as *mut c_void
    }

    fn dma_device(&self) -> *mut bindings::device {
        self.dev
    }

    fn extension_size(&self) -> usize {
        self.minidriver().init.per_request_extension_size as usize
    }
}

impl Endpoint for HwDevice {
    fn deliver(&self, req: &Request) {
        let object = req.stream_object();
        let ops = &self.minidriver().ops;
        let callback = match req.command() {
            Command::SetStreamState | Command::GetStreamState => {
                // SAFETY: The object of an open instance, which stays
                // allocated while this SRB names it.
                Some((unsafe { stream::control_callback(object) }, ops.control))
            }
            Command::ReadData if !object.is_null() => {
                // SAFETY: As above.
                Some((unsafe { stream::data_callback(object) }, ops.data))
            }
            _ => None,
        };
        if let Some(callback) = callback {
            // A stream SRB: to the instance's control or data callback (a
            // C minidriver's, from the object; a Rust minidriver's method).
            match callback {
                // SAFETY: A C minidriver's callback, given a live SRB.
                (Some(f), _) => self.synchronized(|| unsafe { f(req.srb_ptr()) }),
                (None, Some(f)) => self.synchronized(|| f(self, req)),
                (None, None) => {
                    req.set_status(Status::NotImplemented);
                    req.complete();
                }
            }
            return;
        }
        let receive = self.minidriver().ops.receive;
        self.synchronized(|| receive(self, req));
    }

    fn second(&self, req: &Request) {
        let ops = &self.minidriver().ops;
        let expired = self.synchronized(|| {
            // A request completed meanwhile is the minidriver's no more:
            // no handler call for it (checked under the synchronization,
            // which a completion from inside an entry point holds too).
            let due = !req.is_complete() && req.tick();
            if due {
                if let Some(f) = ops.timeout.or(ops.cancel) {
                    f(self, req);
                }
            }
            due
        });
        if expired {
            dev_warn!(
                self.device(),
                "SRB {:?} timed out after {} s\n",
                req.command(),
                req.timeout_original()
            );
        }
    }

    fn serialised(&self) -> bool {
        self.synchronized
    }

    fn abandon(&self, req: Arc<Request>, during: &'static str) {
        dev_err!(
            self.device(),
            "SRB {:?} not completed {} s into {during}: abandoned; it stays valid until {} unregisters\n",
            req.command(),
            crate::transport::removal_bound_s(req.timeout_original(), device_srb_timeout_s()),
            self.minidriver().name()
        );
        self.minidriver().keep(Kept::Request(req));
    }
}

#[pinned_drop]
impl PinnedDrop for HwDevice {
    fn drop(self: Pin<&mut Self>) {
        let this: &Self = &self;
        this.removing.store(true, Ordering::Release);
        this.transport.close();
        // Checked first, before any callback: whether the hardware is gone.
        let gone =
            this.initialized.load(Ordering::Acquire) && this.pdev.is_some_and(|p| p.is_gone());
        if gone {
            dev_warn!(this.device(), "the device is gone: surprise removal\n");
        }
        if let Some(cancel) = this.minidriver().ops.cancel {
            this.transport.for_each_inflight(|req| {
                this.synchronized(|| {
                    if !req.is_complete() {
                        cancel(this, req)
                    }
                })
            });
        }
        // Waits for a capture in progress, which ends once its SRB completes.
        drop(this.debugfs.lock().take());
        if gone {
            this.removal_srb(Command::SurpriseRemoval);
        }
        // The V4L2 nodes go: a running stream is stopped (its buffers come
        // back) and its instance closed; open file handles keep only C's
        // memory, until their last close.
        let nodes = core::mem::take(&mut *this.nodes.lock());
        drop(nodes);
        if this.initialized.load(Ordering::Acquire) {
            this.close_streams();
        }
        // No timer fires from here on.
        for t in this.timers() {
            t.shutdown();
        }
        if this.initialized.load(Ordering::Acquire) {
            this.removal_srb(Command::UninitializeDevice);
        }
        // The device is stopped: no routine runs from here on.
        this.dispatch.shutdown();
        this.low.shutdown();
        // Nor any DMA: the buffers kept for data SRBs given up on may go
        // (a late completion lets its buffer go by itself), all before the
        // driver is unbound. The SRBs stay, with the minidriver.
        let kept = core::mem::take(&mut *this.kept_data.lock());
        if let (Some(p), false) = (this.pdev, kept.is_empty()) {
            p.clear_master();
        }
        for k in kept.iter() {
            k.release_buffer();
        }
        KeptData::flush();
        for k in kept {
            this.minidriver().keep(Kept::Data(k));
        }
        drop(this.irq.lock().take());
    }
}

/// Runs a timer's routine for the device at `owner`, synchronized.
fn run_timed(owner: *const c_void, r: Routine) {
    // SAFETY: A timer's owner is the live device that holds it, which shuts
    // it down (waiting for this call) before it goes.
    let hw = unsafe { &*owner.cast::<HwDevice>() };
    hw.synchronized(|| hw.run(r));
}

/// Runs a deferred routine of `slot`, a `dispatch` or `low` field of a
/// device.
fn run_deferred(slot: &Slot, r: Routine) {
    let level = slot.level();
    let slot = ptr::from_ref(slot);
    let hw = match level {
        // SAFETY: `slot` is the `dispatch` field of a live `HwDevice`: a slot runs
        // its own device's routines, and the device shuts it down before it goes.
        Priority::Dispatch => unsafe { &*kernel::container_of!(slot, HwDevice, dispatch) },
        // SAFETY: As above, for the `low` field.
        _ => unsafe { &*kernel::container_of!(slot, HwDevice, low) },
    };
    match level {
        Priority::Low => hw.run(r),
        _ => hw.synchronized(|| hw.run(r)),
    }
}

/// The interrupt handler of every device that has one.
///
/// # Safety
///
/// `dev_id` is the `HwDevice` that requested the IRQ, which frees it first.
unsafe extern "C" fn isr(_irq: c_int, dev_id: *mut c_void) -> bindings::irqreturn_t {
    // SAFETY: By the safety requirements.
    let hw = unsafe { &*dev_id.cast::<HwDevice>() };
    let handled = match hw.minidriver().ops.interrupt {
        Some(f) => hw.synchronized(|| f(hw)),
        None => false,
    };
    match handled {
        true => bindings::irqreturn_t::IRQ_HANDLED,
        false => bindings::irqreturn_t::IRQ_NONE,
    }
}
