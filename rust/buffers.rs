// SPDX-License-Identifier: GPL-2.0

//! Where a device's stream buffers come from: the videobuf2 allocator its
//! V4L2 queues use, chosen so that the device's DMA lands in the user's
//! buffer itself, never in a swiotlb bounce buffer that the CPU then copies
//! (which would make "zero copy" a copy, silently). Buffers imported from
//! elsewhere (DMABUF, USERPTR) that still bounce are counted by the node
//! (`streamclass_v4l2.c`).
//!
//! - Behind a translating IOMMU every page is reachable: scatter/gather
//!   (`vb2-dma-sg`: pages from anywhere, mapped for the device; its
//!   `sg_table` becomes the SRB's list, as Windows hands every DMA stream
//!   one).
//! - Without one, a device whose DMA mask does not reach all of memory
//!   (`dma_addressing_limited()`: edu's 28 bits in a 2 GiB guest) would have
//!   pages above its mask bounced: contiguous (`vb2-dma-contig`: allocated
//!   for the device, within its mask; one element).
//! - Otherwise scatter/gather.
//! - A virtual device (a software device: no bus, no DMA) fills its buffers
//!   with the CPU only: `vb2-vmalloc`, as vivid's, with no DMA mapping and
//!   no cache maintenance to get wrong on a non-coherent architecture; its
//!   data SRBs' list names the buffer's pages by physical address.

use kernel::{
    bindings,
    ffi::c_void, //
};

extern "C" {
    /// 1 for contiguous buffers, 0 for scatter/gather (C shim). `dev` is
    /// a `struct device *` (opaque here: bindgen's type is not FFI-safe).
    fn streamclass_contig_buffers(dev: *mut c_void) -> i32;
}

/// A videobuf2 allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    /// `vb2-dma-sg`.
    DmaSg,
    /// `vb2-dma-contig`.
    DmaContig,
    /// `vb2-vmalloc`.
    Vmalloc,
}

impl Backend {
    /// The allocator for `dev`, a device being bound or bound whose DMA
    /// mask is set; `virtual_device`: a software device of the class's own.
    pub(crate) fn for_device(dev: *mut bindings::device, virtual_device: bool) -> Self {
        if virtual_device {
            return Self::Vmalloc;
        }
        // SAFETY: `dev` is a valid device (the caller's probe is binding it).
        match unsafe { streamclass_contig_buffers(dev.cast()) } {
            0 => Self::DmaSg,
            _ => Self::DmaContig,
        }
    }

    /// Its name, as debugfs shows it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::DmaSg => "dma-sg",
            Self::DmaContig => "dma-contig",
            Self::Vmalloc => "vmalloc",
        }
    }

    /// The C glue's `streamclass_v4l2_desc.backend` for it.
    pub(crate) fn c_value(self) -> u32 {
        match self {
            Self::DmaSg => 0,
            Self::DmaContig => 1,
            Self::Vmalloc => 2,
        }
    }
}
