// SPDX-License-Identifier: GPL-2.0

//! Initialization data: what a minidriver asks of the class driver.
//!
//! [`InitData`] is `struct streamclass_init_data` of `include/streamclass.h`,
//! modelled on strmini.h's `HW_INITIALIZATION_DATA`. It crosses the C ABI as an
//! extensible struct whose first field is its size, read with the rule
//! `copy_struct_from_user()` applies: a smaller (older) layout is zero-extended,
//! a larger (newer) one is accepted only when the bytes this version does not
//! know are zero.

use core::ffi::c_void;
use kernel::{
    error::code::{
        E2BIG,
        EINVAL, //
    },
    prelude::*, //
};

use crate::srb::RawSrb;

/// Size of the first published layout (`STREAMCLASS_INIT_DATA_SIZE_VER0`).
pub const INIT_DATA_SIZE_VER0: u32 = 24;

/// Size of the layout with the minidriver callbacks
/// (`STREAMCLASS_INIT_DATA_SIZE_VER1`).
pub const INIT_DATA_SIZE_VER1: u32 = 64;

/// Size of the layout with the per-stream extension
/// (`STREAMCLASS_INIT_DATA_SIZE_VER2`).
pub const INIT_DATA_SIZE_VER2: u32 = 72;

/// `streamclass_receive_packet_fn` (`HwReceivePacket`).
pub type ReceivePacketFn = unsafe extern "C" fn(srb: *mut RawSrb);
/// `streamclass_interrupt_fn` (`HwInterrupt`).
pub type InterruptFn = unsafe extern "C" fn(hw_device_extension: *mut c_void) -> bool;
/// `streamclass_cancel_packet_fn` and `streamclass_request_timeout_fn`.
pub type SrbFn = unsafe extern "C" fn(srb: *mut RawSrb);

/// Largest device extension, in bytes.
pub const MAX_DEVICE_EXTENSION_SIZE: u32 = 1 << 20;

/// Largest per-request extension, in bytes.
pub const MAX_PER_REQUEST_EXTENSION_SIZE: u32 = 1 << 16;

/// Largest per-stream extension, in bytes.
pub const MAX_PER_STREAM_EXTENSION_SIZE: u32 = 1 << 16;

/// Largest common DMA buffer, in bytes: one allocation of the page allocator's
/// largest order (4 MiB on x86-64 with 4 KiB pages).
pub const MAX_DMA_BUFFER_SIZE: u32 = 4 << 20;

/// A Rust minidriver's configuration: the data of `HW_INITIALIZATION_DATA`
/// (its callbacks are the methods of [`crate::Minidriver`], its extension
/// size that of its extension type). Converted to the C layout,
/// [`InitData`], when it registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Bytes of the zeroed per-request extension (`PerRequestExtensionSize`).
    pub per_request_extension_size: u32,
    /// Bytes of the common DMA buffer, 0 for none (`DmaBufferSize`).
    pub dma_buffer_size: u32,
    /// 0 or a power of two, at most `PAGE_SIZE` (`BufferAlignment`).
    pub buffer_alignment: u32,
    /// The device is a bus master (`BusMasterDMA`); also needed for an MSI.
    pub bus_master_dma: bool,
    /// The device's DMA addressing limit in bits, 24 to 64; 0 for 64
    /// (`Dma24BitAddresses` is 24 here).
    pub dma_address_bits: u8,
    /// `TurnOffSynchronization`.
    pub turn_off_synchronization: bool,
    /// Bytes of the zeroed extension of each open stream
    /// (`PerStreamExtensionSize`).
    pub per_stream_extension_size: u32,
}

impl Config {
    /// No per-request extension, no buffer, 64-bit DMA, synchronized.
    pub const fn new() -> Self {
        Self {
            per_request_extension_size: 0,
            dma_buffer_size: 0,
            buffer_alignment: 0,
            bus_master_dma: false,
            dma_address_bits: 0,
            turn_off_synchronization: false,
            per_stream_extension_size: 0,
        }
    }

    /// The C layout of this configuration for an extension of
    /// `device_extension_size` bytes, without callbacks.
    pub(crate) const fn to_init_data(self, device_extension_size: u32) -> InitData {
        let mut init = InitData::new();
        init.device_extension_size = device_extension_size;
        init.per_request_extension_size = self.per_request_extension_size;
        init.dma_buffer_size = self.dma_buffer_size;
        init.buffer_alignment = self.buffer_alignment;
        init.bus_master_dma = self.bus_master_dma as u8;
        init.dma_address_bits = self.dma_address_bits;
        init.turn_off_synchronization = self.turn_off_synchronization as u8;
        init.per_stream_extension_size = self.per_stream_extension_size;
        init
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

/// The current layout, all zero but `size` (never a `size` of 0).
impl Default for InitData {
    fn default() -> Self {
        Self::new()
    }
}

/// `struct streamclass_init_data`, as C lays it out.
///
/// The booleans are bytes here: a caller may pass any byte value, and a Rust
/// `bool` other than 0 or 1 would be undefined behaviour. Rust minidrivers
/// describe themselves with [`Config`] instead, which the class converts.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct InitData {
    /// `sizeof(struct streamclass_init_data)` the caller was built with.
    pub size: u32,
    /// Bytes of the zeroed per-device extension (`DeviceExtensionSize`).
    pub device_extension_size: u32,
    /// Bytes of the zeroed per-request extension (`PerRequestExtensionSize`).
    pub per_request_extension_size: u32,
    /// Bytes of the common DMA buffer, 0 for none (`DmaBufferSize`).
    pub dma_buffer_size: u32,
    /// 0 or a power of two, at most `PAGE_SIZE` (`BufferAlignment`).
    pub buffer_alignment: u32,
    /// Non-zero: the device is a bus master (`BusMasterDMA`).
    pub bus_master_dma: u8,
    /// Non-zero: the device reaches the low 16 MiB only (`Dma24BitAddresses`).
    pub dma_24bit_addresses: u8,
    /// DMA addressing limit in bits, 24 to 64; 0 derives it from the flags.
    pub dma_address_bits: u8,
    /// `HwReceivePacket`: device SRBs (C minidrivers; Rust ones implement
    /// [`crate::Minidriver`]).
    pub hw_receive_packet: Option<ReceivePacketFn>,
    /// `HwInterrupt`.
    pub hw_interrupt: Option<InterruptFn>,
    /// `HwCancelPacket`.
    pub hw_cancel_packet: Option<SrbFn>,
    /// `HwRequestTimeoutHandler`.
    pub hw_request_timeout_handler: Option<SrbFn>,
    /// Non-zero: `TurnOffSynchronization`.
    pub turn_off_synchronization: u8,
    /// VER1's padding, never read (a C caller's may hold anything).
    _reserved: [u8; 7],
    /// Bytes of the zeroed extension of each open stream
    /// (`PerStreamExtensionSize`), since VER2.
    pub per_stream_extension_size: u32,
    _pad: [u8; 4],
}

const _: () = assert!(core::mem::size_of::<InitData>() == INIT_DATA_SIZE_VER2 as usize);
const _: () = assert!(
    core::mem::offset_of!(InitData, per_stream_extension_size) == INIT_DATA_SIZE_VER1 as usize
);

impl InitData {
    /// Initialization data of the current layout, all zero but `size`.
    pub const fn new() -> Self {
        Self {
            size: core::mem::size_of::<Self>() as u32,
            device_extension_size: 0,
            per_request_extension_size: 0,
            dma_buffer_size: 0,
            buffer_alignment: 0,
            bus_master_dma: 0,
            dma_24bit_addresses: 0,
            dma_address_bits: 0,
            hw_receive_packet: None,
            hw_interrupt: None,
            hw_cancel_packet: None,
            hw_request_timeout_handler: None,
            turn_off_synchronization: 0,
            _reserved: [0; 7],
            per_stream_extension_size: 0,
            _pad: [0; 4],
        }
    }

    /// Reads a caller's `struct streamclass_init_data` of any layout size and
    /// validates it.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL or points to at least `(*ptr).size` readable bytes.
    pub unsafe fn from_raw(ptr: *const InitData) -> Result<Self> {
        if ptr.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: `ptr` is not NULL and, by the safety requirements, points to at
        // least the `size` field, which every layout starts with.
        let size = unsafe { ptr.cast::<u32>().read_unaligned() };
        if size < INIT_DATA_SIZE_VER0 {
            return Err(EINVAL);
        }
        let ours = core::mem::size_of::<Self>();
        let theirs = size as usize;
        let mut data = Self::new();
        // `data` is `ours` bytes long; its integer fields are valid for any
        // bytes, and each callback is NULL (`None`) or, by the caller's
        // contract, a function of the documented signature.
        // SAFETY: `size` bytes are readable at `ptr`; we copy `min(size, ours)`.
        unsafe {
            core::ptr::copy_nonoverlapping(
                ptr.cast::<u8>(),
                core::ptr::from_mut(&mut data).cast::<u8>(),
                theirs.min(ours),
            )
        };
        if theirs > ours {
            // SAFETY: `size` bytes are readable at `ptr`, and `ours < theirs`.
            let tail =
                unsafe { core::slice::from_raw_parts(ptr.cast::<u8>().add(ours), theirs - ours) };
            if tail.iter().any(|&b| b != 0) {
                return Err(E2BIG);
            }
        }
        data.validate()?;
        Ok(data)
    }

    /// Checks every field against the documented limits.
    pub fn validate(&self) -> Result {
        if self.size < INIT_DATA_SIZE_VER0 {
            return Err(EINVAL);
        }
        if self.device_extension_size > MAX_DEVICE_EXTENSION_SIZE
            || self.per_request_extension_size > MAX_PER_REQUEST_EXTENSION_SIZE
            || self.dma_buffer_size > MAX_DMA_BUFFER_SIZE
            || self.per_stream_extension_size > MAX_PER_STREAM_EXTENSION_SIZE
        {
            return Err(E2BIG);
        }
        let align = self.buffer_alignment as usize;
        if align != 0 && (!align.is_power_of_two() || align > kernel::page::PAGE_SIZE) {
            return Err(EINVAL);
        }
        match (self.dma_24bit_addresses != 0, self.dma_address_bits) {
            (_, 0) => {}
            (true, 24) => {}
            (true, _) => return Err(EINVAL),
            (false, bits) if (24..=64).contains(&bits) => {}
            (false, _) => return Err(EINVAL),
        }
        Ok(())
    }

    /// The device's DMA addressing limit in bits, derived as strmini.h does
    /// when `dma_address_bits` is 0.
    pub fn address_bits(&self) -> u32 {
        match (self.dma_address_bits, self.dma_24bit_addresses != 0) {
            (0, true) => 24,
            (0, false) => 64,
            (bits, _) => u32::from(bits),
        }
    }
}

#[kunit_tests(streamclass_init_data)]
mod tests {
    use super::*;
    use crate::ffi::streamclass_check_init_data;

    /// A newer caller's layout: ours followed by fields this version lacks.
    #[repr(C)]
    struct Newer {
        old: InitData,
        extra: u64,
    }

    fn check(init: &InitData) -> c_int {
        // SAFETY: `init` is a reference to a whole `InitData`.
        unsafe { streamclass_check_init_data(init) }
    }

    #[test]
    fn current_layout_accepted() {
        let mut init = InitData::new();
        init.device_extension_size = 64;
        init.dma_buffer_size = 8192;
        assert_eq!(check(&init), 0);
    }

    #[test]
    fn null_rejected() {
        // SAFETY: NULL is allowed.
        let ret = unsafe { streamclass_check_init_data(core::ptr::null()) };
        assert_eq!(ret, EINVAL.to_errno());
    }

    #[test]
    fn too_small_rejected() {
        let mut init = InitData::new();
        init.size = INIT_DATA_SIZE_VER0 - 1;
        assert_eq!(check(&init), EINVAL.to_errno());
        init.size = 0;
        assert_eq!(check(&init), EINVAL.to_errno());
    }

    #[test]
    fn newer_layout_zero_tail_accepted() {
        let mut n = Newer {
            old: InitData::new(),
            extra: 0,
        };
        n.old.size = core::mem::size_of::<Newer>() as u32;
        // SAFETY: `n` is `size` bytes long.
        assert_eq!(unsafe { streamclass_check_init_data(&n.old) }, 0);
        // SAFETY: As above.
        let read = unsafe { InitData::from_raw(&n.old) };
        assert_eq!(
            read.map(|d| d.size),
            Ok(core::mem::size_of::<Newer>() as u32)
        );
    }

    #[test]
    fn newer_layout_nonzero_tail_rejected() {
        let mut n = Newer {
            old: InitData::new(),
            extra: 1 << 40,
        };
        n.old.size = core::mem::size_of::<Newer>() as u32;
        // SAFETY: `n` is `size` bytes long.
        let ret = unsafe { streamclass_check_init_data(&n.old) };
        assert_eq!(ret, E2BIG.to_errno());
    }

    #[test]
    fn sizes_over_maximum_rejected() {
        let mut init = InitData::new();
        init.device_extension_size = MAX_DEVICE_EXTENSION_SIZE + 1;
        assert_eq!(check(&init), E2BIG.to_errno());
        let mut init = InitData::new();
        init.dma_buffer_size = u32::MAX;
        assert_eq!(check(&init), E2BIG.to_errno());
        let mut init = InitData::new();
        init.per_request_extension_size = MAX_PER_REQUEST_EXTENSION_SIZE + 1;
        assert_eq!(check(&init), E2BIG.to_errno());
        let mut init = InitData::new();
        init.per_stream_extension_size = MAX_PER_STREAM_EXTENSION_SIZE + 1;
        assert_eq!(check(&init), E2BIG.to_errno());
        let mut init = InitData::new();
        init.dma_buffer_size = MAX_DMA_BUFFER_SIZE;
        init.device_extension_size = MAX_DEVICE_EXTENSION_SIZE;
        assert_eq!(check(&init), 0);
    }

    #[test]
    fn alignment_must_be_power_of_two() {
        let mut init = InitData::new();
        for (align, want) in [
            (0, 0),
            (1, 0),
            (8, 0),
            (4096, 0),
            (3, -22),
            (12, -22),
            (8192, -22),
        ] {
            init.buffer_alignment = align;
            assert_eq!(check(&init), want);
        }
    }

    #[test]
    fn address_bits() {
        let mut init = InitData::new();
        assert_eq!(init.address_bits(), 64);
        init.dma_24bit_addresses = 1;
        assert_eq!(init.address_bits(), 24);
        init.dma_address_bits = 28;
        assert_eq!(check(&init), EINVAL.to_errno());
        init.dma_24bit_addresses = 0;
        assert_eq!(check(&init), 0);
        assert_eq!(init.address_bits(), 28);
        for (bits, want) in [(23, -22), (24, 0), (64, 0), (65, -22)] {
            init.dma_address_bits = bits;
            assert_eq!(check(&init), want);
        }
    }

    #[test]
    fn config_converts_to_the_c_layout() {
        let config = Config {
            per_request_extension_size: 16,
            dma_buffer_size: 8192,
            buffer_alignment: 64,
            bus_master_dma: true,
            dma_address_bits: 28,
            turn_off_synchronization: true,
            per_stream_extension_size: 24,
        };
        let init = config.to_init_data(40);
        assert_eq!(init.per_stream_extension_size, 24);
        assert_eq!(init.size, INIT_DATA_SIZE_VER2);
        assert_eq!(init.device_extension_size, 40);
        assert_eq!(init.per_request_extension_size, 16);
        assert_eq!(init.dma_buffer_size, 8192);
        assert_eq!(init.buffer_alignment, 64);
        assert_eq!(init.bus_master_dma, 1);
        assert_eq!(init.dma_24bit_addresses, 0);
        assert_eq!(init.address_bits(), 28);
        assert_eq!(init.turn_off_synchronization, 1);
        assert!(init.hw_receive_packet.is_none() && init.hw_interrupt.is_none());
        assert_eq!(check(&init), 0);
        let init = Config::new().to_init_data(0);
        assert_eq!(init.address_bits(), 64);
        assert_eq!(init.bus_master_dma + init.turn_off_synchronization, 0);
        assert_eq!(check(&init), 0);
    }
}
