// SPDX-License-Identifier: GPL-2.0

//! One registered device: the class driver's bookkeeping, the device extension
//! and the common DMA buffer.
//!
//! A registration is one `kmalloc` block, a [`Header`] followed by the zeroed
//! extension, plus the coherent buffer the header owns. The extension's address
//! is the handle minidrivers hold (`HwDeviceExtension` on Windows), so finding
//! the header from a handle is a subtraction, and checking that the handle is
//! live is one compare of a header field against the handle itself. The
//! [`Registration`] value owns all of it; dropping it frees all of it.

use core::{
    alloc::Layout,
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
};
use kernel::{
    alloc::{
        allocator::Kmalloc,
        flags::__GFP_ZERO,
        Allocator,
        NumaNode, //
    },
    debugfs,
    device::{
        Bound,
        Device, //
    },
    dma::{
        Coherent,
        DmaAddress, //
    },
    prelude::*,
    sync::aref::ARef, //
};

use crate::{
    init_data::InitData,
    registry::{
        at,
        Site, //
    },
};

/// What the class driver keeps in front of each device extension.
///
/// Fields are dropped in declaration order: the debugfs entries (which show the
/// buffer) go first, then the buffer (which needs the device), then the device
/// reference. The hot fields come last, so that they end where the extension
/// starts and a lookup reads one cache line.
///
/// # Invariants
///
/// - `check` holds the address of the extension that follows this header while
///   the registration is live, and 0 once its teardown has begun.
/// - `dma_cpu`, `dma_size` and `dma_addr` describe `buffer` (null, 0, 0 when it
///   is `None`) and never change while the registration is live.
#[repr(C, align(16))]
pub(crate) struct Header {
    debugfs: Option<Pin<KBox<debugfs::Scope<DebugInfo>>>>,
    buffer: Option<Coherent<[u8]>>,
    dev: ARef<Device>,
    ext_size: usize,
    dma_cpu: *mut u8,
    dma_size: usize,
    dma_addr: DmaAddress,
    check: usize,
}

/// Bytes of bookkeeping in front of each extension.
pub(crate) const HEADER_SIZE: usize = size_of::<Header>();

/// Alignment of every device extension.
pub(crate) const EXTENSION_ALIGN: usize = align_of::<Header>();

const _: () = assert!(HEADER_SIZE % EXTENSION_ALIGN == 0);

impl Header {
    /// Returns the live header of `handle`, or `None` when `handle` is not the
    /// extension of a live registration (NULL, or its header's check does not
    /// name it).
    ///
    /// This is the hot path of `get_dma_buffer`: one compare against NULL and
    /// the header size, one load and one compare, with no lock and no search.
    ///
    /// # Safety
    ///
    /// `handle` is NULL, or the `HEADER_SIZE` bytes in front of it are readable
    /// memory that no one writes concurrently. A handle whose registration was
    /// freed, or is being freed, is a use-after-free, as a stale
    /// `HwDeviceExtension` is on Windows.
    #[inline]
    pub(crate) unsafe fn live<'a>(handle: *const c_void) -> Option<&'a Header> {
        let h = handle as usize;
        if h < HEADER_SIZE {
            return None;
        }
        let hdr = (h - HEADER_SIZE) as *const Header;
        // Read unaligned through a raw pointer: no reference to a possibly
        // bogus, misaligned `Header` is made before the check.
        // SAFETY: The bytes are readable by the safety requirements.
        let check = unsafe { ptr::addr_of!((*hdr).check).read_unaligned() };
        if check != h {
            return None;
        }
        // SAFETY: The check names `handle`, so by the type invariant this is the
        // header of a live registration, which is aligned.
        Some(unsafe { &*hdr })
    }

    /// The buffer's kernel virtual address, null without a buffer.
    #[inline]
    pub(crate) fn dma_cpu(&self) -> *mut u8 {
        self.dma_cpu
    }

    /// The bus address of `va` and the bytes from `va` to the end of the
    /// buffer, or `None` when `va` is outside the buffer.
    #[inline]
    pub(crate) fn dma_address_of(&self, va: *const c_void) -> Option<(DmaAddress, usize)> {
        let offset = (va as usize).wrapping_sub(self.dma_cpu as usize);
        if self.dma_cpu.is_null() || offset >= self.dma_size {
            return None;
        }
        Some((self.dma_addr + offset as DmaAddress, self.dma_size - offset))
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

/// A registered device, owning its header, extension and DMA buffer.
///
/// # Invariants
///
/// `self.0` points to a `Header` written by [`Registration::new`], at the start
/// of a `Kmalloc` block of `Registration::layout(header.ext_size)`, owned by
/// this value alone.
pub(crate) struct Registration(NonNull<Header>);

// SAFETY: A `Registration` owns its block exclusively, and every field of the
// header may be dropped or read from any thread (the raw `dma_cpu` pointer is
// only handed out, never dereferenced here).
unsafe impl Send for Registration {}

impl Registration {
    fn layout(ext_size: usize) -> Result<Layout> {
        let size = HEADER_SIZE.checked_add(ext_size).ok_or(EINVAL)?;
        Layout::from_size_align(size, EXTENSION_ALIGN).map_err(|_| EINVAL)
    }

    /// Allocates the zeroed extension and, when asked for, the coherent DMA
    /// buffer of `dev`, whose DMA mask must already be set.
    ///
    /// On error nothing stays allocated: each allocation is owned by a value
    /// that is dropped on the way out.
    pub(crate) fn new(
        dev: &Device<Bound>,
        init: &InitData,
        root: Option<&debugfs::Dir>,
    ) -> Result<Self> {
        let buffer = match init.dma_buffer_size {
            0 => None,
            len => Some(at(
                Site::Buffer,
                Coherent::<u8>::zeroed_slice(dev, len as usize, GFP_KERNEL),
            )?),
        };
        let (dma_cpu, dma_size, dma_addr) = buffer.as_ref().map_or((ptr::null_mut(), 0, 0), |b| {
            (b.as_mut_ptr().cast::<u8>(), b.size(), b.dma_address())
        });
        let ext_size = init.device_extension_size as usize;
        let layout = Self::layout(ext_size)?;
        let block = at(
            Site::Block,
            Kmalloc::alloc(layout, GFP_KERNEL | __GFP_ZERO, NumaNode::NO_NODE),
        )
        .map_err(|_| ENOMEM)?
        .cast::<Header>();

        // SAFETY: `dev` is a valid device; the mask is read for display only.
        let mask = unsafe { (*crate::registry::raw(dev)).coherent_dma_mask };
        // Debugfs is best effort, as everywhere in the kernel: a registration
        // does not fail because its debugfs entries could not be made.
        let debugfs = root.and_then(|root| {
            let info = DebugInfo {
                extension_size: ext_size,
                dma_buffer_size: dma_size,
                dma_address: Hex(dma_addr),
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

        let ext = block.as_ptr().wrapping_add(1) as usize;
        // INVARIANT: The header names its extension in `check`: the registration
        // is live. Callers learn the handle from our return value, which orders
        // this write before their lookups.
        // SAFETY: `block` is a fresh allocation of `layout`, which starts with
        // room for a `Header` at its alignment; nothing else refers to it.
        unsafe {
            block.as_ptr().write(Header {
                debugfs,
                buffer,
                dev: dev.into(),
                ext_size,
                dma_cpu,
                dma_size,
                dma_addr,
                check: ext,
            })
        };
        Ok(Self(block))
    }

    fn header(&self) -> &Header {
        // SAFETY: By the type invariant, `self.0` points to a valid `Header`.
        unsafe { self.0.as_ref() }
    }

    /// The handle: the address of the extension.
    pub(crate) fn handle(&self) -> usize {
        self.0.as_ptr().wrapping_add(1) as usize
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let hdr = self.0.as_ptr();
        // INVARIANT: From here on the handle is no longer live.
        // SAFETY: By the type invariant we own the valid header at `hdr`.
        unsafe { (*hdr).check = 0 };
        let layout = Self::layout(self.header().ext_size);
        // SAFETY: By the type invariant we own a valid `Header` at `hdr`; it is
        // dropped once, here, and not used afterwards.
        unsafe { ptr::drop_in_place(hdr) };
        if let Ok(layout) = layout {
            // SAFETY: By the type invariant the block was allocated by `Kmalloc`
            // with this layout (which `new` computed without error).
            unsafe { Kmalloc::free(self.0.cast(), layout) };
        }
    }
}
