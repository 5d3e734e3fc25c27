// SPDX-License-Identifier: GPL-2.0

//! The per-request extension of a request (strmini.h's `SRBExtension`):
//! zeroed memory the minidriver owns with the SRB, and, for a request of a
//! device, the bus address at which the device reaches it
//! (`StreamClassGetPhysicalAddress` with `PerRequestExtension`).
//!
//! On Windows the extension is non-paged memory that the CPU and a bus
//! master share as they are (x86 DMA is cache-coherent). Here it is kernel
//! memory mapped for the device for the request's life, taken where the
//! mapping needs no bouncing (no swiotlb copy, no sync calls; see
//! `streamclass_ext_alloc()` in the C shim), so the minidriver may write a
//! command block into it and point the device at it, as it would on Windows.
//! It is not a coherent allocation because a request the minidriver never
//! completes outlives the binding (removal abandons it): its mapping then
//! ends with the binding, and its memory stays valid until the minidriver's
//! module goes.

use core::{
    ffi::c_void,
    ptr,
    sync::atomic::{
        AtomicU64,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    dma::DmaAddress,
    prelude::*, //
};

// The C shim's helpers (`rust/streamclass_exports.c`). `dev` is a
// `struct device *`, opaque here: bindgen's type is not FFI-safe.
extern "C" {
    fn streamclass_ext_alloc(dev: *mut c_void, len: usize, bus: *mut DmaAddress) -> *mut c_void;
    fn streamclass_ext_unmap(dev: *mut c_void, len: usize, bus: DmaAddress);
    fn streamclass_ext_free(cpu: *mut c_void);
}

/// A per-request extension.
///
/// # Invariants
///
/// - `cpu` is null when `len` is 0, and otherwise `len` bytes (at least)
///   of kernel memory that `self` owns;
/// - while `bus` is not 0, `cpu` is mapped at `bus` for `dev`, which is
///   bound to its driver: the owner ends the mapping ([`Extension::unmap`])
///   before the device unbinds.
pub(crate) struct Extension {
    cpu: *mut u8,
    len: usize,
    dev: *mut bindings::device,
    bus: AtomicU64,
}

// SAFETY: The memory is the minidriver's to use from any thread; the class
// only zeroes it while no one else may, and the mapping is an atomic.
unsafe impl Send for Extension {}
// SAFETY: As above.
unsafe impl Sync for Extension {}

impl Extension {
    /// `len` zeroed bytes, mapped for `dev` when it is not null.
    ///
    /// # Safety
    ///
    /// `dev` is null, or a device bound to its driver until the extension
    /// is unmapped or dropped, whichever is first.
    pub(crate) unsafe fn new(dev: *mut bindings::device, len: usize) -> Result<Self> {
        if len == 0 {
            // INVARIANT: Nothing allocated, nothing mapped.
            return Ok(Self {
                cpu: ptr::null_mut(),
                len,
                dev,
                bus: AtomicU64::new(0),
            });
        }
        let mut bus: DmaAddress = 0;
        // SAFETY: `dev` is null or bound (safety requirements); `bus` is
        // writable.
        let cpu = unsafe { streamclass_ext_alloc(dev.cast(), len, &mut bus) };
        if cpu.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: The helper allocated `len` zeroed bytes and, for a
        // device, mapped them at `bus` (never 0 for a mapping it keeps).
        Ok(Self {
            cpu: cpu.cast(),
            len,
            dev,
            bus: AtomicU64::new(bus),
        })
    }

    /// `len` zeroed bytes, not mapped (a request of no device: tests).
    pub(crate) fn plain(len: usize) -> Result<Self> {
        // SAFETY: No device.
        unsafe { Self::new(ptr::null_mut(), len) }
    }

    /// Zeroes the memory for a new request.
    ///
    /// The caller owns the request: the minidriver does not hold it.
    ///
    /// # Safety
    ///
    /// No one else reads or writes the memory meanwhile (its request is
    /// retired).
    pub(crate) unsafe fn zero(&self) {
        if !self.cpu.is_null() {
            // SAFETY: `len` bytes we own (type invariant), used by no one
            // now (the safety requirements).
            unsafe { ptr::write_bytes(self.cpu, 0, self.len) };
        }
    }

    /// The memory, null when the size is 0.
    pub(crate) fn cpu(&self) -> *mut c_void {
        self.cpu.cast()
    }

    /// Bytes of the extension.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The bus address of `va` and the bytes from it to the end, when
    /// `va` lies in the extension and the extension is mapped.
    pub(crate) fn bus_at(&self, va: *const c_void) -> Option<(DmaAddress, usize)> {
        let off = (va as usize).checked_sub(self.cpu as usize)?;
        let bus = self.bus.load(Ordering::Acquire);
        (!self.cpu.is_null() && off < self.len && bus != 0)
            .then(|| (bus + off as DmaAddress, self.len - off))
    }

    /// Ends the mapping (the device is going); the memory stays. Once only:
    /// later calls do nothing.
    pub(crate) fn unmap(&self) {
        let bus = self.bus.swap(0, Ordering::AcqRel);
        if bus != 0 {
            // SAFETY: Mapped at `bus` for `dev`, which is still bound (type
            // invariant); the swap makes this the only unmap.
            unsafe { streamclass_ext_unmap(self.dev.cast(), self.len, bus) };
        }
    }
}

impl Drop for Extension {
    fn drop(&mut self) {
        self.unmap();
        if !self.cpu.is_null() {
            // SAFETY: Allocated by `streamclass_ext_alloc`, unmapped above.
            unsafe { streamclass_ext_free(self.cpu.cast()) };
        }
    }
}

#[kunit_tests(streamclass_extension)]
mod tests {
    use super::*;

    #[test]
    fn plain_extension_is_zeroed_and_has_no_bus_address() -> Result {
        let ext = Extension::plain(200)?;
        let zeroed = !ext.cpu().is_null()
            // SAFETY: 200 bytes the extension owns.
            && unsafe { core::slice::from_raw_parts(ext.cpu().cast::<u8>(), 200) }
                .iter()
                .all(|b| *b == 0);
        // Not mapped: no bus address anywhere.
        let unmapped = ext.bus_at(ext.cpu()).is_none();
        let len = ext.len();
        drop(ext);
        let empty = Extension::plain(0)?;
        let nothing = empty.cpu().is_null() && empty.bus_at(ptr::null()).is_none();
        drop(empty);
        assert!(zeroed && unmapped && nothing);
        assert_eq!(len, 200);
        Ok(())
    }

    #[test]
    fn bus_address_follows_the_offset_inside_only() -> Result {
        let ext = Extension::plain(200)?;
        // Pretend a mapping at 0x10000, for the arithmetic only; cleared
        // before any assertion (a failing one ends the case without the
        // drop) and before the drop, which would unmap it otherwise.
        ext.bus.store(0x10000, Ordering::Relaxed);
        let at = |off: isize| ext.bus_at(ext.cpu().cast::<u8>().wrapping_offset(off).cast());
        let got = [at(0), at(50), at(199), at(200), at(-1)];
        ext.bus.store(0, Ordering::Relaxed);
        drop(ext);
        assert_eq!(got[0], Some((0x10000, 200)));
        assert_eq!(got[1], Some((0x10032, 150)));
        assert_eq!(got[2], Some((0x100c7, 1)));
        assert_eq!(got[3], None);
        assert_eq!(got[4], None);
        Ok(())
    }
}
