// SPDX-License-Identifier: GPL-2.0

//! A Rust minidriver-shaped consumer of streamclass that uses only its safe
//! Rust API (`streamclass::Registration`), imported as a crate. Its KUnit
//! suite runs at insmod, on a faux device.

use kernel::{
    device::{
        Bound,
        Device, //
    },
    faux,
    io::{
        io_project,
        Io, //
    },
    prelude::*, //
};

module! {
    type: RustConsumer,
    name: "streamclass_rust_consumer",
    authors: ["The streamclass developers"],
    description: "Test consumer of streamclass's safe Rust API",
    license: "GPL",
    imports_ns: ["STREAMCLASS"],
}

struct RustConsumer;

impl kernel::Module for RustConsumer {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(RustConsumer)
    }
}

/// The device extension of this consumer.
#[derive(Zeroable)]
struct Extension {
    frames: u64,
}

fn faux_with_mask(name: &CStr) -> Result<faux::Registration> {
    let f = faux::Registration::new(name, None)?;
    let dev: &Device<Bound> = f.as_ref().as_ref();
    // `Device` is a transparent wrapper of `struct device`.
    let raw: *mut kernel::bindings::device = core::ptr::from_ref(dev).cast_mut().cast();
    // A faux device has no DMA mask storage: point it at the coherent mask,
    // as `kunit_device_register()` does.
    // SAFETY: `raw` is the valid device of `f`, not used for DMA yet.
    unsafe { (*raw).dma_mask = core::ptr::addr_of_mut!((*raw).coherent_dma_mask) };
    Ok(f)
}

#[kunit_tests(streamclass_rust_consumer)]
mod tests {
    use super::*;

    #[test]
    fn register_use_and_drop() -> Result {
        let f = faux_with_mask(c"sc-rust-consumer")?;
        let dev: &Device<Bound> = f.as_ref().as_ref();
        let init = streamclass::Config {
            dma_buffer_size: 8192,
            dma_address_bits: 28,
            ..streamclass::Config::new()
        };
        let reg = streamclass::Registration::<Extension>::new(dev, &init)?;
        let r = reg.access(dev)?;
        assert_eq!(r.extension().frames, 0);
        let buf = r.dma_buffer().ok_or(ENOMEM)?;
        assert_eq!(buf.len(), 8192);
        assert!(buf.dma_address() + 8192 <= 1 << 28);
        assert_eq!(r.dma_address_at(100), Some((buf.dma_address() + 100, 8092)));
        // The buffer is the kernel's Coherent: its accessors are kernel::io's.
        let mut head = [0xffu8; 16];
        io_project!(buf, [try: 0..16]).copy_to_slice(&mut head);
        assert!(head.iter().all(|&b| b == 0));
        io_project!(buf, [try: 8000..8016]).copy_from_slice(&[0x5a; 16]);
        let mut tail = [0u8; 16];
        io_project!(buf, [try: 8000..8016]).copy_to_slice(&mut tail);
        assert_eq!(tail, [0x5a; 16]);
        assert!((|| -> Result {
            io_project!(buf, [try: 8190..8200]).copy_to_slice(&mut tail[..10]);
            Ok(())
        })()
        .is_err());
        // A second registration of the same device is refused.
        assert_eq!(
            streamclass::Registration::<Extension>::new(dev, &init).err(),
            Some(EBUSY)
        );
        drop(reg);
        // Once dropped, the device can be registered again.
        let again = streamclass::Registration::<Extension>::new(dev, &init)?;
        drop(again);
        Ok(())
    }

    #[test]
    fn unbind_revokes() -> Result {
        let f = faux_with_mask(c"sc-rust-unbind")?;
        let dev: &Device<Bound> = f.as_ref().as_ref();
        let init = streamclass::Config {
            dma_buffer_size: 4096,
            ..streamclass::Config::new()
        };
        let reg = streamclass::Registration::<Extension>::new(dev, &init)?;
        assert!(reg.try_access().is_some());
        drop(f);
        assert!(reg.try_access().is_none());
        Ok(())
    }
}
