// SPDX-License-Identifier: GPL-2.0

//! One registered device: the class driver's bookkeeping, the device extension
//! and the common DMA buffer.
//!
//! A registration is one devres allocation of the device, a [`Header`]
//! followed by the zeroed extension, plus the coherent buffer the header owns.
//! The extension's address is the handle minidrivers hold (`HwDeviceExtension`
//! on Windows), so finding the header from a handle is a subtraction, and
//! checking that the handle is live is one compare of a header field against
//! the handle itself.
//!
//! Devres owns the allocation from [`create`] on, and the registry's release
//! function (which calls [`drop_header`]) is the one place a registration is
//! freed: devres calls it when
//! the device unbinds, and `devres_release()` calls it when the minidriver
//! unregisters (or the module unloads). Devres takes a resource off the
//! device's list once, so it runs once.
//!
//! The devres calls are raw: 7.3's `kernel::devres` keeps a Rust value
//! behind a revocable handle (`Devres`) or drops one at unbind
//! (`devres::register`), but gives neither the address of the memory it
//! holds (the extension's address is the minidriver's handle) nor a way to
//! release it before the unbind (`devres_release()` when the minidriver
//! unregisters).

use core::{
    ffi::c_void,
    fmt,
    mem::{
        align_of,
        size_of, //
    },
    ptr::{
        self,
        NonNull, //
    },
    sync::atomic::{
        AtomicUsize,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    debugfs,
    device::{
        Bound,
        Device, //
    },
    dma::{
        Coherent,
        DmaAddress, //
    },
    prelude::*, //
};

use crate::init_data::InitData;

/// What the class driver keeps in front of each device extension.
///
/// Fields are dropped in declaration order: the debugfs entries (which show the
/// buffer) go first, then the buffer. The two fields `get_dma_buffer` reads
/// come last, side by side, ending where the extension starts.
///
/// # Invariants
///
/// - `check` holds the address of the extension that follows this header while
///   the registration is live, and 0 once [`release`] has begun (stored with
///   `Release`, read with `Acquire`, from any context).
/// - `dma_cpu` is the CPU address of `buffer`, null when it is `None`.
/// - `owner` is 0, or the address of the class's own device object (a
///   minidriver's device) that owns the registration and outlives it.
#[repr(C)]
pub(crate) struct Header {
    owner: AtomicUsize,
    debugfs: Option<Pin<KBox<debugfs::Scope<DebugInfo>>>>,
    buffer: Option<Coherent<[u8]>>,
    dma_cpu: *mut u8,
    check: AtomicUsize,
}

/// Bytes of bookkeeping in front of each extension (the devres node aside).
pub(crate) const HEADER_SIZE: usize = size_of::<Header>();

/// Alignment of every device extension: devres data is aligned to 8 bytes
/// (`ARCH_DMA_MINALIGN` on x86-64), and so is the header's size.
pub(crate) const EXTENSION_ALIGN: usize = align_of::<Header>();

const _: () = assert!(HEADER_SIZE % EXTENSION_ALIGN == 0 && EXTENSION_ALIGN == 8);

impl Header {
    /// Calls `f` with the live header of `handle` and returns what it
    /// returned, or `None` when `handle` is not the extension of a live
    /// registration (NULL, misaligned, or its header's check does not name
    /// it). The header is borrowed for the call only.
    ///
    /// This is the hot path of `get_dma_buffer`: a few compares, one
    /// acquire load and one compare, with no lock and no search.
    ///
    /// A registration freed and another made at the same address pass the
    /// check: a handle is the extension's address, which the minidriver
    /// dereferences, so it carries no generation. Such a stale handle is
    /// not detected; it names the new registration.
    ///
    /// # Safety
    ///
    /// `handle` is NULL, or the `HEADER_SIZE` bytes in front of it are
    /// readable memory for the duration of the call. A handle whose
    /// registration was freed, or is being freed, is a use-after-free, as a
    /// stale `HwDeviceExtension` is on Windows.
    #[inline]
    pub(crate) unsafe fn with_live<R>(
        handle: *const c_void,
        f: impl FnOnce(&Header) -> R,
    ) -> Option<R> {
        let h = handle as usize;
        if h < HEADER_SIZE || h % EXTENSION_ALIGN != 0 {
            return None;
        }
        let hdr = (h - HEADER_SIZE) as *const Header;
        // No reference to a possibly bogus `Header` is made before the check;
        // the check field itself is aligned, as `handle` is.
        // SAFETY: Readable (safety requirements), aligned (checked above), only
        // ever accessed atomically, and an `AtomicUsize` is valid for any bytes.
        let check = unsafe { &*ptr::addr_of!((*hdr).check) };
        if check.load(Ordering::Acquire) != h {
            return None;
        }
        // SAFETY: The check names `handle`, so by the type invariant this is the
        // header of a live registration, readable for the call.
        Some(f(unsafe { &*hdr }))
    }

    /// The class's device object that owns this registration, or 0.
    #[inline]
    pub(crate) fn owner(&self) -> usize {
        self.owner.load(Ordering::Acquire)
    }

    /// Notes (non-zero) or forgets (0) the class's device object that owns
    /// this registration.
    pub(crate) fn set_owner(&self, owner: usize) {
        // INVARIANT: The caller is that object, which clears it before it goes.
        self.owner.store(owner, Ordering::Release);
    }

    /// The buffer's kernel virtual address, null without a buffer.
    #[inline]
    pub(crate) fn dma_cpu(&self) -> *mut u8 {
        self.dma_cpu
    }

    /// The common DMA buffer, if there is one.
    #[inline]
    pub(crate) fn buffer(&self) -> Option<&Coherent<[u8]>> {
        self.buffer.as_ref()
    }

    /// The bus address of `va` and the bytes from `va` to the end of the
    /// buffer, or `None` when `va` is outside the buffer.
    #[inline]
    pub(crate) fn dma_address_of(&self, va: *const c_void) -> Option<(DmaAddress, usize)> {
        let b = self.buffer.as_ref()?;
        let offset = (va as usize).wrapping_sub(b.as_ptr().cast::<u8>() as usize);
        if offset >= b.size() {
            return None;
        }
        Some((b.dma_address() + offset as DmaAddress, b.size() - offset))
    }
}

/// Hexadecimal in debugfs.
struct Hex(u64);

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// What `streamclass/<device>/` in debugfs shows.
struct DebugInfo {
    extension_size: usize,
    dma_buffer_size: usize,
    dma_address: Hex,
    dma_mask: Hex,
}

/// Allocates the zeroed extension and, when asked for, the coherent DMA buffer
/// of `dev`, whose DMA mask must already be set, hands them to devres and
/// returns the handle.
///
/// On error nothing stays allocated: until devres takes the allocation, each
/// allocation is owned by a value that is dropped on the way out.
pub(crate) fn create(
    dev: &Device<Bound>,
    init: &InitData,
    root: Option<&debugfs::Dir>,
    release: unsafe extern "C" fn(*mut bindings::device, *mut c_void),
) -> Result<usize> {
    let buffer = match init.dma_buffer_size {
        0 => None,
        len => Some(at(
            Site::Buffer,
            Coherent::<u8>::zeroed_slice(dev, len as usize, GFP_KERNEL),
        )?),
    };
    let ext_size = init.device_extension_size as usize;
    let size = HEADER_SIZE.checked_add(ext_size).ok_or(EINVAL)?;
    // SAFETY: `release` is a valid devres release function and the name a
    // static C string; the allocation is ours until `devres_add`.
    let block = unsafe {
        bindings::__devres_alloc_node(
            Some(release),
            size,
            bindings::GFP_KERNEL | bindings::__GFP_ZERO,
            bindings::NUMA_NO_NODE,
            c"streamclass".as_char_ptr(),
        )
    };
    let block = at(
        Site::Block,
        NonNull::new(block.cast::<Header>()).ok_or(ENOMEM),
    )?;

    // SAFETY: `dev` is a valid device; the mask is read for display only.
    let mask = unsafe { (*raw(dev)).coherent_dma_mask };
    // Debugfs is best effort, as everywhere in the kernel: a registration
    // does not fail because its debugfs entries could not be made.
    let debugfs = root.and_then(|root| {
        let info = DebugInfo {
            extension_size: ext_size,
            dma_buffer_size: buffer.as_ref().map_or(0, |b| b.size()),
            dma_address: Hex(buffer.as_ref().map_or(0, |b| b.dma_address())),
            dma_mask: Hex(mask),
        };
        KBox::pin_init(
            root.scope(info, dev.name(), |info, dir| {
                dir.read_only_file(c"extension_size", &info.extension_size);
                dir.read_only_file(c"dma_buffer_size", &info.dma_buffer_size);
                dir.read_only_file(c"dma_address", &info.dma_address);
                dir.read_only_file(c"dma_mask", &info.dma_mask);
            }),
            GFP_KERNEL,
        )
        .ok()
    });

    let dma_cpu = buffer
        .as_ref()
        .map_or(ptr::null_mut(), |b| b.as_mut_ptr().cast::<u8>());
    let handle = block.as_ptr().wrapping_add(1) as usize;
    // INVARIANT: `dma_cpu` is the buffer's address, and the header names its
    // extension in `check`: the registration is live. Callers learn the handle from our return value, which orders
    // this write before their lookups.
    // SAFETY: `block` is a fresh, zeroed devres allocation of `size` bytes,
    // aligned for a `Header`, that nothing else refers to.
    unsafe {
        block.as_ptr().write(Header {
            owner: AtomicUsize::new(0),
            debugfs,
            buffer,
            dma_cpu,
            check: AtomicUsize::new(handle),
        })
    };
    // From here on devres owns the allocation, and `release` frees it.
    // SAFETY: `dev` is a valid, bound device and `block` a devres allocation
    // made by `__devres_alloc_node` that was not added yet.
    unsafe { bindings::devres_add(raw(dev), block.as_ptr().cast()) };
    Ok(handle)
}

/// Drops the header of a registration that devres releases (debugfs entries,
/// then the buffer), after which its handle is no longer live, and returns
/// that handle. Devres frees the memory afterwards.
///
/// # Safety
///
/// Called once, from the devres release function, with a resource that
/// [`create`] wrote.
pub(crate) unsafe fn drop_header(res: *mut c_void) -> usize {
    let hdr = res.cast::<Header>();
    // INVARIANT: From here on the handle is no longer live.
    // SAFETY: `res` is a header written by `create`, which devres hands to this
    // function once; nothing uses it afterwards.
    unsafe {
        (*hdr).check.store(0, Ordering::Release);
        ptr::drop_in_place(hdr);
    }
    hdr.wrapping_add(1) as usize
}

/// The allocation sites of a registration, for the fault-injection test to
/// see which one failed.
#[derive(Clone, Copy)]
pub(crate) enum Site {
    /// The coherent DMA buffer.
    Buffer = 1,
    /// The header and extension block, a devres allocation.
    Block = 2,
    /// The registry's slot.
    Slot = 4,
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

/// The `struct device` behind `dev` (`Device::as_raw` is private to the kernel
/// crate; `Device` is a transparent wrapper of it).
pub(crate) fn raw<Ctx: kernel::device::DeviceContext>(dev: &Device<Ctx>) -> *mut bindings::device {
    core::ptr::from_ref(dev).cast_mut().cast()
}
