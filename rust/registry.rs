// SPDX-License-Identifier: GPL-2.0

//! The class driver's registry: the one owner of every live [`Registration`].
//!
//! Registering a device puts its registration here; unregistering it, the
//! device unbinding, or the module unloading takes it out and drops it, which
//! frees it. Whichever comes first wins under the registry's lock; the others
//! find nothing. The registry is sorted by handle, so `unregister` validates a
//! handle by a binary search without touching the handle's memory.

use core::ffi::c_void;
use kernel::{
    bindings, debugfs,
    device::{
        Bound,
        Device, //
    },
    dma::DmaMask,
    error::to_result,
    prelude::*,
};

use crate::{
    init_data::InitData,
    registration::Registration, //
};

/// A live registration and the device it belongs to.
struct Entry {
    handle: usize,
    dev: *mut bindings::device,
    /// Owned: dropping the entry frees the registration.
    _reg: Registration,
}

// SAFETY: `dev` is only compared and passed to devres, which may happen from
// any thread; `Registration` is `Send`.
unsafe impl Send for Entry {}

/// Every live registration, sorted by handle, and the debugfs root.
pub(crate) struct Registry {
    entries: KVec<Entry>,
    debugfs: Option<debugfs::Dir>,
}

kernel::sync::global_lock! {
    // SAFETY: `init()` calls `init` on the lock in the module initializer,
    // before anything else can use it.
    unsafe(uninit) static REGISTRY: Mutex<Registry> = Registry {
        entries: KVec::new(),
        debugfs: None,
    };
}

/// The allocation sites of a registration, for the fault-injection test to
/// see which one failed.
#[derive(Clone, Copy)]
pub(crate) enum Site {
    /// The coherent DMA buffer.
    Buffer = 1,
    /// The header and extension block.
    Block = 2,
    /// The registry's slot.
    Slot = 4,
    /// The devres action.
    Devres = 8,
}

/// The sites that failed since the test last cleared it (KUnit builds only).
#[cfg(CONFIG_KUNIT)]
pub(crate) static FAILED_SITES: core::sync::atomic::AtomicU32 =
    core::sync::atomic::AtomicU32::new(0);

/// Passes `r` through, noting `site` when it is an error (KUnit builds only).
#[inline]
pub(crate) fn at<T, E>(site: Site, r: core::result::Result<T, E>) -> core::result::Result<T, E> {
    #[cfg(CONFIG_KUNIT)]
    if r.is_err() {
        FAILED_SITES.fetch_or(site as u32, core::sync::atomic::Ordering::Relaxed);
    }
    #[cfg(not(CONFIG_KUNIT))]
    let _ = site;
    r
}

/// Sets up the registry; called once, by the module initializer.
pub(crate) fn init() {
    // SAFETY: Called once, from the module initializer, before any other use.
    unsafe { REGISTRY.init() };
    REGISTRY.lock().debugfs = Some(debugfs::Dir::new(c"streamclass"));
}

/// Frees every registration left at module unload, then the debugfs root.
pub(crate) fn teardown() {
    let (entries, root) = {
        let mut reg = REGISTRY.lock();
        (core::mem::take(&mut reg.entries), reg.debugfs.take())
    };
    if !entries.is_empty() {
        pr_warn!(
            "{} device(s) still registered at unload; freeing them\n",
            entries.len()
        );
    }
    for e in entries {
        devres_remove(e.dev, e.handle);
    }
    drop(root);
}

/// Sets the device's streaming and coherent DMA masks to `bits` bits.
fn set_dma_mask(dev: &Device<Bound>, bits: u32) -> Result {
    let mask = DmaMask::try_new(bits)?;
    // The caller registers `dev` from its probe, where its DMA configuration is
    // the driver's to set; the registry's lock is held and `dev` has no
    // registration yet, so no DMA allocation of ours for it is in flight.
    // SAFETY: `dev` is a valid, bound device, with no concurrent DMA setup.
    to_result(unsafe { bindings::dma_set_mask_and_coherent(raw(dev), mask.value()) })
}

/// The devres action that frees a registration when its device unbinds.
///
/// # Safety
///
/// Called by devres only, with the data given to `__devm_add_action`.
unsafe extern "C" fn devres_release(data: *mut c_void) {
    let entry = {
        let mut reg = REGISTRY.lock();
        let found = reg
            .entries
            .binary_search_by_key(&(data as usize), |e| e.handle);
        found.ok().and_then(|i| reg.entries.remove(i).ok())
    };
    drop(entry);
}

/// Asks devres to free the registration `handle` when `dev` unbinds.
fn devres_add(dev: &Device<Bound>, handle: usize) -> Result {
    // SAFETY: `dev` is a valid, bound device; `devres_release` is a valid
    // action for any data, and the name is a static C string.
    to_result(unsafe {
        bindings::__devm_add_action(
            raw(dev),
            Some(devres_release),
            handle as *mut c_void,
            c"streamclass".as_char_ptr(),
        )
    })
}

/// Withdraws the devres action of `devres_add`, if devres has not run it yet.
fn devres_remove(dev: *mut bindings::device, handle: usize) {
    // Not finding the action is fine (devres may be running it, and it will
    // find no entry), hence the `nowarn` variant and the ignored result.
    // SAFETY: `dev` is valid: the registration being removed holds a reference.
    let _ = unsafe {
        bindings::devm_remove_action_nowarn(dev, Some(devres_release), handle as *mut c_void)
    };
}

/// Registers `dev`: sets its DMA mask, allocates its extension and buffer,
/// and returns the handle.
pub(crate) fn register(dev: &Device<Bound>, init: &InitData) -> Result<usize> {
    init.validate()?;
    let mut reg = REGISTRY.lock();
    let raw = raw(dev);
    if reg.entries.iter().any(|e| e.dev == raw) {
        return Err(EBUSY);
    }
    set_dma_mask(dev, init.address_bits())?;
    let root = match crate::module_parameters::debugfs.value() {
        true => reg.debugfs.as_ref(),
        false => None,
    };
    let r = Registration::new(dev, init, root)?;
    let handle = r.handle();
    at(Site::Slot, reg.entries.reserve(1, GFP_KERNEL))?;
    at(Site::Devres, devres_add(dev, handle))?;
    let pos = reg
        .entries
        .binary_search_by_key(&handle, |e| e.handle)
        .unwrap_or_else(|pos| pos);
    let entry = Entry {
        handle,
        dev: raw,
        _reg: r,
    };
    if let Err(e) = reg.entries.insert_within_capacity(pos, entry) {
        // Cannot happen (a slot was reserved above), but never leak.
        drop(reg);
        let (kernel::alloc::kvec::InsertError::IndexOutOfBounds(entry)
        | kernel::alloc::kvec::InsertError::OutOfCapacity(entry)) = e;
        devres_remove(entry.dev, entry.handle);
        return Err(ENOMEM);
    }
    Ok(handle)
}

/// Unregisters the registration `handle`, which is checked against the
/// registry before anything is read from it.
pub(crate) fn unregister(handle: usize) -> Result {
    let entry = {
        let mut reg = REGISTRY.lock();
        let i = reg
            .entries
            .binary_search_by_key(&handle, |e| e.handle)
            .map_err(|_| EINVAL)?;
        reg.entries.remove(i).map_err(|_| EINVAL)?
    };
    devres_remove(entry.dev, entry.handle);
    drop(entry);
    Ok(())
}

/// The number of live registrations.
pub(crate) fn count() -> usize {
    REGISTRY.lock().entries.len()
}

/// The `struct device` behind `dev` (`Device::as_raw` is private to the kernel
/// crate; `Device` is a transparent wrapper of it).
pub(crate) fn raw<Ctx: kernel::device::DeviceContext>(dev: &Device<Ctx>) -> *mut bindings::device {
    core::ptr::from_ref(dev).cast_mut().cast()
}

/// Checks that `dev` is a device bound to a driver, and returns it as one.
///
/// This is the one place a raw `struct device` from a caller becomes the
/// `&Device<Bound>` that DMA allocations need.
///
/// # Safety
///
/// `dev` is NULL or a valid `struct device` that stays bound to its driver for
/// the lifetime `'a` (the caller registers from its probe; every allocation
/// made for it is freed at the latest by the devres action at unbind).
pub(crate) unsafe fn bound_device<'a>(dev: *mut bindings::device) -> Result<&'a Device<Bound>> {
    if dev.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `dev` is valid by the safety requirements.
    if unsafe { (*dev).driver }.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `dev` is valid and bound for `'a` by the safety requirements.
    Ok(unsafe { Device::<kernel::device::Normal>::from_raw(dev).as_bound() })
}
