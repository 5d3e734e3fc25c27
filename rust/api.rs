// SPDX-License-Identifier: GPL-2.0

//! The safe Rust API for Rust minidrivers.
//!
//! ```ignore
//! let config = streamclass::Config {
//!     dma_buffer_size: 8192,
//!     dma_address_bits: 28,
//!     ..streamclass::Config::new()
//! };
//! // In probe: the registration is freed when it is dropped, or when the
//! // device unbinds, whichever comes first.
//! let reg = streamclass::Registration::<MyExtension>::new(dev, &config)?;
//! let reg = reg.access(dev)?;
//! let buf = reg.dma_buffer().ok_or(ENOMEM)?; // a kernel::dma::Coherent<[u8]>
//! io_project!(buf, [try: 0..4]).copy_from_slice(b"head");
//! program_device(buf.dma_address());
//! ```

use core::{
    ffi::c_void,
    marker::PhantomData,
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
    device::{
        Bound,
        Device, //
    },
    devres::Devres,
    dma::{
        Coherent,
        DmaAddress, //
    },
    prelude::*, //
};

use crate::{
    init_data::Config,
    registration::{
        Header,
        EXTENSION_ALIGN, //
    },
    registry, //
};

/// A device registered with the class driver, with a device extension of
/// type `T` (zeroed, so `T` must be valid when all zero).
///
/// It lives in a [`Devres`]: the class driver frees it when the device
/// unbinds, and accessing it needs the bound device as proof
/// ([`Devres::access`]). Dropping it unregisters the device.
///
/// # Invariants
///
/// `ext` is the handle of a live registration whose extension is a zeroed `T`,
/// owned by this value.
pub struct Registration<T: Zeroable + Send + Sync + 'static> {
    ext: NonNull<T>,
    _p: PhantomData<T>,
}

// SAFETY: The registration may be dropped (unregistered) from any thread, and
// `T: Send`.
unsafe impl<T: Zeroable + Send + Sync + 'static> Send for Registration<T> {}
// SAFETY: Shared access only hands out `&T` (and `T: Sync`) and the buffer's
// addresses.
unsafe impl<T: Zeroable + Send + Sync + 'static> Sync for Registration<T> {}

impl<T: Zeroable + Send + Sync + 'static> Registration<T> {
    /// Registers `dev` with `config` and an extension of the size of `T`.
    /// Errors are those of `streamclass_register_device()`.
    /// `T` must not need `Drop` (refused at compile time): the class frees
    /// the extension, at unbind at the latest, without dropping it.
    pub fn new(dev: &Device<Bound>, config: &Config) -> Result<Devres<Self>> {
        const {
            assert!(
                !core::mem::needs_drop::<T>(),
                "the class frees the extension without dropping it: an extension must not need Drop"
            )
        };
        if align_of::<T>() > EXTENSION_ALIGN {
            return Err(EINVAL);
        }
        let ext = u32::try_from(size_of::<T>()).map_err(|_| E2BIG)?;
        let init = config.to_init_data(ext);
        let handle = registry::register(dev, &init)?;
        let ext = NonNull::new(handle as *mut T).ok_or(EINVAL)?;
        // INVARIANT: `handle` is a live registration with a zeroed extension of
        // `size_of::<T>()` bytes at an alignment that suits `T`.
        let reg = Self {
            ext,
            _p: PhantomData,
        };
        Devres::new(dev, reg)
    }

    /// The device extension.
    pub fn extension(&self) -> &T {
        // SAFETY: By the type invariant `ext` points to a `T` that lives as long
        // as `self`; `T: Zeroable` makes the zeroed memory a valid `T`.
        unsafe { self.ext.as_ref() }
    }

    /// The common DMA buffer (`StreamClassGetDmaBuffer`): the kernel's own
    /// [`Coherent`], so its accessors are those of [`kernel::io::Io`]
    /// (`io_project!`, `io_read!`, `copy_from_slice`...). `None` when
    /// `dma_buffer_size` was 0.
    pub fn dma_buffer(&self) -> Option<&Coherent<[u8]>> {
        // SAFETY: `self` keeps the registration live (type invariant).
        unsafe { dma_buffer_of(self, self.ext.as_ptr() as usize) }
    }

    /// `StreamClassGetPhysicalAddress` for the DMA buffer: the bus address of
    /// byte `offset` and the bytes from there to the end, or `None` past the
    /// end (or without a buffer).
    pub fn dma_address_at(&self, offset: usize) -> Option<(DmaAddress, usize)> {
        dma_address_at(self.dma_buffer()?, offset)
    }
}

/// The DMA buffer of the live registration `handle`, borrowed for as long as
/// `owner` is.
///
/// # Safety
///
/// `owner` keeps the registration `handle` live while it is borrowed.
pub(crate) unsafe fn dma_buffer_of<O: ?Sized>(
    _owner: &O,
    handle: usize,
) -> Option<&Coherent<[u8]>> {
    let handle = handle as *const c_void;
    // SAFETY: The registration is live by the safety requirements.
    let buf = unsafe { Header::with_live(handle, |h| h.buffer().map(ptr::from_ref)) };
    // SAFETY: The buffer lives as long as the registration, which `owner`
    // keeps live while it is borrowed (safety requirements).
    buf.flatten().map(|b| unsafe { &*b })
}

/// The bus address of byte `offset` of `buf` and the bytes from there to its
/// end, or `None` past the end.
pub(crate) fn dma_address_at(buf: &Coherent<[u8]>, offset: usize) -> Option<(DmaAddress, usize)> {
    (offset < buf.size()).then(|| {
        (
            buf.dma_address() + offset as DmaAddress,
            buf.size() - offset,
        )
    })
}

impl<T: Zeroable + Send + Sync + 'static> Drop for Registration<T> {
    fn drop(&mut self) {
        // A registration is unregistered once, here; the class driver may have
        // freed it at unbind already, in which case there is nothing to do.
        let _ = registry::unregister(self.ext.as_ptr() as usize);
    }
}
