// SPDX-License-Identifier: GPL-2.0

//! The PCI edge: the one place the class driver calls the PCI core through
//! `bindings`. Each resource a probe takes is a guard value whose `Drop`
//! gives it back, so a device's resources are released by dropping them, in
//! the order of the fields that hold them. What `kernel::pci` can read (a
//! BAR's start and length) is read through it.
//!
//! The rest stays raw, each for a reason of 7.3's `kernel::pci`:
//! - `pci::Driver` takes a compile-time `ID_TABLE`; a minidriver hands its
//!   IDs over at run time through the C ABI, so `minidriver.rs` fills a raw
//!   `struct pci_driver`, and probe and remove get a raw `struct pci_dev`.
//! - `Device::enable_device_mem()` enables memory decoding only (a
//!   minidriver's access ranges may be I/O ports, which need
//!   `pci_enable_device()`), and there is no disable; `Device::set_master()`
//!   has no `clear_master()`, which [`Pdev::clear_master`] needs to stop a
//!   device's DMA at shutdown and before buffers kept for it are freed.
//!   Both need a `Device<Core>`, which only a `pci::Driver` callback has.
//! - `Bar` (`iomap_region`) and `alloc_irq_vectors()` borrow the
//!   `&Device<Bound>` of the probe call, so they cannot live in the device
//!   object that outlives it, except a `Bar` turned into a revocable
//!   `DevresBar`; a `Bar` also wants a `'static` name, maps I/O-port BARs
//!   too, and hides the address a C minidriver is given in its access
//!   ranges.
//! - `irq::Registration` is built on those vectors and owns its handler;
//!   ours is the minidriver's ISR, called with the device object as cookie
//!   under the class's synchronization.
//! - [`Pdev::is_gone`] is a C shim so that error injection can take a
//!   device away in the tests.

use core::ffi::{
    c_int,
    c_void, //
};
use kernel::{
    bindings,
    device::Bound,
    error::to_result,
    pci,
    prelude::*, //
};

/// `struct streamclass_access_range`, as C lays it out.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct AccessRange {
    pub(crate) start: *mut c_void,
    pub(crate) bus_address: u64,
    pub(crate) length: u64,
    pub(crate) in_memory: u8,
}

impl AccessRange {
    /// No range.
    pub(crate) const NONE: Self = Self {
        start: core::ptr::null_mut(),
        bus_address: 0,
        length: 0,
        in_memory: 0,
    };
}

/// `STREAMCLASS_MAX_ACCESS_RANGES`: the standard BARs.
pub(crate) const MAX_ACCESS_RANGES: usize = bindings::PCI_STD_NUM_BARS as usize;

/// A PCI device a probe was given.
///
/// # Invariants
///
/// The pointer is a valid `struct pci_dev` bound to our driver for as long as
/// the device object that holds it and the guards made from it live (they
/// are dropped before remove returns).
#[derive(Clone, Copy)]
pub(crate) struct Pdev(pub(crate) *mut bindings::pci_dev);

// SAFETY: The PCI core may be called for a device from any thread.
unsafe impl Send for Pdev {}
// SAFETY: As above.
unsafe impl Sync for Pdev {}

extern "C" {
    /// 0, or `-ENODEV` when the device no longer answers (C shim, so that
    /// error injection can take a device away in the tests). `pdev` is a
    /// `struct pci_dev *` (opaque here: bindgen's type is not FFI-safe).
    fn streamclass_device_present(pdev: *mut c_void) -> c_int;
    /// 0, or the errno error injection asks for (C shim).
    fn streamclass_probe_fault(step: u32) -> c_int;
}

/// The steps of a probe, each with a fault point before it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ProbeStep {
    /// `pci_enable_device()`.
    Enable = 1,
    /// DMA mask, extension, DMA buffer (the registration).
    Register,
    /// Requesting and mapping the BARs.
    Bars,
    /// The MSI/INTx vector (without one the device runs IRQ-less).
    Vectors,
    /// The device object and its requests.
    Requests,
    /// `SRB_INITIALIZE_DEVICE`.
    Initialize,
    /// `request_irq()`.
    Irq,
    /// The debugfs entries (best effort: the device runs without them).
    Debugfs,
}

impl ProbeStep {
    /// The fault point before this step: `Ok` unless error injection
    /// (`fail_function` on `streamclass_probe_fault`) makes it fail.
    pub(crate) fn fault_point(self) -> Result {
        // SAFETY: A C function of no precondition.
        to_result(unsafe { streamclass_probe_fault(self as u32) })
    }
}

impl Pdev {
    /// The embedded `struct device`.
    pub(crate) fn dev(self) -> *mut bindings::device {
        // SAFETY: Valid by the type invariant.
        unsafe { core::ptr::addr_of_mut!((*self.0).dev) }
    }

    /// The device as `kernel::pci` sees it (`pci::Device` is a transparent
    /// wrapper of `struct pci_dev`: `kernel::pci`'s own probe casts it so).
    pub(crate) fn pci(&self) -> &pci::Device<Bound> {
        // SAFETY: A bound `struct pci_dev` while `self` is used (type
        // invariant), and `pci::Device` wraps it transparently (above).
        unsafe { &*self.0.cast::<pci::Device<Bound>>() }
    }

    /// Turns bus mastering off, so the device can no longer reach memory;
    /// turning it off again (when [`Master`] drops) is harmless.
    pub(crate) fn clear_master(self) {
        // SAFETY: Valid by the type invariant.
        unsafe { bindings::pci_clear_master(self.0) };
    }

    /// True when the device is gone: hot-unplugged, marked disconnected,
    /// or its config space reads all ones. Process context (it reads config
    /// space).
    pub(crate) fn is_gone(self) -> bool {
        // SAFETY: Valid by the type invariant.
        unsafe { streamclass_device_present(self.0.cast()) != 0 }
    }
}

/// Readies a PCI device being probed: no limit on the length of a DMA
/// segment. The PCI core's 64 KiB default is no device's claim; videobuf2's
/// scatter/gather tables merge pages beyond it, and, as on Windows, a
/// scatter/gather element is a contiguous run of any length, which a
/// minidriver whose DMA engine has a limit splits.
pub(crate) fn prepare(p: Pdev) {
    // SAFETY: `p` is valid (type invariant of `Pdev`) and being probed, so
    // nothing maps with its DMA parameters yet; a PCI device has them.
    unsafe { bindings::dma_set_max_seg_size(p.dev(), u32::MAX) };
}

/// The device is enabled; dropping disables it.
pub(crate) struct Enabled(Pdev);

impl Enabled {
    pub(crate) fn new(p: Pdev) -> Result<Self> {
        // SAFETY: `p` is valid (type invariant of `Pdev`).
        to_result(unsafe { bindings::pci_enable_device(p.0) })?;
        Ok(Self(p))
    }
}

impl Drop for Enabled {
    fn drop(&mut self) {
        // SAFETY: Enabled by `new`, once.
        unsafe { bindings::pci_disable_device(self.0 .0) };
    }
}

/// Bus mastering is on; dropping turns it off, so the device can no longer
/// reach memory.
pub(crate) struct Master(Pdev);

impl Master {
    pub(crate) fn new(p: Pdev) -> Self {
        // SAFETY: `p` is valid and enabled.
        unsafe { bindings::pci_set_master(p.0) };
        Self(p)
    }
}

impl Drop for Master {
    fn drop(&mut self) {
        self.0.clear_master();
    }
}

/// The device's BARs, requested under `name` and the memory ones mapped.
pub(crate) struct Bars {
    pdev: Pdev,
    pub(crate) ranges: [AccessRange; MAX_ACCESS_RANGES],
}

// SAFETY: The mappings are addresses any thread may use.
unsafe impl Send for Bars {}
// SAFETY: As above.
unsafe impl Sync for Bars {}

impl Bars {
    /// Requests every BAR and maps the memory ones.
    ///
    /// # Safety
    ///
    /// `name` outlives the returned value.
    pub(crate) unsafe fn new(p: Pdev, name: &CStr) -> Result<Self> {
        // SAFETY: `p` is valid and enabled; `name` lives long enough.
        to_result(unsafe { bindings::pci_request_regions(p.0, name.as_char_ptr()) })?;
        let mut bars = Self {
            pdev: p,
            ranges: [AccessRange::NONE; MAX_ACCESS_RANGES],
        };
        for (i, r) in (0u32..).zip(bars.ranges.iter_mut()) {
            let len = p.pci().resource_len(i)?;
            if len == 0 {
                continue;
            }
            r.bus_address = p.pci().resource_start(i)?;
            r.length = len;
            // SAFETY: `p` is valid; BARs 0..6 are its first resources.
            let flags = unsafe { (*p.0).resource[i as usize].flags };
            if flags & bindings::IORESOURCE_MEM as c_ulong != 0 {
                r.in_memory = 1;
                // SAFETY: `p` is valid and its regions are ours.
                r.start = unsafe { bindings::pci_iomap(p.0, i as c_int, 0) };
                if r.start.is_null() {
                    // `bars` is dropped: what was mapped is unmapped.
                    return Err(ENOMEM);
                }
            }
        }
        Ok(bars)
    }

    /// The number of access ranges: up to the last BAR that exists.
    pub(crate) fn count(&self) -> u32 {
        self.ranges
            .iter()
            .rposition(|r| r.length != 0)
            .map_or(0, |i| i as u32 + 1)
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        for r in &self.ranges {
            if !r.start.is_null() {
                // SAFETY: Mapped by `new` with `pci_iomap`.
                unsafe { bindings::pci_iounmap(self.pdev.0, r.start) };
            }
        }
        // SAFETY: Requested by `new`.
        unsafe { bindings::pci_release_regions(self.pdev.0) };
    }
}

/// One IRQ vector (MSI, else INTx); dropping frees it.
pub(crate) struct IrqVector {
    pdev: Pdev,
    pub(crate) irq: u32,
}

impl IrqVector {
    /// One vector, or `None` when the device has no interrupt.
    pub(crate) fn new(p: Pdev) -> Option<Self> {
        // SAFETY: `p` is valid and enabled.
        let n = unsafe {
            bindings::pci_alloc_irq_vectors(
                p.0,
                1,
                1,
                bindings::PCI_IRQ_MSI | bindings::PCI_IRQ_INTX,
            )
        };
        if n < 1 {
            return None;
        }
        // SAFETY: Vector 0 was allocated above.
        let irq = unsafe { bindings::pci_irq_vector(p.0, 0) };
        // Owns the vector from here on: dropped (freed) when `irq` is bad.
        let mut v = Self { pdev: p, irq: 0 };
        v.irq = u32::try_from(irq).ok()?;
        Some(v)
    }
}

impl Drop for IrqVector {
    fn drop(&mut self) {
        // SAFETY: Allocated by `new`; its handler, if any, was freed first.
        unsafe { bindings::pci_free_irq_vectors(self.pdev.0) };
    }
}

/// The class's interrupt handler: `handler(dev_id)` says whether the
/// interrupt was the device's.
pub(crate) type Handler = unsafe extern "C" fn(c_int, *mut c_void) -> bindings::irqreturn_t;

/// A requested IRQ; dropping frees it, waiting for a running handler.
pub(crate) struct Irq {
    irq: u32,
    dev_id: *mut c_void,
}

// SAFETY: `dev_id` is only passed back to free_irq().
unsafe impl Send for Irq {}
// SAFETY: As above.
unsafe impl Sync for Irq {}

impl Irq {
    /// Requests `irq` (shared) with `handler` and `dev_id`.
    ///
    /// # Safety
    ///
    /// `dev_id` stays valid for `handler` until the returned value is
    /// dropped, and `name` outlives it.
    pub(crate) unsafe fn request(
        irq: u32,
        handler: Handler,
        dev_id: *mut c_void,
        name: &CStr,
    ) -> Result<Self> {
        // SAFETY: By the safety requirements.
        to_result(unsafe {
            bindings::request_threaded_irq(
                irq,
                Some(handler),
                None,
                bindings::IRQF_SHARED as c_ulong,
                name.as_char_ptr(),
                dev_id,
            )
        })?;
        Ok(Self { irq, dev_id })
    }
}

impl Drop for Irq {
    fn drop(&mut self) {
        // SAFETY: Requested by `request` with this `dev_id`; free_irq() waits
        // for a handler running on another CPU.
        unsafe { bindings::free_irq(self.irq, self.dev_id) };
    }
}
