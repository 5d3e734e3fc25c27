// SPDX-License-Identifier: GPL-2.0

//! One device of a minidriver: its lifecycle on the PCI bus and its SRBs.
//!
//! [`HwDevice::probe`] takes the device's resources in the Windows order
//! (enable, bus master, DMA mask with extension and buffer, BARs, IRQ vector),
//! then sends `SRB_INITIALIZE_DEVICE`, requests the interrupt and sends
//! `SRB_GET_STREAM_INFO` and `SRB_INITIALIZATION_COMPLETE`. Dropping the
//! `HwDevice` is the one place a device is torn down, after a failed probe as
//! on remove: pending SRBs are cancelled and waited for, the debugfs entries
//! go (waiting for a capture in progress), `SRB_UNINITIALIZE_DEVICE` stops the
//! device, and then the IRQ and the resource guards are released in field
//! order.

use core::{
    ffi::c_void,
    fmt,
    ptr,
    sync::atomic::{
        AtomicBool,
        AtomicI32,
        AtomicU32,
        AtomicU64,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    debugfs,
    device::Device,
    new_mutex,
    prelude::*,
    sync::Mutex,
    uaccess::UserSliceReader, //
};

use crate::{
    minidriver::Minidriver,
    pci::{
        self,
        AccessRange,
        Pdev,
        MAX_ACCESS_RANGES, //
    },
    registry,
    srb::{
        Command,
        Params,
        Request,
        Status, //
    }, //
};

/// Seconds a device SRB may take before the timeout handler is called.
const DEVICE_SRB_TIMEOUT_S: u32 = 15;
/// Seconds a frame capture may take.
const READ_SRB_TIMEOUT_S: u32 = 5;

/// `struct streamclass_port_config`, as C lays it out.
#[repr(C)]
pub(crate) struct PortConfig {
    size_of_this_packet: u32,
    number_of_access_ranges: u32,
    dev: *mut bindings::device,
    pdev: *mut bindings::pci_dev,
    hw_device_extension: *mut c_void,
    irq: u32,
    access_ranges: [AccessRange; MAX_ACCESS_RANGES],
}

/// `struct streamclass_stream_info`.
#[repr(C)]
struct StreamInfo {
    number_of_streams: u32,
}

/// A registration of the core API, unregistered on drop: frees the
/// extension and the DMA buffer.
struct Registered(usize);

impl Drop for Registered {
    fn drop(&mut self) {
        let _ = registry::unregister(self.0);
    }
}

/// What debugfs shows of captures.
#[derive(Default)]
struct Stats {
    next_frame: AtomicU64,
    frames: AtomicU64,
    verified: AtomicU64,
    failed: AtomicU64,
    last_status: AtomicI32,
}

/// The device, for debugfs callbacks.
///
/// # Invariants
///
/// Points to the `HwDevice` whose `debugfs` field holds this value; that
/// field is emptied (waiting for running callbacks) before the device goes.
struct DevRef(*const HwDevice);

// SAFETY: `HwDevice` is `Sync`; the pointer is only dereferenced while valid.
unsafe impl Send for DevRef {}
// SAFETY: As above.
unsafe impl Sync for DevRef {}

impl DevRef {
    fn get(&self) -> &HwDevice {
        // SAFETY: Valid while the debugfs file exists (type invariant).
        unsafe { &*self.0 }
    }
}

/// A minidriver's device.
///
/// Fields are dropped in declaration order, after [`PinnedDrop`] has stopped
/// the device: bus mastering goes off before the buffer is freed, the
/// buffer and extension go before the BARs, and the device is disabled last.
///
/// # Invariants
///
/// `md` is the minidriver the device is bound to, which outlives it
/// (unregistering a minidriver removes its devices first).
#[pin_data(PinnedDrop)]
pub(crate) struct HwDevice {
    md: *const Minidriver,
    pub(crate) pdev: Pdev,
    pub(crate) handle: usize,
    initialized: AtomicBool,
    removing: AtomicBool,
    streams: AtomicU32,
    stats: Stats,
    #[pin]
    submit: Mutex<()>,
    #[pin]
    inflight: Mutex<KVec<usize>>,
    #[pin]
    irq: Mutex<Option<pci::Irq>>,
    #[pin]
    debugfs: Mutex<Option<Pin<KBox<debugfs::Scope<DevRef>>>>>,
    master: Option<pci::Master>,
    registered: Registered,
    pub(crate) bars: pci::Bars,
    vector: Option<pci::IrqVector>,
    enabled: pci::Enabled,
}

// SAFETY: The raw pointers name objects that outlive the device and may be
// used from any thread; the rest is locks and atomics.
unsafe impl Send for HwDevice {}
// SAFETY: As above.
unsafe impl Sync for HwDevice {}

impl HwDevice {
    /// Takes `p`'s resources for `md` and starts the device.
    pub(crate) fn probe(md: &Minidriver, p: Pdev) -> Result<Pin<KBox<Self>>> {
        let enabled = pci::Enabled::new(p)?;
        let master = (md.init.bus_master_dma != 0).then(|| pci::Master::new(p));
        // SAFETY: The device is being bound to our driver: it stays bound
        // until remove, which drops the registration first.
        let dev = unsafe { registry::bound_device(p.dev()) }?;
        let registered = Registered(registry::register(dev, &md.init)?);
        // SAFETY: The minidriver, and so its name, outlives its devices.
        let bars = unsafe { pci::Bars::new(p, &md.name) }?;
        let vector = md.ops.interrupt.and_then(|_| pci::IrqVector::new(p));
        let hw = KBox::pin_init(
            try_pin_init!(Self {
                md: ptr::from_ref(md),
                pdev: p,
                handle: registered.0,
                initialized: AtomicBool::new(false),
                removing: AtomicBool::new(false),
                streams: AtomicU32::new(0),
                stats: Stats::default(),
                submit <- new_mutex!(()),
                inflight <- new_mutex!(KVec::new()),
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
        // On error `hw` is dropped, which undoes whatever `start` did.
        hw.start()?;
        Ok(hw)
    }

    /// The minidriver.
    pub(crate) fn minidriver(&self) -> &Minidriver {
        // SAFETY: Valid by the type invariant.
        unsafe { &*self.md }
    }

    /// The device.
    pub(crate) fn device(&self) -> &Device {
        // SAFETY: The device is bound while `self` lives.
        unsafe { Device::from_raw(self.pdev.dev()) }
    }

    fn port_config(&self) -> PortConfig {
        PortConfig {
            size_of_this_packet: core::mem::size_of::<PortConfig>() as u32,
            number_of_access_ranges: self.bars.count(),
            dev: self.pdev.dev(),
            pdev: self.pdev.0,
            hw_device_extension: self.handle as *mut c_void,
            irq: self.vector.as_ref().map_or(0, |v| v.irq),
            access_ranges: self.bars.ranges,
        }
    }

    fn start(self: &Pin<KBox<Self>>) -> Result {
        let mut port = self.port_config();
        let (st, _) = self.call(
            Command::InitializeDevice,
            ptr::from_mut(&mut port).cast(),
            0,
        )?;
        if st != Status::Success {
            dev_err!(self.device(), "SRB_INITIALIZE_DEVICE failed: {st:?}\n");
            return Err(st.to_result().err().unwrap_or(EIO));
        }
        self.initialized.store(true, Ordering::Release);
        if let Some(v) = &self.vector {
            let dev_id = ptr::from_ref::<Self>(self).cast_mut().cast();
            // SAFETY: `self` is pinned and outlives the IRQ, which its drop
            // frees before anything else; the name lives in the minidriver.
            let irq = unsafe { pci::Irq::request(v.irq, isr, dev_id, &self.minidriver().name) }
                .inspect_err(|e| {
                    dev_err!(self.device(), "cannot request IRQ {}: {e:?}\n", v.irq)
                })?;
            *self.irq.lock() = Some(irq);
        }
        let mut info = StreamInfo {
            number_of_streams: 0,
        };
        match self
            .call(Command::GetStreamInfo, ptr::from_mut(&mut info).cast(), 0)?
            .0
        {
            Status::Success => self
                .streams
                .store(info.number_of_streams, Ordering::Relaxed),
            Status::NotImplemented => {}
            st => {
                dev_err!(self.device(), "SRB_GET_STREAM_INFO failed: {st:?}\n");
                return st.to_result();
            }
        }
        match self
            .call(Command::InitializationComplete, ptr::null_mut(), 0)?
            .0
        {
            Status::Success | Status::NotImplemented => {}
            st => dev_warn!(self.device(), "SRB_INITIALIZATION_COMPLETE: {st:?}\n"),
        }
        if let Some(dir) = &self.minidriver().debugfs {
            let data = DevRef(ptr::from_ref::<Self>(self));
            let scope = KBox::pin_init(
                dir.scope(data, self.device().name(), |d, dir| {
                    dir.write_only_callback_file(c"capture", d, &capture_write);
                    dir.read_callback_file(c"stats", d, &stats_read);
                }),
                GFP_KERNEL,
            );
            // Debugfs is best effort: the device works without it.
            *self.debugfs.lock() = scope.ok();
        }
        Ok(())
    }

    /// Sends one SRB and waits for it to complete: `(status, data_used)`.
    ///
    /// Device SRBs are serialised unless the minidriver turned that off: the
    /// next one is sent once this one is complete or the minidriver said it is
    /// ready for the next.
    fn call(&self, command: Command, data: *mut c_void, frame: u64) -> Result<(Status, u32)> {
        let md = self.minidriver();
        let req = Request::new(&Params {
            command,
            hw_device_extension: self.handle as *mut c_void,
            command_data: data,
            frame_number: frame,
            timeout_s: match command {
                Command::ReadData => READ_SRB_TIMEOUT_S,
                _ => DEVICE_SRB_TIMEOUT_S,
            },
            extension_size: md.init.per_request_extension_size as usize,
        })?;
        let addr = ptr::from_ref::<Request>(&req) as usize;
        let serial = (md.init.turn_off_synchronization == 0).then(|| self.submit.lock());
        {
            let mut list = self.inflight.lock();
            if command == Command::ReadData && self.removing.load(Ordering::Acquire) {
                return Err(ENODEV);
            }
            list.push(addr, GFP_KERNEL)?;
        }
        (md.ops.receive)(self, req.srb_ptr());
        if req.status() != Status::Pending {
            req.complete();
        }
        // One count of timeouts over both waits: the handler is called once.
        let mut rounds = 0;
        let mut expired = || {
            rounds += 1;
            self.expired(&req, rounds);
        };
        if serial.is_some() {
            req.wait_ready(&mut expired);
        }
        drop(serial);
        req.wait_done(&mut expired);
        {
            let mut list = self.inflight.lock();
            if let Some(i) = list.iter().position(|&a| a == addr) {
                let _ = list.remove(i);
            }
        }
        // SAFETY: The request is complete: the minidriver no longer writes it.
        let used = unsafe { ptr::read_volatile(ptr::addr_of!(req.srb.data_used)) };
        let st = req.status();
        req.retire();
        Ok((st, used))
    }

    /// An SRB's timeout ran out (`round` times): the minidriver's timeout
    /// handler, else its cancel handler, is called once. The request stays
    /// allocated until the minidriver completes it.
    fn expired(&self, req: &Request, round: u32) {
        let cmd = Command::from_code(req.srb.command);
        dev_warn!(
            self.device(),
            "SRB {cmd:?} not complete after {} s\n",
            round * req.srb.timeout_original
        );
        if round == 1 {
            let ops = &self.minidriver().ops;
            if let Some(f) = ops.timeout.or(ops.cancel) {
                f(self, req.srb_ptr());
            }
        }
    }

    /// Captures `n` frames, one `SRB_READ_DATA` each; stops at the first
    /// frame that does not succeed and returns its errno.
    fn capture(&self, n: u64) -> Result {
        for _ in 0..n {
            if self.removing.load(Ordering::Acquire) {
                return Err(ENODEV);
            }
            let frame = self.stats.next_frame.fetch_add(1, Ordering::Relaxed);
            let (st, used) = self.call(Command::ReadData, ptr::null_mut(), frame)?;
            if used > 0 {
                self.stats.frames.fetch_add(1, Ordering::Relaxed);
            }
            self.stats.last_status.store(st as i32, Ordering::Relaxed);
            if st != Status::Success {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                dev_info!(self.device(), "capture ended at frame {frame}: {st:?}\n");
                return st.to_result();
            }
            self.stats.verified.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[pinned_drop]
impl PinnedDrop for HwDevice {
    fn drop(self: Pin<&mut Self>) {
        let this: &Self = &self;
        this.removing.store(true, Ordering::Release);
        if let Some(cancel) = this.minidriver().ops.cancel {
            let list = this.inflight.lock();
            for &addr in list.iter() {
                // SAFETY: A request stays allocated while it is on the list,
                // which its sender leaves under this lock.
                let req = unsafe { &*(addr as *const Request) };
                cancel(this, req.srb_ptr());
            }
        }
        // Waits for a capture in progress, which ends once its SRB completes.
        drop(self.debugfs.lock().take());
        if self.initialized.load(Ordering::Acquire) {
            match self.call(Command::UninitializeDevice, ptr::null_mut(), 0) {
                Ok((Status::Success | Status::NotImplemented, _)) => {}
                r => dev_warn!(self.device(), "SRB_UNINITIALIZE_DEVICE: {r:?}\n"),
            }
        }
        drop(self.irq.lock().take());
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
    match hw.minidriver().ops.interrupt {
        Some(f) if f(hw) => bindings::irqreturn_t::IRQ_HANDLED,
        _ => bindings::irqreturn_t::IRQ_NONE,
    }
}

/// `capture`: writing `N` captures N frames; the write fails with the errno of
/// the first frame that does not succeed.
fn capture_write(d: &DevRef, r: &mut UserSliceReader) -> Result {
    let mut buf = [0u8; 16];
    let len = r.len().min(buf.len());
    r.read_slice(&mut buf[..len])?;
    let text = core::str::from_utf8(&buf[..len]).map_err(|_| EINVAL)?;
    let n: u64 = text.trim().parse().map_err(|_| EINVAL)?;
    d.get().capture(n)
}

/// `stats`: frames captured by device DMA, verified, failed, streams.
fn stats_read(d: &DevRef, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let hw = d.get();
    let s = &hw.stats;
    writeln!(f, "frames {}", s.frames.load(Ordering::Relaxed))?;
    writeln!(f, "verified {}", s.verified.load(Ordering::Relaxed))?;
    writeln!(f, "failed {}", s.failed.load(Ordering::Relaxed))?;
    writeln!(f, "last_status {}", s.last_status.load(Ordering::Relaxed))?;
    writeln!(f, "streams {}", hw.streams.load(Ordering::Relaxed))
}
