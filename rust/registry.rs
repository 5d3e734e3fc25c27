// SPDX-License-Identifier: GPL-2.0

//! The class driver's registry: the index of every live registration.
//!
//! Devres owns each registration's memory (see `registration`); the registry
//! maps handles to their devices, sorted by handle, so that `unregister`
//! validates a handle by a binary search without touching the handle's
//! memory, and so that the module can free what is left when it unloads.
//! The devres release function of every registration is here: it drops the
//! registration's header (`registration::drop_header`) and takes its entry out,
//! so `registration` knows nothing of the index.

use core::{
    ffi::c_void,
    sync::atomic::AtomicU64, //
};
use kernel::{
    bindings,
    debugfs,
    device::{
        Bound,
        Device, //
    },
    dma::DmaMask,
    error::to_result,
    prelude::*,
    sync::aref::ARef, //
};

use crate::{
    init_data::InitData,
    registration::{
        self,
        at,
        raw,
        Site,
        HEADER_SIZE, //
    },
    srb::REFUSED_NOTIFICATIONS, //
};

/// A live registration and the device it belongs to.
///
/// `dev` is valid while the entry exists: the registration is on the device's
/// devres list until its release function, which removes the entry, runs.
#[derive(Clone, Copy)]
struct Entry {
    handle: usize,
    dev: *mut bindings::device,
}

// SAFETY: `dev` is only compared and passed to the driver core, which may
// happen from any thread.
unsafe impl Send for Entry {}

/// Every live registration, sorted by handle, every registered minidriver
/// (its address and its owner module's), and the debugfs root.
pub(crate) struct Registry {
    entries: KVec<Entry>,
    minidrivers: KVec<(usize, usize)>,
    debugfs: Option<debugfs::Dir>,
    refused: Option<Pin<KBox<debugfs::File<&'static AtomicU64>>>>,
    index_bytes: Option<Pin<KBox<debugfs::File<&'static AtomicU64>>>>,
}

/// Bytes the index of registrations holds now (its capacity), shown in
/// debugfs as `streamclass/index_bytes` for the benchmark's bookkeeping.
static INDEX_BYTES: AtomicU64 = AtomicU64::new(0);

impl Registry {
    /// Notes the index's size after it changed.
    fn note_index(&self) {
        let bytes = self.entries.capacity() * core::mem::size_of::<Entry>();
        INDEX_BYTES.store(bytes as u64, core::sync::atomic::Ordering::Relaxed);
    }
}

kernel::sync::global_lock! {
    // SAFETY: `init()` calls `init` on the lock in the module initializer,
    // before anything else can use it.
    unsafe(uninit) static REGISTRY: Mutex<Registry> = Registry {
        entries: KVec::new(),
        minidrivers: KVec::new(),
        debugfs: None,
        refused: None,
        index_bytes: None,
    };
}

/// Sets up the registry; called once, by the module initializer.
pub(crate) fn init() {
    // SAFETY: Called once, from the module initializer, before any other use.
    unsafe { REGISTRY.init() };
    let mut reg = REGISTRY.lock();
    let root = debugfs::Dir::new(c"streamclass");
    // Best effort, as all of debugfs.
    reg.refused = KBox::pin_init(
        root.read_only_file(c"refused_notifications", &REFUSED_NOTIFICATIONS),
        GFP_KERNEL,
    )
    .ok();
    reg.index_bytes = KBox::pin_init(
        root.read_only_file(c"index_bytes", &INDEX_BYTES),
        GFP_KERNEL,
    )
    .ok();
    reg.debugfs = Some(root);
}

/// Frees every registration left at module unload, then the debugfs root.
pub(crate) fn teardown() {
    let left = count();
    if left > 0 {
        pr_warn!("{left} device(s) still registered at unload; freeing them\n");
    }
    while let Some((handle, dev)) = find_last() {
        if release(handle, &dev).is_err() {
            // Devres is releasing it right now (the device is unbinding): its
            // release function takes the entry out last; wait for that.
            kernel::time::delay::fsleep(kernel::time::Delta::from_millis(1));
        }
    }
    // The (now empty) index's memory and the debugfs root go last.
    let (entries, minidrivers, refused, index_bytes, root) = {
        let mut reg = REGISTRY.lock();
        (
            core::mem::take(&mut reg.entries),
            core::mem::take(&mut reg.minidrivers),
            reg.refused.take(),
            reg.index_bytes.take(),
            reg.debugfs.take(),
        )
    };
    drop(entries);
    drop(minidrivers);
    drop(refused);
    drop(index_bytes);
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

/// Devres match function: the resource at `data`.
///
/// # Safety
///
/// Called by devres only; it reads nothing through its pointers.
unsafe extern "C" fn same_resource(
    _dev: *mut bindings::device,
    res: *mut c_void,
    data: *mut c_void,
) -> c_int {
    c_int::from(res == data)
}

/// Finds the last entry of the index and takes a reference to its device,
/// under the lock: the device is valid while the entry exists, since the
/// release function must take the lock to remove it.
fn find_last() -> Option<(usize, ARef<Device>)> {
    let reg = REGISTRY.lock();
    let e = *reg.entries.last()?;
    // SAFETY: `e.dev` is valid while the entry exists, and it does: we hold
    // the lock.
    Some((e.handle, unsafe { Device::get_device(e.dev) }))
}

/// Has devres run the release function of the registration `handle` of `dev`
/// now, unless devres is already running it (then `Err`).
fn release(handle: usize, dev: &Device) -> Result {
    let res = (handle - HEADER_SIZE) as *mut c_void;
    // SAFETY: `dev` is valid; the release and match functions are ours, and the
    // match data is only compared.
    to_result(unsafe {
        bindings::devres_release(
            raw(dev),
            Some(release_registration),
            Some(same_resource),
            res,
        )
    })
}

/// Registers `dev`: sets its DMA mask, allocates its extension and buffer,
/// and returns the handle.
pub(crate) fn register(dev: &Device<Bound>, init: &InitData) -> Result<usize> {
    init.validate()?;
    let mut reg = REGISTRY.lock();
    // SAFETY: `dev` is valid; the release function is only compared.
    let found = unsafe {
        bindings::devres_find(
            raw(dev),
            Some(release_registration),
            None,
            core::ptr::null_mut(),
        )
    };
    if !found.is_null() {
        return Err(EBUSY);
    }
    set_dma_mask(dev, init.address_bits())?;
    at(Site::Slot, reg.entries.reserve(1, GFP_KERNEL))?;
    let root = match crate::module_parameters::debugfs.value() {
        true => reg.debugfs.as_ref(),
        false => None,
    };
    let handle = registration::create(dev, init, root, release_registration)?;
    let pos = reg
        .entries
        .binary_search_by_key(&handle, |e| e.handle)
        .unwrap_or_else(|pos| pos);
    let entry = Entry {
        handle,
        dev: raw(dev),
    };
    // A slot was reserved above, so this cannot fail; if it did, the
    // registration would only be missing from the index (devres still frees
    // it at unbind), never leaked.
    let _ = reg.entries.insert_within_capacity(pos, entry);
    reg.note_index();
    Ok(handle)
}

/// Unregisters the registration `handle`, which is checked against the
/// registry before anything is read from it. A registration the class's own
/// device object owns (a minidriver's device) is `EBUSY`: it goes with that
/// device.
pub(crate) fn unregister(handle: usize) -> Result {
    let dev = {
        let reg = REGISTRY.lock();
        let i = reg
            .entries
            .binary_search_by_key(&handle, |e| e.handle)
            .map_err(|_| EINVAL)?;
        let e = reg.entries[i];
        // SAFETY: The entry exists under our lock, so the registration is live:
        // devres frees it only after its release took the entry out, under it.
        if unsafe { registration::Header::with_live(handle as *const c_void, |h| h.owner()) }
            .is_some_and(|owner| owner != 0)
        {
            return Err(EBUSY);
        }
        // SAFETY: `e.dev` is valid while the entry exists, as above.
        unsafe { Device::get_device(e.dev) }
    };
    // `Err` only when devres was releasing it concurrently: then it was not
    // live any more by the time we got to it.
    release(handle, &dev).map_err(|_| EINVAL)
}

/// The devres release function of a registration: drops its header
/// (debugfs entries, then the buffer) and, last, takes it out of the index
/// (module unload waits for that). Devres frees the memory once this returns.
///
/// # Safety
///
/// Called by devres only, once, with a resource that [`registration::create`]
/// wrote.
unsafe extern "C" fn release_registration(_dev: *mut bindings::device, res: *mut c_void) {
    // SAFETY: By this function's safety requirements.
    let handle = unsafe { registration::drop_header(res) };
    forget(handle);
}

/// Takes `handle` out of the index, if it is there (at release).
fn forget(handle: usize) {
    let mut reg = REGISTRY.lock();
    if let Ok(i) = reg.entries.binary_search_by_key(&handle, |e| e.handle) {
        let _ = reg.entries.remove(i);
    }
    reg.note_index();
}

/// Frees the index's memory when it is empty, so that the next registration
/// must allocate its slot (for the fault-injection test).
#[cfg(all(CONFIG_KUNIT, CONFIG_FAULT_INJECTION))]
pub(crate) fn free_empty_index() {
    let mut reg = REGISTRY.lock();
    if reg.entries.is_empty() {
        reg.entries = KVec::new();
    }
    reg.note_index();
}

/// Reserves room to note one more minidriver.
pub(crate) fn reserve_minidriver() -> Result {
    Ok(REGISTRY.lock().minidrivers.reserve(1, GFP_KERNEL)?)
}

/// Notes the minidriver at `md`, owned by module `owner` (room was reserved).
pub(crate) fn note_minidriver(md: usize, owner: usize) {
    // Room was reserved, so this cannot fail; if it did, only the clean-up at
    // the owner's unload would miss it.
    let _ = REGISTRY
        .lock()
        .minidrivers
        .push_within_capacity((md, owner));
}

/// Forgets the minidriver at `md`, if it is noted.
pub(crate) fn forget_minidriver(md: usize) {
    let mut reg = REGISTRY.lock();
    if let Some(i) = reg.minidrivers.iter().position(|&(m, _)| m == md) {
        let _ = reg.minidrivers.remove(i);
    }
}

/// Takes out a minidriver `owner` left registered, if any.
pub(crate) fn take_minidriver_of(owner: usize) -> Option<usize> {
    let mut reg = REGISTRY.lock();
    let i = reg.minidrivers.iter().position(|&(_, o)| o == owner)?;
    reg.minidrivers.remove(i).ok().map(|(m, _)| m)
}

/// A debugfs directory `streamclass/<name>/`, when debugfs is on.
pub(crate) fn debugfs_subdir(name: &CStr) -> Option<debugfs::Dir> {
    if !crate::module_parameters::debugfs.value() {
        return None;
    }
    REGISTRY
        .lock()
        .debugfs
        .as_ref()
        .map(|root| root.subdir(name))
}

/// The number of live registrations.
pub(crate) fn count() -> usize {
    REGISTRY.lock().entries.len()
}

/// Checks that `dev` is a device bound to a driver, and calls `f` with it as
/// one, for the call only.
///
/// This is the one place a raw `struct device` from a caller becomes the
/// `&Device<Bound>` that DMA allocations need.
///
/// # Safety
///
/// `dev` is NULL or a valid `struct device` that stays bound to its driver
/// while `f` runs (the caller registers from its probe; every allocation made
/// for it is freed at the latest by devres at unbind).
pub(crate) unsafe fn with_bound_device<R>(
    dev: *mut bindings::device,
    f: impl FnOnce(&Device<Bound>) -> Result<R>,
) -> Result<R> {
    if dev.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `dev` is valid by the safety requirements.
    if unsafe { (*dev).driver }.is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `dev` is valid and bound while `f` runs by the safety
    // requirements; the reference does not outlive the call.
    f(unsafe { Device::<kernel::device::Normal>::from_raw(dev).as_bound() })
}
