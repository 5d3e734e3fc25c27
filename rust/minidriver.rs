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
    debugfs,
    error::to_result,
    new_mutex,
    prelude::*,
    str::CString,
    sync::Mutex,
    types::Opaque, //
};

use crate::{
    hw_device::HwDevice,
    init_data::InitData,
    pci::Pdev,
    registry,
    srb::Request, //
};

/// Most PCI IDs one minidriver may pass.
pub(crate) const MAX_IDS: usize = 256;

/// How the class calls a minidriver: C function pointers from its init data,
/// or the monomorphised glue of a Rust [`crate::Minidriver`]. Each SRB
/// callback gets the request, which is armed and live for the call.
#[derive(Clone, Copy)]
pub(crate) struct Ops {
    pub(crate) receive: fn(&HwDevice, &Request),
    pub(crate) interrupt: Option<fn(&HwDevice) -> bool>,
    pub(crate) cancel: Option<fn(&HwDevice, &Request)>,
    pub(crate) timeout: Option<fn(&HwDevice, &Request)>,
}

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
/// Fields drop after the PCI driver is unregistered, so the abandoned
/// requests outlive every device of the minidriver.
#[pin_data(PinnedDrop)]
pub(crate) struct PciMinidriver {
    #[pin]
    driver: Opaque<bindings::pci_driver>,
    pub(crate) name: CString,
    ids: KVec<bindings::pci_device_id>,
    pub(crate) init: InitData,
    pub(crate) ops: Ops,
    pub(crate) debugfs: Option<debugfs::Dir>,
    registered: AtomicBool,
    /// Requests a removed device gave up on: the minidriver did not
    /// complete them within the removal bound, and may still notify them.
    #[pin]
    abandoned: Mutex<KVec<Pin<KBox<Request>>>>,
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
                name,
                ids: table,
                init: *init,
                ops,
                debugfs,
                registered: AtomicBool::new(false),
                abandoned <- new_mutex!(KVec::new()),
            }),
            GFP_KERNEL,
        )?;
        let drv = md.driver.get();
        // SAFETY: `drv` is ours, not registered yet; zero is a valid
        // `pci_driver` to start from, and the name and table live in `md`.
        unsafe {
            drv.write(core::mem::zeroed());
            (*drv).name = md.name.as_char_ptr();
            (*drv).id_table = md.ids.as_ptr();
            (*drv).probe = Some(probe);
            (*drv).remove = Some(remove);
            (*drv).shutdown = Some(shutdown);
        }
        // SAFETY: `drv` is a filled `pci_driver` that lives, pinned, until
        // `PinnedDrop` unregisters it; `owner` is the minidriver's module.
        to_result(unsafe { bindings::__pci_register_driver(drv, owner, md.name.as_char_ptr()) })?;
        // INVARIANT: Registered just above.
        md.registered.store(true, Ordering::Release);
        registry::note_minidriver(ptr::from_ref::<Self>(&md) as usize, owner as usize);
        Ok(md)
    }

    /// Keeps `req`, which a removed device gave up on, until the minidriver
    /// unregisters: its SRB stays valid memory for a late notification.
    pub(crate) fn abandon(&self, req: Pin<KBox<Request>>) {
        let mut list = self.abandoned.lock();
        // Without memory to note it, leak it rather than free memory the
        // minidriver may still write.
        match list.reserve(1, GFP_KERNEL) {
            Ok(()) => {
                if let Err(e) = list.push_within_capacity(req) {
                    core::mem::forget(e.0);
                }
            }
            Err(_) => core::mem::forget(req),
        }
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
        // Its module is going: no late notification can come any more.
        let abandoned = self.abandoned.lock();
        if !abandoned.is_empty() {
            let late = abandoned.iter().filter(|r| r.is_complete()).count();
            pr_info!(
                "{}: freeing {} abandoned SRB(s), {late} completed late\n",
                self.name.to_str().unwrap_or("?"),
                abandoned.len()
            );
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
    match HwDevice::probe(md, Pdev(pdev)) {
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
