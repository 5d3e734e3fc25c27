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
//! let buf = reg.access(dev)?.dma_buffer().ok_or(ENOMEM)?;
//! program_device(buf.dma_address());
//! ```

use core::{
    ffi::c_void,
    marker::PhantomData,
    mem::{
        align_of,
        size_of, //
    },
    ptr::NonNull, //
};
use kernel::{
    device::{
        Bound,
        Device, //
    },
    devres::Devres,
    dma::DmaAddress,
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

    /// The common DMA buffer, or `None` when `dma_buffer_size` was 0.
    pub fn dma_buffer(&self) -> Option<DmaBuffer<'_>> {
        // SAFETY: `self` keeps the registration live (type invariant).
        unsafe { dma_buffer_of(self, self.ext.as_ptr() as usize) }
    }
}

/// The DMA buffer of the live registration `handle`, borrowed for as long as
/// `owner` is.
///
/// # Safety
///
/// `owner` keeps the registration `handle` live while it is borrowed.
pub(crate) unsafe fn dma_buffer_of<O: ?Sized>(_owner: &O, handle: usize) -> Option<DmaBuffer<'_>> {
    // SAFETY: The registration is live by the safety requirements, so the
    // header in front of it is readable.
    unsafe {
        Header::with_live(handle as *const c_void, |hdr| {
            let cpu = NonNull::new(hdr.dma_cpu())?;
            let (dma, len) = hdr.dma_address_of(cpu.as_ptr().cast())?;
            // INVARIANT: The buffer lives as long as the registration,
            // which `owner` keeps live for `'_`.
            Some(DmaBuffer {
                cpu,
                len,
                dma,
                _p: PhantomData,
            })
        })
    }
    .flatten()
}

impl<T: Zeroable + Send + Sync + 'static> Drop for Registration<T> {
    fn drop(&mut self) {
        // A registration is unregistered once, here; the class driver may have
        // freed it at unbind already, in which case there is nothing to do.
        let _ = registry::unregister(self.ext.as_ptr() as usize);
    }
}

/// The common DMA buffer of a [`Registration`]: zeroed, page-aligned, below
/// the device's DMA mask.
pub struct DmaBuffer<'a> {
    cpu: NonNull<u8>,
    len: usize,
    dma: DmaAddress,
    _p: PhantomData<&'a ()>,
}

impl DmaBuffer<'_> {
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a registration without a buffer has no `DmaBuffer`.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bus address of the first byte, to program into the device.
    pub fn dma_address(&self) -> DmaAddress {
        self.dma
    }

    /// The bus address of byte `offset` and the bytes from there to the end
    /// (`StreamClassGetPhysicalAddress`), or `None` past the end.
    pub fn dma_address_at(&self, offset: usize) -> Option<(DmaAddress, usize)> {
        (offset < self.len).then(|| (self.dma + offset as DmaAddress, self.len - offset))
    }

    /// The kernel virtual address of the first byte.
    pub fn as_ptr(&self) -> *mut u8 {
        self.cpu.as_ptr()
    }

    /// Copies `src` into the buffer at `offset`; `EINVAL` past the end.
    pub fn write(&self, offset: usize, src: &[u8]) -> Result {
        self.range(offset, src.len())?;
        // SAFETY: The range is inside the live buffer; raw copies make no
        // reference to memory the device may write.
        unsafe {
            core::ptr::copy_nonoverlapping(src.as_ptr(), self.cpu.as_ptr().add(offset), src.len())
        };
        Ok(())
    }

    /// Copies bytes from the buffer at `offset` into `dst`; `EINVAL` past the
    /// end.
    pub fn read(&self, offset: usize, dst: &mut [u8]) -> Result {
        self.range(offset, dst.len())?;
        // SAFETY: As for `write`.
        unsafe {
            core::ptr::copy_nonoverlapping(
                self.cpu.as_ptr().add(offset),
                dst.as_mut_ptr(),
                dst.len(),
            )
        };
        Ok(())
    }

    fn range(&self, offset: usize, len: usize) -> Result {
        match offset.checked_add(len) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(EINVAL),
        }
    }

    /// The buffer as a slice.
    ///
    /// # Safety
    ///
    /// Neither the device nor another thread writes to the buffer while the
    /// slice lives.
    pub unsafe fn as_slice(&self) -> &[u8] {
        // SAFETY: `cpu` points to `len` bytes of the live buffer; no concurrent
        // writes by the safety requirements.
        unsafe { core::slice::from_raw_parts(self.cpu.as_ptr(), self.len) }
    }

    /// The buffer as a mutable slice.
    ///
    /// # Safety
    ///
    /// Neither the device nor another thread reads or writes the buffer while
    /// the slice lives.
    #[expect(
        clippy::mut_from_ref,
        reason = "unsafe to use API, as Coherent::as_mut"
    )]
    pub unsafe fn as_mut_slice(&self) -> &mut [u8] {
        // SAFETY: `cpu` points to `len` bytes of the live buffer; exclusive by
        // the safety requirements.
        unsafe { core::slice::from_raw_parts_mut(self.cpu.as_ptr(), self.len) }
    }
}
