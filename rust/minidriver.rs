// SPDX-License-Identifier: GPL-2.0

//! A registered minidriver (`StreamClassRegisterMinidriver`): its copy of the
//! initialization data and PCI IDs, its callbacks, and the driver the class
//! registers on its behalf: a `struct pci_driver` for PCI devices, or a
//! platform driver and its virtual devices (`platform`) for a minidriver of
//! devices off the PCI bus. Probe and remove hand each device to
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
    new_mutex,
    prelude::*,
    str::CString,
    sync::Mutex,
    types::Opaque, //
};

use crate::{
    hw_device::{
        BusDevice,
        DriverInfo,
        HwDevice,
        Ops, //
    },
    init_data::InitData,
    pci::{
        self,
        Pdev, //
    },
    platform::{
        self,
        VirtualDevice, //
    },
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
/// For PCI, `driver` is registered with the PCI core while `registered` is
/// true; its `name` and `id_table` point into `info.name` and `ids`. For
/// virtual devices, `platform` is registered and `devices` are its
/// devices.
///
/// Fields drop after the driver is unregistered: `info` (with the
/// abandoned requests) outlives every device of the minidriver.
#[pin_data(PinnedDrop)]
pub(crate) struct BusMinidriver {
    #[pin]
    driver: Opaque<bindings::pci_driver>,
    ids: KVec<bindings::pci_device_id>,
    registered: AtomicBool,
    #[pin]
    devices: Mutex<KVec<VirtualDevice>>,
    #[pin]
    platform: platform::Driver,
    #[pin]
    info: DriverInfo,
}

// SAFETY: After registration the minidriver is only read, and the PCI core
// may call its driver from any thread.
unsafe impl Send for BusMinidriver {}
// SAFETY: As above.
unsafe impl Sync for BusMinidriver {}

impl BusMinidriver {
    /// The minidriver, unregistered, with its copies of `name` and `ids`.
    fn new(
        name: &CStr,
        ids: KVec<bindings::pci_device_id>,
        init: &InitData,
        ops: Ops,
    ) -> Result<Pin<KBox<Self>>> {
        init.validate()?;
        let name = CString::try_from(name)?;
        registry::reserve_minidriver()?;
        let debugfs = registry::debugfs_subdir(&name);
        // The platform driver's name is the minidriver's: a `CString` keeps
        // its bytes where they are when it moves into `info`.
        // SAFETY: `name`'s bytes, NUL-terminated, live in `info.name` as long
        // as `self` (the reference does not outlive the box).
        let pname: &'static CStr = unsafe { CStr::from_char_ptr(name.as_char_ptr()) };
        KBox::pin_init(
            try_pin_init!(Self {
                driver: Opaque::uninit(),
                ids,
                registered: AtomicBool::new(false),
                devices <- new_mutex!(KVec::new()),
                platform <- platform::Driver::new(pname, platform_probe, platform_remove),
                info <- DriverInfo::new(name, init, ops, debugfs),
            }? Error),
            GFP_KERNEL,
        )
    }

    /// Registers a PCI driver named `name` for `ids` (without terminator),
    /// owned by `owner`, that runs the streamclass lifecycle for each device.
    pub(crate) fn register(
        name: &CStr,
        ids: &[bindings::pci_device_id],
        init: &InitData,
        ops: Ops,
        owner: *mut bindings::module,
    ) -> Result<Pin<KBox<Self>>> {
        if name.is_empty() || ids.is_empty() || ids.len() > MAX_IDS {
            return Err(EINVAL);
        }
        let mut table = KVec::with_capacity(ids.len() + 1, GFP_KERNEL)?;
        table.extend_from_slice(ids, GFP_KERNEL)?;
        // SAFETY: An all-zero `pci_device_id` is the table's terminator.
        table.push(unsafe { core::mem::zeroed() }, GFP_KERNEL)?;
        let md = Self::new(name, table, init, ops)?;
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

    /// Registers a minidriver of `devices` virtual devices (off the PCI
    /// bus) named `name`.0 ... `name`.`devices - 1`, owned by `owner`; each
    /// runs the streamclass lifecycle as a PCI device does, without BARs
    /// and interrupts.
    pub(crate) fn register_virtual(
        name: &CStr,
        devices: u32,
        init: &InitData,
        ops: Ops,
        owner: *mut bindings::module,
    ) -> Result<Pin<KBox<Self>>> {
        if name.is_empty() || devices == 0 || devices > platform::MAX_DEVICES {
            return Err(EINVAL);
        }
        let mut md = Self::new(name, KVec::new(), init, ops)?;
        // SAFETY: Pinned in its box, which is not moved out of; the name
        // lives in `md.info`.
        unsafe { md.as_mut().project().platform.register(owner) }?;
        for id in 0..devices {
            let dev = VirtualDevice::new(&md.info.name, id)?;
            // INVARIANT: The devices of the platform driver just registered.
            md.devices.lock().push(dev, GFP_KERNEL)?;
        }
        registry::note_minidriver(ptr::from_ref::<Self>(&md) as usize, owner as usize);
        Ok(md)
    }

    /// The minidriver whose `pci_driver` is `drv`.
    ///
    /// # Safety
    ///
    /// `drv` is the `driver` field of a live `BusMinidriver`.
    unsafe fn from_driver<'a>(drv: *mut bindings::pci_driver) -> &'a Self {
        let off = core::mem::offset_of!(Self, driver);
        // SAFETY: By the safety requirements, `drv` is at `off` in a `Self`.
        unsafe { &*drv.cast::<u8>().sub(off).cast::<Self>() }
    }
}

#[pinned_drop]
impl PinnedDrop for BusMinidriver {
    fn drop(self: Pin<&mut Self>) {
        if self.registered.load(Ordering::Acquire) {
            // SAFETY: Registered (type invariant); this removes every device
            // first, so no probe or remove runs once it returns.
            unsafe { bindings::pci_unregister_driver(self.driver.get()) };
        }
        // Each virtual device is removed from the driver, then unregistered;
        // the platform driver itself goes when its field drops.
        drop(core::mem::take(&mut *self.devices.lock()));
        registry::forget_minidriver(ptr::from_ref::<Self>(&self) as usize);
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
    // SAFETY: `pdev` is being bound to one of our drivers, whose `BusMinidriver`
    // lives until it is unregistered, which first removes this device.
    let md = unsafe { BusMinidriver::from_driver((*pdev).driver) };
    pci::prepare(Pdev(pdev));
    match HwDevice::probe(&md.info, BusDevice::Pci(Pdev(pdev))) {
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

/// The `probe` of every minidriver's platform driver.
///
/// # Safety
///
/// Called by the platform core with a device matched to the platform driver
/// of a registered minidriver.
unsafe extern "C" fn platform_probe(pdev: *mut bindings::platform_device) -> c_int {
    // `pdev` is being bound to one of our platform drivers, the `platform`
    // field of a `BusMinidriver` that lives until it unregisters it, which
    // first removes this device.
    // SAFETY: As above.
    let md = unsafe {
        let drv = platform::Driver::of_device(pdev);
        let off = core::mem::offset_of!(BusMinidriver, platform);
        &*drv.cast::<u8>().sub(off).cast::<BusMinidriver>()
    };
    // SAFETY: `pdev` is being probed by one of our platform drivers.
    unsafe { platform::prepare(pdev) };
    // SAFETY: `pdev` is valid.
    let dev = unsafe { ptr::addr_of_mut!((*pdev).dev) };
    match HwDevice::probe(&md.info, BusDevice::Virtual(dev)) {
        Ok(hw) => {
            // SAFETY: As in `probe`: the box goes to the driver data until
            // `platform_remove` takes it back.
            let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(hw) });
            // SAFETY: `dev` is valid.
            unsafe { bindings::dev_set_drvdata(dev, raw.cast()) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// The `remove` of every minidriver's platform driver.
///
/// # Safety
///
/// Called by the platform core for a device `platform_probe` bound.
unsafe extern "C" fn platform_remove(pdev: *mut bindings::platform_device) {
    // SAFETY: `pdev` is valid.
    let dev = unsafe { ptr::addr_of_mut!((*pdev).dev) };
    // SAFETY: `dev` is valid; its data is the `KBox<HwDevice>` of
    // `platform_probe`, taken back once, here.
    let hw = unsafe { KBox::from_raw(bindings::dev_get_drvdata(dev).cast::<HwDevice>()) };
    // SAFETY: `dev` is valid.
    unsafe { bindings::dev_set_drvdata(dev, core::ptr::null_mut()) };
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
