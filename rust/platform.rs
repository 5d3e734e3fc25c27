// SPDX-License-Identifier: GPL-2.0

//! The platform edge: devices off the PCI bus (root-enumerated, software
//! devices, which `StreamClassRegisterAdapter` also serves on Windows). The
//! one place the class calls the platform core through `bindings`.
//!
//! A minidriver registered for virtual devices gets a `struct
//! platform_driver` of its name and that many `struct platform_device`s of
//! the same name (`<name>.0`, `<name>.1`, ...), which the driver core binds
//! to it. A platform device has storage for its DMA mask (a faux device has
//! none, so `dma_set_mask()` would fail on it), so the class sets the mask
//! the minidriver asks for, and the device's buffers are real DMA buffers.
//! There are no BARs and no interrupt. Unbinding (sysfs `unbind`) removes a
//! device as on PCI.
//!
//! Raw rather than `kernel::platform`: in 7.3 its `Driver` matches through
//! compile-time OF and ACPI ID tables, where ours is named at run time by a
//! minidriver registering through the C ABI and matches its devices by that
//! name; and the crate creates no platform device (`kernel::faux` does, but
//! a faux device has no DMA mask).

use core::ffi::c_int;
use kernel::{
    bindings,
    error::{
        from_err_ptr,
        to_result, //
    },
    prelude::*,
    types::Opaque, //
};

/// Most virtual devices one minidriver may ask for.
pub(crate) const MAX_DEVICES: u32 = 16;

/// A registered platform driver; dropping it unregisters it, which removes
/// every device bound to it first.
///
/// # Invariants
///
/// `driver` is registered with the platform core while `registered` is
/// true; its name points into memory that outlives `self`.
#[pin_data(PinnedDrop)]
pub(crate) struct Driver {
    #[pin]
    driver: Opaque<bindings::platform_driver>,
    registered: bool,
}

/// `probe` of a platform driver.
pub(crate) type Probe = unsafe extern "C" fn(*mut bindings::platform_device) -> c_int;
/// `remove` of a platform driver.
pub(crate) type Remove = unsafe extern "C" fn(*mut bindings::platform_device);

impl Driver {
    /// A driver named `name`, not registered yet.
    pub(crate) fn new(name: &CStr, probe: Probe, remove: Remove) -> impl PinInit<Self> {
        let name = name.as_char_ptr();
        pin_init!(Self {
            driver <- Opaque::ffi_init(move |d: *mut bindings::platform_driver| {
                // SAFETY: `d` is valid for writing; all-zero is a valid
                // `platform_driver` to start from.
                unsafe {
                    d.write(core::mem::zeroed());
                    (*d).driver.name = name;
                    (*d).probe = Some(probe);
                    (*d).remove = Some(remove);
                }
            }),
            registered: false,
        })
    }

    /// Registers the driver, owned by `owner`.
    ///
    /// # Safety
    ///
    /// The name given to [`Driver::new`] outlives `self`, and `self` is
    /// not moved afterwards (it is pinned).
    pub(crate) unsafe fn register(self: Pin<&mut Self>, owner: *mut bindings::module) -> Result {
        // SAFETY: Not moved out of: only a field is written.
        let this = unsafe { self.get_unchecked_mut() };
        let drv = this.driver.get();
        // The module name the driver core shows is the driver's (as for PCI).
        // SAFETY: A filled `platform_driver`, pinned until `drop` unregisters
        // it; `owner` is the minidriver's module.
        to_result(unsafe {
            bindings::__platform_driver_register(drv, owner, (*drv).driver.name.cast())
        })?;
        // INVARIANT: Registered just above.
        this.registered = true;
        Ok(())
    }

    /// The driver a platform device bound to one of ours was matched with,
    /// as the `driver` field of the [`Driver`] that holds it.
    ///
    /// # Safety
    ///
    /// `pdev` is being probed or removed by one of our drivers.
    pub(crate) unsafe fn of_device(pdev: *mut bindings::platform_device) -> *mut Self {
        // SAFETY: `pdev` is valid; its `driver` is the `driver` field of our
        // `platform_driver` (safety requirements).
        let drv = unsafe { (*pdev).dev.driver };
        let off = core::mem::offset_of!(bindings::platform_driver, driver);
        let pdrv = drv.cast::<u8>().wrapping_sub(off);
        let off = core::mem::offset_of!(Self, driver);
        pdrv.wrapping_sub(off).cast::<Self>()
    }
}

#[pinned_drop]
impl PinnedDrop for Driver {
    fn drop(self: Pin<&mut Self>) {
        if self.registered {
            // SAFETY: Registered (type invariant); this removes every device
            // bound to it first.
            unsafe { bindings::platform_driver_unregister(self.driver.get()) };
        }
    }
}

/// Readies a virtual device being probed: no limit on the length of a DMA
/// segment (the platform core's default is 64 KiB; a software device has
/// none, and videobuf2's scatter/gather tables merge pages beyond it).
///
/// # Safety
///
/// `pdev` is a platform device being probed by one of our drivers.
pub(crate) unsafe fn prepare(pdev: *mut bindings::platform_device) {
    // SAFETY: `pdev` is valid (safety requirements); its `dma_parms` is
    // its device's DMA parameters, which nothing maps with while it probes.
    unsafe { (*pdev).dma_parms.max_segment_size = u32::MAX };
}

/// A platform device the class created; dropping it unregisters it (which
/// removes it from its driver first).
///
/// # Invariants
///
/// The pointer is a registered platform device, ours to unregister.
pub(crate) struct VirtualDevice(*mut bindings::platform_device);

// SAFETY: The platform core may be called for a device from any thread.
unsafe impl Send for VirtualDevice {}
// SAFETY: As above.
unsafe impl Sync for VirtualDevice {}

impl VirtualDevice {
    /// Creates device `name`.`id` with a DMA mask of 64 bits (the
    /// registration narrows it to what the minidriver asks for).
    pub(crate) fn new(name: &CStr, id: u32) -> Result<Self> {
        let info = bindings::platform_device_info {
            name: name.as_char_ptr(),
            id: c_int::try_from(id)?,
            dma_mask: u64::MAX,
            ..Default::default()
        };
        // SAFETY: `info` is filled; the platform core copies the name.
        let pdev = from_err_ptr(unsafe { bindings::platform_device_register_full(&info) })?;
        // INVARIANT: Registered just above.
        Ok(Self(pdev))
    }
}

impl Drop for VirtualDevice {
    fn drop(&mut self) {
        // SAFETY: Registered by `new` (type invariant), unregistered once.
        unsafe { bindings::platform_device_unregister(self.0) };
    }
}
