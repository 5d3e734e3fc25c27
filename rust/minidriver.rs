// SPDX-License-Identifier: GPL-2.0

//! A registered minidriver (`StreamClassRegisterMinidriver`): its copy of the
//! initialization data and PCI IDs, its callbacks, and the `struct pci_driver`
//! the class registers on its behalf. Probe and remove hand each device to
//! `hw_device`.

use core::{
    ffi::c_void,
    ptr,
    sync::atomic::{
        AtomicBool,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    error::to_result,
    prelude::*,
    str::CString,
    types::Opaque, //
};

use crate::{
    hw_device::{
        DriverInfo,
        HwDevice,
        Ops, //
    },
    init_data::InitData,
    pci::Pdev,
    registry,
    srb::Request, //
};

/// Most PCI IDs one minidriver may pass.
pub(crate) const MAX_IDS: usize = 256;

fn c_receive(hw: &HwDevice, req: &Request) {
    if let Some(f) = hw.minidriver().init.hw_receive_packet {
        // SAFETY: A C minidriver's callback, given a live SRB.
        unsafe { f(req.srb_ptr()) }
    }
}

fn c_interrupt(hw: &HwDevice) -> bool {
    match hw.minidriver().init.hw_interrupt {
        // SAFETY: A C minidriver's callback, given its live extension.
        Some(f) => unsafe { f(hw.handle as *mut c_void) },
        None => false,
    }
}

fn c_cancel(hw: &HwDevice, req: &Request) {
    if let Some(f) = hw.minidriver().init.hw_cancel_packet {
        // SAFETY: A C minidriver's callback, given a live SRB.
        unsafe { f(req.srb_ptr()) }
    }
}

fn c_timeout(hw: &HwDevice, req: &Request) {
    if let Some(f) = hw.minidriver().init.hw_request_timeout_handler {
        // SAFETY: A C minidriver's callback, given a live SRB.
        unsafe { f(req.srb_ptr()) }
    }
}

impl Ops {
    /// The calls of a C minidriver, for the callbacks it set in `init`.
    pub(crate) fn for_c(init: &InitData) -> Self {
        Self {
            receive: c_receive,
            interrupt: init
                .hw_interrupt
                .map(|_| c_interrupt as fn(&HwDevice) -> bool),
            cancel: init
                .hw_cancel_packet
                .map(|_| c_cancel as fn(&HwDevice, &Request)),
            timeout: init
                .hw_request_timeout_handler
                .map(|_| c_timeout as fn(&HwDevice, &Request)),
            data: None,
            control: None,
        }
    }
}

/// A registered minidriver.
///
/// # Invariants
///
/// `driver` is registered with the PCI core while `registered` is true;
/// its `name` and `id_table` point into `name` and `ids`.
///
/// Fields drop after the PCI driver is unregistered: `info` (with the
/// abandoned requests) outlives every device of the minidriver.
#[pin_data(PinnedDrop)]
pub(crate) struct PciMinidriver {
    #[pin]
    driver: Opaque<bindings::pci_driver>,
    ids: KVec<bindings::pci_device_id>,
    registered: AtomicBool,
    #[pin]
    info: DriverInfo,
}

// SAFETY: After registration the minidriver is only read, and the PCI core
// may call its driver from any thread.
unsafe impl Send for PciMinidriver {}
// SAFETY: As above.
unsafe impl Sync for PciMinidriver {}

impl PciMinidriver {
    /// Registers a PCI driver named `name` for `ids` (without terminator),
    /// owned by `owner`, that runs the streamclass lifecycle for each device.
    pub(crate) fn register(
        name: &CStr,
        ids: &[bindings::pci_device_id],
        init: &InitData,
        ops: Ops,
        owner: *mut bindings::module,
    ) -> Result<Pin<KBox<Self>>> {
        init.validate()?;
        if name.is_empty() || ids.is_empty() || ids.len() > MAX_IDS {
            return Err(EINVAL);
        }
        let mut table = KVec::with_capacity(ids.len() + 1, GFP_KERNEL)?;
        table.extend_from_slice(ids, GFP_KERNEL)?;
        // SAFETY: An all-zero `pci_device_id` is the table's terminator.
        table.push(unsafe { core::mem::zeroed() }, GFP_KERNEL)?;
        let name = CString::try_from(name)?;
        registry::reserve_minidriver()?;
        let debugfs = registry::debugfs_subdir(&name);
        let md = KBox::pin_init(
            pin_init!(Self {
                driver: Opaque::uninit(),
                ids: table,
                registered: AtomicBool::new(false),
                info <- DriverInfo::new(name, init, ops, debugfs),
            }),
            GFP_KERNEL,
        )?;
        let drv = md.driver.get();
        let name = md.info.name.as_char_ptr();
        // SAFETY: `drv` is ours, not registered yet; zero is a valid
        // `pci_driver` to start from, and the name and table live in `md`.
        unsafe {
            drv.write(core::mem::zeroed());
            (*drv).name = name;
            (*drv).id_table = md.ids.as_ptr();
            (*drv).probe = Some(probe);
            (*drv).remove = Some(remove);
            (*drv).shutdown = Some(shutdown);
        }
        // SAFETY: `drv` is a filled `pci_driver` that lives, pinned, until
        // `PinnedDrop` unregisters it; `owner` is the minidriver's module.
        to_result(unsafe { bindings::__pci_register_driver(drv, owner, name) })?;
        // INVARIANT: Registered just above.
        md.registered.store(true, Ordering::Release);
        registry::note_minidriver(ptr::from_ref::<Self>(&md) as usize, owner as usize);
        Ok(md)
    }

    /// The minidriver whose `pci_driver` is `drv`.
    ///
    /// # Safety
    ///
    /// `drv` is the `driver` field of a live `PciMinidriver`.
    unsafe fn from_driver<'a>(drv: *mut bindings::pci_driver) -> &'a Self {
        let off = core::mem::offset_of!(Self, driver);
        // SAFETY: By the safety requirements, `drv` is at `off` in a `Self`.
        unsafe { &*drv.cast::<u8>().sub(off).cast::<Self>() }
    }
}

#[pinned_drop]
impl PinnedDrop for PciMinidriver {
    fn drop(self: Pin<&mut Self>) {
        if self.registered.load(Ordering::Acquire) {
            // SAFETY: Registered (type invariant); this removes every device
            // first, so no probe or remove runs once it returns.
            unsafe { bindings::pci_unregister_driver(self.driver.get()) };
            registry::forget_minidriver(ptr::from_ref::<Self>(&self) as usize);
        }
    }
}

/// The `probe` of every minidriver's `pci_driver`.
///
/// # Safety
///
/// Called by the PCI core with a device matched to a registered minidriver.
unsafe extern "C" fn probe(
    pdev: *mut bindings::pci_dev,
    _id: *const bindings::pci_device_id,
) -> c_int {
    // SAFETY: `pdev` is being bound to one of our drivers, whose `PciMinidriver`
    // lives until it is unregistered, which first removes this device.
    let md = unsafe { PciMinidriver::from_driver((*pdev).driver) };
    match HwDevice::probe(&md.info, Pdev(pdev)) {
        Ok(hw) => {
            // SAFETY: The box is given to the device's driver data until
            // `remove` takes it back; it is never moved out of.
            let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(hw) });
            // SAFETY: `pdev` is valid.
            unsafe { bindings::dev_set_drvdata(Pdev(pdev).dev(), raw.cast()) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// The `remove` of every minidriver's `pci_driver`: unbind, PCI removal,
/// minidriver unregistration.
///
/// # Safety
///
/// Called by the PCI core for a device `probe` bound.
unsafe extern "C" fn remove(pdev: *mut bindings::pci_dev) {
    // SAFETY: `pdev` is valid; probe stored a `KBox<HwDevice>` in its data.
    let raw = unsafe { bindings::dev_get_drvdata(Pdev(pdev).dev()) }.cast::<HwDevice>();
    // SAFETY: Set by `probe` from `KBox::into_raw`, taken back once, here.
    let hw = unsafe { KBox::from_raw(raw) };
    // SAFETY: `pdev` is valid.
    unsafe { bindings::dev_set_drvdata(Pdev(pdev).dev(), core::ptr::null_mut()) };
    // The one place a device's state is freed: `HwDevice`'s drop.
    drop(hw);
}

/// The `shutdown` of every minidriver's `pci_driver` (reboot, power-off,
/// kexec): the device stops its DMA, and no new SRB is sent. Nothing is
/// freed: the system is going down, or `remove` follows.
///
/// # Safety
///
/// Called by the PCI core for a device `probe` bound.
unsafe extern "C" fn shutdown(pdev: *mut bindings::pci_dev) {
    // SAFETY: `pdev` is valid; probe stored a `KBox<HwDevice>` in its data.
    let raw = unsafe { bindings::dev_get_drvdata(Pdev(pdev).dev()) }.cast::<HwDevice>();
    // SAFETY: Set by `probe`; `remove`, which frees it, does not run
    // concurrently with `shutdown` (both under the device lock).
    if let Some(hw) = unsafe { raw.as_ref() } {
        hw.shutdown();
    }
}

/// Called by the C shim's module notifier when module `owner` is going away,
/// after its exit function ran: unregisters any minidriver it left
/// registered, while its callbacks are still in memory.
///
/// # Safety
///
/// `owner` is the module going away; called from the module notifier only.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_module_going(owner: *mut bindings::module) {
    while let Some(md) = registry::take_minidriver_of(owner as usize) {
        pr_warn!("a module unloaded without unregistering its minidriver; unregistering it\n");
        // Every noted minidriver was made by `KBox::pin_init` in `register`
        // and is live (its drop forgets it); its owner's exit has run, so this
        // is the last reference to it.
        // SAFETY: As above.
        let md = unsafe { KBox::from_raw(md as *mut PciMinidriver) };
        drop(md);
    }
}
