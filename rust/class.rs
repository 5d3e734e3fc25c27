// SPDX-License-Identifier: GPL-2.0

//! streamclass: the Windows Stream class minidriver model on Linux.
//!
//! Minidriver modules describe themselves with [`InitData`] (the analogue of
//! `HW_INITIALIZATION_DATA`) and register their devices with the class driver.
//! The C ABI lives in `include/streamclass.h` and is exported, in the
//! `STREAMCLASS` namespace, by `streamclass_exports.c`.

use kernel::prelude::*;

pub mod init_data;

pub use init_data::InitData;

module! {
    type: StreamClass,
    name: "streamclass",
    authors: ["The streamclass developers"],
    description: "Stream class driver: the strmini.h minidriver model",
    license: "GPL",
}

/// The module's state.
struct StreamClass;

impl kernel::Module for StreamClass {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("streamclass: loaded\n");
        Ok(StreamClass)
    }
}
