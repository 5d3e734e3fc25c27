// SPDX-License-Identifier: GPL-2.0

//! streamclass: the Windows Stream class minidriver model on Linux.
//!
//! A minidriver describes itself with [`Config`] in Rust or
//! `struct streamclass_init_data` ([`InitData`]) in C (the analogue of
//! `HW_INITIALIZATION_DATA`) and registers each of its devices from its probe.
//! The class driver sets the device's DMA mask, allocates the zeroed device
//! extension and one coherent DMA buffer, and hands them back: the extension
//! is the handle, as `HwDeviceExtension` is on Windows, and the buffer comes
//! from `streamclass_get_dma_buffer()` (`StreamClassGetDmaBuffer`).
//!
//! - [`init_data`]: the initialization data and its checks;
//! - `registration`: one registered device, its memory (a devres resource of
//!   the device), its lookup and its release, the one place it is freed;
//! - `registry`: the index of live registrations: register, unregister,
//!   and what is left at unload;
//! - `ffi`: the C ABI of `include/streamclass.h` (for C only: a Rust caller
//!   could unregister a handle that a [`Registration`] owns);
//! - [`api`]: the safe Rust API of the core (a device registered from the
//!   caller's own probe);
//! - `buffers`: which videobuf2 allocator a device's stream buffers will
//!   come from (scatter/gather, or contiguous where pages would bounce);
//! - `minidriver`, `hw_device`, `pci`, `debugfs`: the minidriver model:
//!   the PCI driver the class registers for a minidriver, each device's
//!   lifecycle and synchronization, its PCI resources, and its debugfs
//!   files (`stats` and the `capture` test hook);
//! - [`srb`], `extension`, `transport`, [`priority`]: stream request
//!   blocks, their per-request extensions (memory the device reaches),
//!   sending one and waiting for its notification (with its timeout), and
//!   the deferred work of `StreamClassCallAtNewPriority`;
//! - `stream_info`, `stream`: the streams a minidriver describes (checked
//!   copies of its descriptors and formats), and one stream's instances,
//!   `KSSTATE` steps and outstanding data SRBs;
//! - `v4l2` (with the C glue `streamclass_v4l2.c`): each capture stream as
//!   a V4L2 node: formats, STREAMON/STREAMOFF as open, state steps and
//!   close, each queued buffer as a data SRB, and its completion as a done
//!   buffer;
//! - [`minidriver_api`]: the safe Rust API of the minidriver model.

use kernel::prelude::*;

pub mod api;
mod buffers;
pub mod controls;
#[cfg(CONFIG_KUNIT)]
mod core_tests;
mod debugfs;
mod extension;
mod ffi;
mod hw_device;
pub mod init_data;
mod minidriver;
pub mod minidriver_api;
mod pci;
mod platform;
pub mod priority;
mod registration;
mod registry;
pub mod srb;
mod stream;
mod stream_info;
mod timer;
mod transport;
mod v4l2;

pub use api::Registration;
pub use controls::{
    Control,
    CID_BRIGHTNESS,
    CID_CONTRAST,
    CID_HUE,
    CID_SATURATION, //
};
pub use init_data::{
    Config,
    InitData, //
};
pub use minidriver_api::{
    Adapter,
    AtomicWord,
    Bar,
    Minidriver,
    MinidriverRegistration,
    PciId,
    Srb,
    SrbSlot, //
};
pub use priority::Priority;
pub use srb::{
    Command,
    SgElement,
    Status, //
};
pub use stream::KsState;
pub use stream_info::{
    fourcc,
    DataFlow,
    Format,
    StreamDescriptor, //
};

module! {
    type: StreamClass,
    name: "streamclass",
    authors: ["The streamclass developers"],
    description: "Stream class driver: the strmini.h minidriver model",
    license: "GPL",
    params: {
        debugfs: bool {
            default: true,
            description: "Show each registered device in debugfs (streamclass/<device>/)",
        },
        device_srb_timeout_s: u32 {
            default: 15,
            description: "Seconds a device or stream control SRB may take before the minidriver's timeout handler is called (1-300, read as each SRB is sent); a device going gives up on one after twice this",
        },
    },
}

extern "C" {
    /// Registers the C shim's module notifier (minidrivers left registered by
    /// a module that unloads).
    fn streamclass_shim_init() -> c_int;
    /// Unregisters it.
    fn streamclass_shim_exit();
}

/// The module's state: the registry is global, for the C ABI to reach it.
struct StreamClass;

impl kernel::Module for StreamClass {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // The registry first: the module notifier may use it at once.
        registry::init();
        // SAFETY: Called once, at init; `drop` unregisters it.
        if let Err(e) = kernel::error::to_result(unsafe { streamclass_shim_init() }) {
            registry::teardown();
            return Err(e);
        }
        pr_info!("loaded\n");
        Ok(StreamClass)
    }
}

impl Drop for StreamClass {
    fn drop(&mut self) {
        // SAFETY: Registered by `init`.
        unsafe { streamclass_shim_exit() };
        registry::teardown();
        // No buffer memory release queued by this module runs after it.
        crate::v4l2::KeptData::flush();
    }
}
