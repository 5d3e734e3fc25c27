// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of registration, lookup and teardown, on faux devices, and of
//! the minidriver registration of the C ABI.
//!
//! A faux device has no DMA mask storage; `faux()` points `dma_mask` at
//! `coherent_dma_mask` as `kunit_device_register()` does, unless asked not to
//! (the -EIO case).

use core::{
    ffi::c_void,
    ptr, //
};
use kernel::{
    device::{
        Bound,
        Device, //
    },
    error::from_err_ptr,
    faux,
    page::PAGE_SIZE,
    prelude::*, //
};

use crate::{
    ffi::*,
    init_data::*,
    registration::{
        raw,
        HEADER_SIZE, //
    },
    registry, //
};

fn faux(name: &CStr, mask_storage: bool) -> Result<faux::Registration> {
    let f = faux::Registration::new(name, None)?;
    if mask_storage {
        let d = raw(dev(&f));
        // SAFETY: `d` is the valid device of `f`, not yet used for DMA.
        unsafe { (*d).dma_mask = ptr::addr_of_mut!((*d).coherent_dma_mask) };
    }
    Ok(f)
}

fn dev(f: &faux::Registration) -> &Device<Bound> {
    f.as_ref().as_ref()
}

fn init(ext: u32, buf: u32) -> InitData {
    let mut i = InitData::new();
    i.device_extension_size = ext;
    i.dma_buffer_size = buf;
    i
}

fn register(f: &faux::Registration, init: &InitData) -> Result<*mut c_void> {
    // SAFETY: `f` is a live, bound faux device; `init` is a whole `InitData`.
    from_err_ptr(unsafe { streamclass_register_device(raw(dev(f)), init) })
}

fn errno(r: Result<*mut c_void>) -> c_int {
    match r {
        Ok(_) => 0,
        Err(e) => e.to_errno(),
    }
}

fn buffer(h: *mut c_void) -> *mut u8 {
    // SAFETY: `h` is a live handle of the test.
    unsafe { streamclass_get_dma_buffer(h) }.cast()
}

fn phys(h: *mut c_void, va: *mut u8) -> (u64, u32) {
    phys_of(h, va, BufferType::DmaBuffer)
}

fn phys_of(h: *mut c_void, va: *mut u8, kind: BufferType) -> (u64, u32) {
    let mut len = 0xdead;
    // SAFETY: `h` is a live handle of the test or NULL; `len` is writable.
    let a = unsafe {
        streamclass_get_physical_address(h, ptr::null_mut(), va.cast(), kind as u32, &mut len)
    };
    (a, len)
}

/// Sets the current task's `fail-nth` counter: its `n`th fault-injection
/// point from now fails (failslab, fail_page_alloc...), as writing
/// `/proc/self/fail-nth` does.
#[cfg(CONFIG_FAULT_INJECTION)]
fn set_fail_nth(n: u32) {
    let task = kernel::current!();
    // SAFETY: The current task is valid and only it reads its own `fail_nth`.
    unsafe { (*task.as_ptr()).fail_nth = n };
}

/// What is left of the counter: 0 once the injected failure happened.
#[cfg(CONFIG_FAULT_INJECTION)]
fn fail_nth() -> u32 {
    let task = kernel::current!();
    // SAFETY: As for `set_fail_nth`.
    unsafe { (*task.as_ptr()).fail_nth }
}

#[kunit_tests(streamclass_core)]
mod tests {
    use super::*;

    #[test]
    fn buffer_page_aligned_zeroed_writable_below_mask() -> Result {
        let f = faux(c"sc-buffer", true)?;
        let len = 3 * PAGE_SIZE + 100;
        // 28 bits (256 MiB), as edu's: the guest has more memory than that,
        // so a buffer allocated without regard to the mask could lie above.
        let mut i = init(64, len as u32);
        i.dma_address_bits = 28;
        let h = register(&f, &i)?;
        let buf = buffer(h);
        assert!(!buf.is_null());
        assert_eq!(buf as usize % PAGE_SIZE, 0);
        // SAFETY: The buffer is `len` bytes and no device uses it.
        let s = unsafe { core::slice::from_raw_parts_mut(buf, len) };
        assert!(s.iter().all(|&b| b == 0));
        for (i, b) in s.iter_mut().enumerate() {
            *b = (i % 251) as u8;
        }
        assert!(s.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        let (dma, n) = phys(h, buf);
        assert_eq!(n as usize, len);
        // SAFETY: `f`'s device is valid.
        let mask = unsafe { (*raw(dev(&f))).coherent_dma_mask };
        assert_eq!(mask, (1u64 << 28) - 1);
        assert!(dma
            .checked_add(len as u64 - 1)
            .is_some_and(|end| end <= mask));
        assert_eq!(streamclass_unregister_device(h), 0);
        Ok(())
    }

    #[test]
    fn extension_zeroed_sized_aligned() -> Result {
        let f = faux(c"sc-ext", true)?;
        let h = register(&f, &init(200, 0))?;
        assert_eq!(h as usize % 8, 0);
        // SAFETY: The extension is 200 bytes and ours.
        let ext = unsafe { core::slice::from_raw_parts_mut(h.cast::<u8>(), 200) };
        assert!(ext.iter().all(|&b| b == 0));
        ext.fill(0xa5);
        assert!(buffer(h).is_null());
        assert_eq!(streamclass_unregister_device(h), 0);
        Ok(())
    }

    #[test]
    fn zero_sized_extension_and_buffer() -> Result {
        let f = faux(c"sc-zero", true)?;
        let h = register(&f, &init(0, 0))?;
        assert!(buffer(h).is_null());
        assert_eq!(phys(h, ptr::null_mut()), (0, 0));
        assert_eq!(streamclass_unregister_device(h), 0);
        Ok(())
    }

    #[test]
    fn dma_24_and_28_bit_limits() -> Result {
        for (flag, bits, limit) in [(1u8, 0u8, 1u64 << 24), (0, 28, 1 << 28), (0, 24, 1 << 24)] {
            let f = faux(c"sc-mask", true)?;
            let mut i = init(16, 2 * PAGE_SIZE as u32);
            i.dma_24bit_addresses = flag;
            i.dma_address_bits = bits;
            let h = register(&f, &i)?;
            let (dma, n) = phys(h, buffer(h));
            assert!(dma + u64::from(n) <= limit);
            // SAFETY: `f`'s device is valid.
            let mask = unsafe { (*raw(dev(&f))).coherent_dma_mask };
            assert_eq!(mask, limit - 1);
            assert_eq!(streamclass_unregister_device(h), 0);
        }
        Ok(())
    }

    #[test]
    fn physical_address_arithmetic() -> Result {
        let f = faux(c"sc-phys", true)?;
        let len = 2 * PAGE_SIZE;
        let h = register(&f, &init(8, len as u32))?;
        let buf = buffer(h);
        let (base, n) = phys(h, buf);
        assert_eq!(n as usize, len);
        assert_ne!(base, 0);
        let mid = len / 2 + 3;
        assert_eq!(
            phys(h, buf.wrapping_add(mid)),
            (base + mid as u64, (len - mid) as u32)
        );
        assert_eq!(
            phys(h, buf.wrapping_add(len - 1)),
            (base + len as u64 - 1, 1)
        );
        assert_eq!(phys(h, buf.wrapping_add(len)), (0, 0));
        assert_eq!(phys(h, buf.wrapping_sub(1)), (0, 0));
        assert_eq!(phys_of(h, buf, BufferType::SrbDataBuffer), (0, 0));
        assert_eq!(phys_of(h, buf, BufferType::PerRequestExtension), (0, 0));
        assert_eq!(streamclass_unregister_device(h), 0);
        Ok(())
    }

    #[test]
    fn bad_input_gets_errno_and_nothing_is_lost() -> Result {
        let f = faux(c"sc-bad", true)?;
        let good = init(32, PAGE_SIZE as u32);
        // SAFETY: NULL device is allowed.
        let r = unsafe { streamclass_register_device(ptr::null_mut(), &good) };
        assert_eq!(errno(from_err_ptr(r)), EINVAL.to_errno());
        // SAFETY: NULL init is allowed.
        let r = unsafe { streamclass_register_device(raw(dev(&f)), ptr::null()) };
        assert_eq!(errno(from_err_ptr(r)), EINVAL.to_errno());
        let mut i = good;
        i.size = INIT_DATA_SIZE_VER0 - 4;
        assert_eq!(errno(register(&f, &i)), EINVAL.to_errno());
        let mut i = good;
        i.device_extension_size = MAX_DEVICE_EXTENSION_SIZE + 1;
        assert_eq!(errno(register(&f, &i)), E2BIG.to_errno());
        let mut i = good;
        i.dma_buffer_size = u32::MAX;
        assert_eq!(errno(register(&f, &i)), E2BIG.to_errno());
        let mut i = good;
        i.buffer_alignment = 24;
        assert_eq!(errno(register(&f, &i)), EINVAL.to_errno());
        let mut i = good;
        i.dma_24bit_addresses = 1;
        i.dma_address_bits = 32;
        assert_eq!(errno(register(&f, &i)), EINVAL.to_errno());
        assert_eq!(registry::count(), 0);

        let h = register(&f, &good)?;
        assert_eq!(errno(register(&f, &good)), EBUSY.to_errno());
        assert_eq!(registry::count(), 1);
        assert_eq!(streamclass_unregister_device(h), 0);
        assert_eq!(streamclass_unregister_device(h), EINVAL.to_errno());
        assert_eq!(
            streamclass_unregister_device(ptr::null_mut()),
            EINVAL.to_errno()
        );
        assert_eq!(registry::count(), 0);

        // A pointer into readable memory that is no registration.
        let bogus = KBox::new([0u64; 64], GFP_KERNEL)?;
        let fake = bogus
            .as_ptr()
            .wrapping_add(HEADER_SIZE / 8)
            .cast_mut()
            .cast::<c_void>();
        assert_eq!(streamclass_unregister_device(fake), EINVAL.to_errno());
        assert!(buffer(fake).is_null());
        assert_eq!(phys(fake, ptr::null_mut()), (0, 0));
        assert!(buffer(ptr::null_mut()).is_null());
        assert_eq!(phys(ptr::null_mut(), ptr::null_mut()), (0, 0));
        Ok(())
    }

    #[test]
    fn device_without_mask_storage_is_eio() -> Result {
        let f = faux(c"sc-nomask", false)?;
        assert_eq!(errno(register(&f, &init(8, 4096))), EIO.to_errno());
        assert_eq!(registry::count(), 0);
        Ok(())
    }

    /// Fails each fault-injection point of a registration in turn. Every
    /// failed registration is -ENOMEM and leaves nothing registered (the rig's
    /// kmemleak scan and DMA-API debug count check the memory); a failure in
    /// debugfs is absorbed (debugfs is best effort). The points of other
    /// subsystems (kmemleak, KASAN's stack depot) come and go between runs,
    /// so sweeps repeat until the block and the registry's slot have each
    /// failed once (the index is emptied of memory before each attempt, so
    /// that its slot is allocated).
    ///
    /// The sweeps register without a DMA buffer. With one, a sweep that
    /// steps past the buffer's allocation (points before it vanish between
    /// attempts) fails DMA-API debug's own bookkeeping ("cacheline tracking
    /// ENOMEM"), which then turns itself off for the rest of the boot: that
    /// happened here in 1 boot of 5 even with sweeps that stop at the
    /// buffer's first failure. The buffer is the first allocation of a
    /// registration, so its failure has nothing to unwind, and on a later
    /// failure it is an owned `Coherent` dropped on the error path; the
    /// probe fault points (`srb` scenario) fail a whole registration in a
    /// real bind. Needs the guest to let failslab and fail_page_alloc fail
    /// sleeping and order-0 allocations (the rig's /init sets that up).
    #[cfg(CONFIG_FAULT_INJECTION)]
    #[test]
    fn every_allocation_failure_is_enomem_and_frees_all() -> Result {
        use crate::registration::{
            Site,
            FAILED_SITES, //
        };
        use core::sync::atomic::Ordering::Relaxed;
        let f = faux(c"sc-fault", true)?;
        let (mut failed, mut absorbed, mut seen) = (0, 0, 0);
        // One attempt with the nth point failing: the sites that failed, or
        // `None` when the registration got past its nth point.
        let mut attempt = |n: u32| -> Option<u32> {
            FAILED_SITES.store(0, Relaxed);
            registry::free_empty_index();
            set_fail_nth(n);
            let r = register(&f, &init(64, 0));
            let injected = fail_nth() == 0;
            set_fail_nth(0);
            match r {
                Err(e) => {
                    assert!(injected);
                    assert_eq!(e, ENOMEM);
                    assert_eq!(registry::count(), 0);
                    let sites = FAILED_SITES.load(Relaxed);
                    assert_ne!(sites, 0);
                    failed += 1;
                    Some(sites)
                }
                Ok(h) => {
                    assert_eq!(streamclass_unregister_device(h), 0);
                    absorbed += u32::from(injected);
                    injected.then_some(0)
                }
            }
        };
        let want = Site::Block as u32 | Site::Slot as u32;
        for _sweep in 0..5 {
            let mut n = 1;
            while let Some(sites) = attempt(n) {
                seen |= sites;
                n += 1;
                assert!(n < 1000);
            }
            if seen & want == want {
                break;
            }
        }
        pr_info!(
            "fault injection: {failed} failures gave -ENOMEM (sites {seen:#x}), {absorbed} were absorbed\n"
        );
        assert_eq!(seen & want, want);
        Ok(())
    }

    #[test]
    fn thousand_cycles() -> Result {
        let f = faux(c"sc-cycles", true)?;
        for _ in 0..1000 {
            let h = register(&f, &init(128, PAGE_SIZE as u32))?;
            assert_eq!(streamclass_unregister_device(h), 0);
        }
        assert_eq!(registry::count(), 0);
        Ok(())
    }

    #[test]
    fn two_devices_distinct_buffers() -> Result {
        let f1 = faux(c"sc-two-1", true)?;
        let f2 = faux(c"sc-two-2", true)?;
        let h1 = register(&f1, &init(16, PAGE_SIZE as u32))?;
        let h2 = register(&f2, &init(16, PAGE_SIZE as u32))?;
        assert_ne!(h1, h2);
        let (b1, b2) = (buffer(h1), buffer(h2));
        assert!(!b1.is_null() && !b2.is_null() && b1 != b2);
        assert_ne!(phys(h1, b1).0, phys(h2, b2).0);
        assert_eq!(registry::count(), 2);
        assert_eq!(streamclass_unregister_device(h2), 0);
        assert_eq!(streamclass_unregister_device(h1), 0);
        Ok(())
    }

    #[test]
    fn unbind_frees_the_registration() -> Result {
        let f = faux(c"sc-unbind", true)?;
        let h = register(&f, &init(16, PAGE_SIZE as u32))?;
        assert_eq!(registry::count(), 1);
        drop(f);
        assert_eq!(registry::count(), 0);
        assert_eq!(streamclass_unregister_device(h), EINVAL.to_errno());
        Ok(())
    }

    #[test]
    fn rust_api_typed_extension_and_buffer() -> Result {
        #[derive(Zeroable)]
        struct Ext {
            frames: u32,
            id: u64,
        }
        let f = faux(c"sc-rust", true)?;
        let i = crate::Config {
            dma_buffer_size: PAGE_SIZE as u32,
            dma_address_bits: 32,
            ..crate::Config::new()
        };
        let reg = crate::Registration::<Ext>::new(dev(&f), &i)?;
        let r = reg.access(dev(&f))?;
        assert_eq!(r.extension().id, 0);
        assert_eq!(r.extension().frames, 0);
        let buf = r.dma_buffer().ok_or(ENOMEM)?;
        assert_eq!(buf.len(), PAGE_SIZE);
        assert!(buf.dma_address() + PAGE_SIZE as u64 <= 1 << 32);
        assert_eq!(r.dma_address_at(PAGE_SIZE), None);
        assert_eq!(
            r.dma_address_at(8),
            Some((buf.dma_address() + 8, PAGE_SIZE - 8))
        );
        assert_eq!(registry::count(), 1);
        drop(reg);
        assert_eq!(registry::count(), 0);
        Ok(())
    }
}

/// The minidriver registration of the C ABI
/// (`streamclass_register_minidriver()` and friends), on IDs no device has.
#[kunit_tests(streamclass_minidriver)]
mod minidriver_tests {
    use crate::ffi::{
        __streamclass_register_minidriver as register_c,
        streamclass_device_notification,
        streamclass_unregister_minidriver,
        DEVICE_REQUEST_COMPLETE, //
    };
    use crate::init_data::InitData;
    use crate::srb::{
        RawSrb,
        Request,
        REFUSED_NOTIFICATIONS, //
    };
    use core::{
        ffi::{
            c_int,
            c_void, //
        },
        sync::atomic::Ordering, //
    };
    use kernel::{
        bindings,
        error::from_err_ptr,
        prelude::*, //
    };

    /// A receive-packet callback that is never called (no device matches).
    ///
    /// # Safety
    ///
    /// None: it does nothing.
    unsafe extern "C" fn receive(_srb: *mut RawSrb) {}

    /// An ID no device has: the driver registers and binds nothing.
    fn ids() -> [bindings::pci_device_id; 2] {
        // SAFETY: All-zero IDs are valid (the second is the terminator).
        let mut ids: [bindings::pci_device_id; 2] = unsafe { core::mem::zeroed() };
        ids[0].vendor = 0x1234;
        ids[0].device = 0xdead;
        ids[0].subvendor = !0;
        ids[0].subdevice = !0;
        ids
    }

    fn init() -> InitData {
        let mut init = InitData::new();
        init.hw_receive_packet = Some(receive);
        init
    }

    fn errno(name: &CStr, ids: *const bindings::pci_device_id, init: &InitData) -> c_int {
        // SAFETY: Valid or NULL arguments; the owner is this module.
        let md = unsafe { register_c(name.as_char_ptr(), ids, init, core::ptr::null_mut()) };
        match from_err_ptr(md) {
            Ok(md) => {
                // SAFETY: Registered just above.
                unsafe { streamclass_unregister_minidriver(md) };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    #[test]
    fn registers_and_unregisters() {
        let ids = ids();
        assert_eq!(errno(c"sc_kunit_md", ids.as_ptr(), &init()), 0);
        // The name is free again.
        assert_eq!(errno(c"sc_kunit_md", ids.as_ptr(), &init()), 0);
    }

    #[test]
    fn bad_arguments_are_errnos() {
        let ids = ids();
        let einval = EINVAL.to_errno();
        // SAFETY: NULL name.
        let md = unsafe {
            register_c(
                core::ptr::null(),
                ids.as_ptr(),
                &init(),
                core::ptr::null_mut(),
            )
        };
        assert_eq!(from_err_ptr(md).err().map(|e| e.to_errno()), Some(einval));
        assert_eq!(errno(c"sc_kunit_md", core::ptr::null(), &init()), einval);
        assert_eq!(errno(c"sc_kunit_md", ids[1..].as_ptr(), &init()), einval);
        assert_eq!(errno(c"", ids.as_ptr(), &init()), einval);
        assert_eq!(
            errno(c"sc_kunit_md", ids.as_ptr(), &InitData::new()),
            einval
        );
        let mut big = init();
        big.dma_buffer_size = u32::MAX;
        assert_eq!(errno(c"sc_kunit_md", ids.as_ptr(), &big), E2BIG.to_errno());
    }

    /// Registers `sc_kunit_md` for `ids`; the caller unregisters it.
    fn register_test_md(ids: &[bindings::pci_device_id; 2]) -> *mut c_void {
        // SAFETY: Valid arguments; the owner is this module.
        unsafe {
            register_c(
                c"sc_kunit_md".as_char_ptr(),
                ids.as_ptr(),
                &init(),
                core::ptr::null_mut(),
            )
        }
    }

    #[test]
    fn a_taken_name_is_ebusy() {
        let ids = ids();
        let md = register_test_md(&ids);
        assert!(from_err_ptr(md).is_ok());
        assert_eq!(
            errno(c"sc_kunit_md", ids.as_ptr(), &init()),
            EBUSY.to_errno()
        );
        // SAFETY: Registered above.
        unsafe { streamclass_unregister_minidriver(md) };
    }

    #[test]
    fn unregister_and_notify_ignore_bad_pointers() {
        let ids = ids();
        let md = register_test_md(&ids);
        assert!(from_err_ptr(md).is_ok());
        // SAFETY: NULL and ERR_PTR() are documented no-ops.
        unsafe {
            streamclass_unregister_minidriver(core::ptr::null_mut());
            streamclass_unregister_minidriver(ENOMEM.to_ptr());
        }
        // Nothing was unregistered: the name is still taken.
        assert_eq!(
            errno(c"sc_kunit_md", ids.as_ptr(), &init()),
            EBUSY.to_errno()
        );
        // SAFETY: Registered above.
        unsafe { streamclass_unregister_minidriver(md) };

        // A NULL SRB, and one the class retired (armed, then retired
        // before any completion), are refused and counted, and complete
        // nothing: the retired one stays not completed.
        let before = REFUSED_NOTIFICATIONS.load(Ordering::Relaxed);
        let idle = crate::extension::Extension::plain(0).and_then(Request::new);
        assert!(idle.is_ok());
        if let Ok(r) = idle.as_ref() {
            r.arm(&crate::srb::Params {
                command: crate::srb::Command::ReadData,
                hw_device_extension: core::ptr::null_mut(),
                command_data: crate::srb::CommandArg::Raw(core::ptr::null_mut()),
                frame_number: 0,
                timeout_s: 0,
                stream_object: core::ptr::null_mut(),
                data: None,
                done: None,
            });
            r.retire();
        }
        let idle_srb = idle.as_ref().map_or(core::ptr::null_mut(), |r| r.srb_ptr());
        assert!(idle.as_ref().is_ok_and(|r| !r.is_complete()));
        // SAFETY: NULL is refused; `idle_srb` is a live request's SRB.
        unsafe {
            streamclass_device_notification(
                DEVICE_REQUEST_COMPLETE,
                core::ptr::null_mut(),
                core::ptr::null_mut(),
            );
            streamclass_device_notification(
                DEVICE_REQUEST_COMPLETE,
                core::ptr::null_mut(),
                idle_srb,
            );
        }
        assert_eq!(REFUSED_NOTIFICATIONS.load(Ordering::Relaxed) - before, 2);
        // the retired request was completed by a refused notification.
        assert!(idle.is_ok_and(|r| !r.is_complete()));
    }
}
