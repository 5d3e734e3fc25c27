// SPDX-License-Identifier: GPL-2.0

//! Every function C calls: the C ABI of `include/streamclass.h`, exported
//! by `streamclass_exports.c`, and the calls of the C shim and of the V4L2
//! glue (`streamclass_v4l2.h`). The only `#[no_mangle]` functions of the
//! module.
//!
//! Each function turns raw C arguments into checked Rust values and calls the
//! registry, the minidriver or the node; bad input is an errno, never a panic
//! or a WARN.

use core::{
    ffi::c_void,
    sync::atomic::Ordering, //
};
use kernel::{
    bindings,
    dma::DmaAddress,
    ffi::c_char,
    prelude::*, //
};

use crate::{
    hw_device::{
        HwDevice,
        Ops, //
    },
    init_data::InitData,
    minidriver::{
        BusMinidriver,
        MAX_IDS, //
    },
    priority::{
        Priority,
        Routine, //
    },
    registration::Header,
    registry,
    srb::{
        RawSrb,
        Request,
        REFUSED_NOTIFICATIONS, //
    },
    stream_info::Format,
    v4l2::{
        Node,
        V4l2Buffer, //
    }, //
};

/// `enum streamclass_buffer_type`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    not(CONFIG_KUNIT),
    expect(
        dead_code,
        reason = "mirrors the C enum; the data buffers come with streams"
    )
)]
pub(crate) enum BufferType {
    /// `STREAMCLASS_PER_REQUEST_EXTENSION`: an SRB's per-request extension.
    PerRequestExtension = 0,
    /// `STREAMCLASS_DMA_BUFFER`: the device's common DMA buffer.
    DmaBuffer = 1,
    /// `STREAMCLASS_SRB_DATA_BUFFER`: not implemented yet.
    SrbDataBuffer = 2,
}

extern "C" {
    /// Rate-limited warning about a handle that is not live (C shim).
    fn streamclass_warn_bad_handle(func: *const c_char, handle: *const c_void);
}

fn warn_bad_handle(func: &CStr, handle: *const c_void) {
    // SAFETY: `func` is a valid C string; the handle is only printed.
    unsafe { streamclass_warn_bad_handle(func.as_char_ptr(), handle) };
}

/// `streamclass_register_device()`.
///
/// # Safety
///
/// `dev` is NULL or a valid device bound to the caller's driver, which stays
/// bound while the call runs; `init` is NULL or points to at least
/// `(*init).size` readable bytes.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_register_device(
    dev: *mut bindings::device,
    init: *const InitData,
) -> *mut c_void {
    // SAFETY: Forwarded from this function's safety requirements, for `dev`
    // and for `init` (read in the closure, which is part of this block).
    let result = unsafe {
        registry::with_bound_device(dev, |dev| {
            let init = InitData::from_raw(init)?;
            registry::register(dev, &init)
        })
    };
    match result {
        Ok(handle) => handle as *mut c_void,
        Err(e) => e.to_ptr(),
    }
}

/// `streamclass_unregister_device()`: 0, or `-EINVAL` for a handle that is
/// not a live registration. Reads nothing from the handle.
#[no_mangle]
pub(crate) extern "C" fn streamclass_unregister_device(handle: *mut c_void) -> c_int {
    match registry::unregister(handle as usize) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_get_dma_buffer()`.
///
/// # Safety
///
/// `handle` is NULL or follows [`Header::with_live`]'s requirements: a freed
/// handle is a use-after-free.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_get_dma_buffer(handle: *mut c_void) -> *mut c_void {
    // SAFETY: Forwarded from this function's safety requirements.
    match unsafe { Header::with_live(handle, |hdr| hdr.dma_cpu()) } {
        Some(cpu) => cpu.cast(),
        None => {
            warn_bad_handle(c"get_dma_buffer", handle);
            core::ptr::null_mut()
        }
    }
}

/// `streamclass_get_physical_address()`.
///
/// # Safety
///
/// As for [`streamclass_get_dma_buffer`]; `srb` as for
/// [`streamclass_device_notification`]; `length` is NULL or writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_get_physical_address(
    handle: *mut c_void,
    srb: *mut RawSrb,
    va: *mut c_void,
    kind: u32,
    length: *mut u32,
) -> DmaAddress {
    // SAFETY: Forwarded from this function's safety requirements.
    let found = match unsafe { Header::with_live(handle, |hdr| hdr.dma_address_of(va)) } {
        None => {
            warn_bad_handle(c"get_physical_address", handle);
            None
        }
        Some(found) if kind == BufferType::DmaBuffer as u32 => found,
        Some(_) if kind == BufferType::PerRequestExtension as u32 => {
            // SAFETY: Forwarded from this function's safety requirements.
            match unsafe { Request::from_srb(srb) } {
                Some(req) => req.extension().bus_at(va),
                None => {
                    warn_bad_handle(c"get_physical_address", srb.cast());
                    None
                }
            }
        }
        Some(_) if kind == BufferType::SrbDataBuffer as u32 => {
            // SAFETY: Forwarded from this function's safety requirements.
            match unsafe { Request::from_srb(srb) } {
                Some(req) => req.data_bus_at(va),
                None => {
                    warn_bad_handle(c"get_physical_address", srb.cast());
                    None
                }
            }
        }
        Some(_) => None,
    };
    let (addr, len) = found.unwrap_or((0, 0));
    if !length.is_null() {
        // The buffer is at most `MAX_DMA_BUFFER_SIZE` bytes, so this fits.
        // SAFETY: `length` is writable by the safety requirements.
        unsafe { *length = u32::try_from(len).unwrap_or(u32::MAX) };
    }
    addr
}

/// `streamclass_nop()`: returns its argument. The baseline of `make bench`, a
/// bare call of an exported streamclass function.
#[no_mangle]
pub(crate) extern "C" fn streamclass_nop(handle: *mut c_void) -> *mut c_void {
    handle
}

/// `__streamclass_register_minidriver()`.
///
/// # Safety
///
/// `name` is NULL or a C string; `ids` is NULL or an array ending with an
/// all-zero entry; `init` as for [`streamclass_register_device`]; `owner` is
/// the caller's module, whose callbacks stay valid until it unregisters.
#[no_mangle]
pub(crate) unsafe extern "C" fn __streamclass_register_minidriver(
    name: *const c_char,
    ids: *const bindings::pci_device_id,
    init: *const InitData,
    owner: *mut bindings::module,
) -> *mut c_void {
    let result = (|| {
        if name.is_null() || ids.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: Forwarded from this function's safety requirements.
        let init = unsafe { InitData::from_raw(init) }?;
        if init.hw_receive_packet.is_none() {
            return Err(EINVAL);
        }
        // SAFETY: `name` is a C string by the safety requirements.
        let name = unsafe { CStr::from_char_ptr(name) };
        let mut n = 0;
        // SAFETY: The array ends with an all-zero entry; we read up to it, or
        // up to one past the most we take.
        while n <= MAX_IDS && unsafe { !is_terminator(&*ids.add(n)) } {
            n += 1;
        }
        // SAFETY: `n` entries were read above.
        let ids = unsafe { core::slice::from_raw_parts(ids, n) };
        let md = BusMinidriver::register(name, ids, &init, Ops::for_c(&init), owner)?;
        // SAFETY: Given to the caller until it unregisters; never moved.
        Ok(KBox::into_raw(unsafe { Pin::into_inner_unchecked(md) }))
    })();
    match result {
        Ok(md) => md.cast(),
        Err(e) => e.to_ptr(),
    }
}

/// `__streamclass_register_virtual_minidriver()`.
///
/// # Safety
///
/// `name` is NULL or a C string; `init` as for
/// [`streamclass_register_device`]; `owner` is the caller's module, whose
/// callbacks stay valid until it unregisters.
#[no_mangle]
pub(crate) unsafe extern "C" fn __streamclass_register_virtual_minidriver(
    name: *const c_char,
    devices: u32,
    init: *const InitData,
    owner: *mut bindings::module,
) -> *mut c_void {
    let result = (|| {
        if name.is_null() {
            return Err(EINVAL);
        }
        // SAFETY: Forwarded from this function's safety requirements.
        let init = unsafe { InitData::from_raw(init) }?;
        if init.hw_receive_packet.is_none() {
            return Err(EINVAL);
        }
        // SAFETY: `name` is a C string by the safety requirements.
        let name = unsafe { CStr::from_char_ptr(name) };
        let md = BusMinidriver::register_virtual(name, devices, &init, Ops::for_c(&init), owner)?;
        // SAFETY: Given to the caller until it unregisters; never moved.
        Ok(KBox::into_raw(unsafe { Pin::into_inner_unchecked(md) }))
    })();
    match result {
        Ok(md) => md.cast(),
        Err(e) => e.to_ptr(),
    }
}

fn is_terminator(id: &bindings::pci_device_id) -> bool {
    id.vendor == 0 && id.subvendor == 0 && id.class_mask == 0
}

/// `streamclass_unregister_minidriver()`.
///
/// # Safety
///
/// `md` is NULL, an `ERR_PTR()`, or what `__streamclass_register_minidriver`
/// or `__streamclass_register_virtual_minidriver` returned and was not
/// unregistered yet.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_unregister_minidriver(md: *mut c_void) {
    if md.is_null() || (md as usize) >= (-(bindings::MAX_ERRNO as isize)) as usize {
        return;
    }
    // SAFETY: Made by `KBox::into_raw` in registration, taken back once.
    drop(unsafe { KBox::from_raw(md.cast::<BusMinidriver>()) });
}

fn refuse(what: &CStr, srb: *mut RawSrb) {
    REFUSED_NOTIFICATIONS.fetch_add(1, Ordering::Relaxed);
    warn_bad_handle(what, srb.cast());
}

/// What a notification asks of an SRB.
enum Notification {
    /// The sender may go on with the next SRB (`READY_FOR_NEXT_*`).
    Ready,
    /// The SRB is done (`*_REQUEST_COMPLETE`).
    Complete,
    /// A type the function does not know.
    Unknown,
}

/// Carries out `what` for `srb`; refusals are warned about (prefixed with
/// `who`'s name) and counted.
///
/// # Safety
///
/// As for [`streamclass_device_notification`].
unsafe fn notify(who: Who, what: Notification, srb: *mut RawSrb) {
    // SAFETY: Forwarded from this function's safety requirements.
    let Some(req) = (unsafe { Request::from_srb(srb) }) else {
        refuse(who.no_live_srb, srb);
        return;
    };
    match what {
        Notification::Ready => req.ready(),
        Notification::Complete => {
            if !req.complete() {
                refuse(who.completed_twice, srb);
            }
        }
        Notification::Unknown => refuse(who.unknown_type, srb),
    }
}

/// The refusal messages of one notification function.
struct Who {
    no_live_srb: &'static CStr,
    completed_twice: &'static CStr,
    unknown_type: &'static CStr,
}

/// `streamclass_device_notification()`.
///
/// # Safety
///
/// `srb` is NULL or an SRB the class handed to the minidriver, whose device
/// is still bound: the class keeps the memory of its retired requests until
/// then, so a stale SRB is refused, not a use-after-free; an SRB of a device
/// that is gone is one, as on Windows.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_device_notification(
    kind: u32,
    _hw_device_extension: *mut c_void,
    srb: *mut RawSrb,
) {
    let what = match kind {
        READY_FOR_NEXT_DEVICE_REQUEST => Notification::Ready,
        DEVICE_REQUEST_COMPLETE => Notification::Complete,
        _ => Notification::Unknown,
    };
    let who = Who {
        no_live_srb: c"device_notification (no live SRB)",
        completed_twice: c"device_notification (completed twice)",
        unknown_type: c"device_notification (unknown type)",
    };
    // SAFETY: Forwarded from this function's safety requirements.
    unsafe { notify(who, what, srb) }
}

/// `streamclass_stream_notification()`: as
/// [`streamclass_device_notification`], for stream SRBs.
///
/// # Safety
///
/// As for [`streamclass_device_notification`].
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_stream_notification(
    kind: u32,
    _stream_object: *mut c_void,
    srb: *mut RawSrb,
) {
    let what = match kind {
        READY_FOR_NEXT_STREAM_DATA_REQUEST | READY_FOR_NEXT_STREAM_CONTROL_REQUEST => {
            Notification::Ready
        }
        STREAM_REQUEST_COMPLETE => Notification::Complete,
        _ => Notification::Unknown,
    };
    let who = Who {
        no_live_srb: c"stream_notification (no live SRB)",
        completed_twice: c"stream_notification (completed twice)",
        unknown_type: c"stream_notification (unknown type)",
    };
    // SAFETY: Forwarded from this function's safety requirements.
    unsafe { notify(who, what, srb) }
}

/// `STREAMCLASS_READY_FOR_NEXT_STREAM_DATA_REQUEST`.
const READY_FOR_NEXT_STREAM_DATA_REQUEST: u32 = 0;
/// `STREAMCLASS_READY_FOR_NEXT_STREAM_CONTROL_REQUEST`.
const READY_FOR_NEXT_STREAM_CONTROL_REQUEST: u32 = 1;
/// `STREAMCLASS_STREAM_REQUEST_COMPLETE`.
const STREAM_REQUEST_COMPLETE: u32 = 3;

/// `STREAMCLASS_READY_FOR_NEXT_DEVICE_REQUEST`.
pub(crate) const READY_FOR_NEXT_DEVICE_REQUEST: u32 = 0;
/// `STREAMCLASS_DEVICE_REQUEST_COMPLETE`.
pub(crate) const DEVICE_REQUEST_COMPLETE: u32 = 1;

/// `streamclass_schedule_timer()`.
///
/// # Safety
///
/// `hw_device_extension` is NULL or follows [`Header::with_live`]'s
/// requirements; `stream_object` is NULL or the object of an open stream
/// instance of that device; `routine` may be called with `context` in
/// softirq context until the timer is cancelled or the device removed.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_schedule_timer(
    stream_object: *mut c_void,
    hw_device_extension: *mut c_void,
    microseconds: u32,
    routine: Option<unsafe extern "C" fn(*mut c_void)>,
    context: *mut c_void,
) -> c_int {
    let Some(f) = routine else {
        return EINVAL.to_errno();
    };
    let stream = (!stream_object.is_null())
        // SAFETY: A live stream object by the safety requirements.
        .then(|| unsafe { crate::stream::stream_number_of(stream_object) } as usize);
    // SAFETY: Forwarded from this function's safety requirements.
    let scheduled = unsafe {
        HwDevice::with_handle(hw_device_extension, |hw| {
            hw.schedule_timer(stream, microseconds.into(), Routine::C(f, context))
        })
    };
    match scheduled {
        Some(Ok(())) => 0,
        Some(Err(e)) => e.to_errno(),
        None => {
            warn_bad_handle(c"schedule_timer", hw_device_extension);
            EINVAL.to_errno()
        }
    }
}

/// `streamclass_query_master_clock_sync()`.
///
/// # Safety
///
/// `hw_device_extension` is NULL or follows [`Header::with_live`]'s
/// requirements; `stream_object` is NULL or the object of an open stream
/// instance of that device; `time_ns` is NULL or valid for a write.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_query_master_clock_sync(
    stream_object: *mut c_void,
    hw_device_extension: *mut c_void,
    time_ns: *mut i64,
) -> c_int {
    if stream_object.is_null() || time_ns.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: A live stream object by the safety requirements.
    let stream = unsafe { crate::stream::stream_number_of(stream_object) } as usize;
    // SAFETY: Forwarded from this function's safety requirements.
    let t = unsafe { HwDevice::with_handle(hw_device_extension, |hw| hw.stream_time(stream)) };
    match t {
        Some(Some(ns)) => {
            // SAFETY: `time_ns` is valid for a write (safety requirements).
            unsafe { time_ns.write(ns) };
            0
        }
        Some(None) => ENODATA.to_errno(),
        None => {
            warn_bad_handle(c"query_master_clock_sync", hw_device_extension);
            EINVAL.to_errno()
        }
    }
}

/// `streamclass_call_at_new_priority()`.
///
/// # Safety
///
/// `hw_device_extension` is NULL or follows [`Header::with_live`]'s requirements;
/// `routine` may be called with `context` from the context the priority
/// names until the device is removed.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_call_at_new_priority(
    hw_device_extension: *mut c_void,
    priority: u32,
    routine: Option<unsafe extern "C" fn(*mut c_void)>,
    context: *mut c_void,
) -> c_int {
    let (Some(p), Some(f)) = (Priority::from_raw(priority), routine) else {
        return EINVAL.to_errno();
    };
    // SAFETY: Forwarded from this function's safety requirements.
    let called = unsafe {
        HwDevice::with_handle(hw_device_extension, |hw| {
            hw.call_at_new_priority(p, Routine::C(f, context))
        })
    };
    match called {
        Some(Ok(())) => 0,
        Some(Err(e)) => e.to_errno(),
        None => {
            warn_bad_handle(c"call_at_new_priority", hw_device_extension);
            EINVAL.to_errno()
        }
    }
}

/// `streamclass_check_init_data()`: validates `init` without registering.
///
/// # Safety
///
/// `init` is NULL or points to at least `(*init).size` readable bytes.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_check_init_data(init: *const InitData) -> c_int {
    // SAFETY: Forwarded from this function's safety requirements.
    match unsafe { InitData::from_raw(init) } {
        Ok(_) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Called by the C shim's module notifier when module `owner` is going away,
/// after its exit function ran: unregisters any minidriver it left
/// registered, while its callbacks are still in memory.
///
/// # Safety
///
/// `owner` is the module going away; called from the module notifier only.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_module_going(owner: *mut bindings::module) {
    while let Some(md) = registry::take_minidriver_of(owner as usize) {
        pr_warn!("a module unloaded without unregistering its minidriver; unregistering it\n");
        // Every noted minidriver was made by `KBox::pin_init` in `register`
        // and is live (its drop forgets it); its owner's exit has run, so this
        // is the last reference to it.
        // SAFETY: As above.
        let md = unsafe { KBox::from_raw(md as *mut BusMinidriver) };
        drop(md);
    }
}

// The V4L2 glue's calls into the Rust side (`streamclass_v4l2.h`).

/// Calls `f` with the node a C call names (borrowed for the call only).
///
/// # Safety
///
/// `ctx` is a registered node's, or one being registered (the C glue passes
/// back the `ctx` of its registration, and calls only until it is
/// unregistered; the node is whole before it registers).
unsafe fn with_node<R>(ctx: *mut c_void, f: impl FnOnce(&Node) -> R) -> R {
    // SAFETY: By the safety requirements, the node is live for the call.
    f(unsafe { &*ctx.cast::<Node>() })
}

/// `streamclass_v4l2_format()`: format `index`, `-EINVAL` past the last.
///
/// # Safety
///
/// As for [`with_node`]; `out` is writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_format(
    ctx: *mut c_void,
    index: u32,
    out: *mut Format,
) -> c_int {
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.format(index as usize)) } {
        Some(f) => {
            // SAFETY: Writable by the safety requirements.
            unsafe { out.write(f) };
            0
        }
        None => EINVAL.to_errno(),
    }
}

/// `streamclass_v4l2_try_format()`: the index of the format a request for
/// `*want` gets, which is written to `*want`.
///
/// # Safety
///
/// As for [`with_node`]; `want` is readable and writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_try_format(
    ctx: *mut c_void,
    want: *mut Format,
) -> c_int {
    // SAFETY: `want` is readable and writable by the safety requirements.
    let want = unsafe { &mut *want };
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.try_format(want)) } {
        Ok(i) => i as c_int,
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_v4l2_control()`: control `id` read from the device into
/// `value` (`set` false) or set to `value` (`set` true), by a device
/// property SRB; 0 or its errno.
///
/// # Safety
///
/// As for [`with_node`] (registration included: the node is whole before C
/// calls this); `value` is readable and writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_control(
    ctx: *mut c_void,
    id: u32,
    value: *mut i32,
    set: bool,
) -> c_int {
    // SAFETY: `value` is readable and writable by the safety requirements.
    let value = unsafe { &mut *value };
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.control(id, value, set)) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_v4l2_status()`: 0 and the minidriver's state and the data
/// SRBs outstanding while streaming, `-ENOENT` while not, or the errno of
/// `SRB_GET_STREAM_STATE`.
///
/// # Safety
///
/// As for [`with_node`]; `state` and `outstanding` are writable.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_status(
    ctx: *mut c_void,
    state: *mut u32,
    outstanding: *mut u32,
) -> c_int {
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.status()) } {
        Ok((st, n)) => {
            // SAFETY: Writable by the safety requirements.
            unsafe {
                state.write(st as u32);
                outstanding.write(n);
            }
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_v4l2_start()`.
///
/// # Safety
///
/// As for [`with_node`].
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_start(ctx: *mut c_void, format: u32) -> c_int {
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.start(format as usize)) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_v4l2_run()`.
///
/// # Safety
///
/// As for [`with_node`].
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_run(ctx: *mut c_void) -> c_int {
    // SAFETY: By the safety requirements.
    match unsafe { with_node(ctx, |n| n.run()) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `streamclass_v4l2_stop()`: every buffer queued goes back before it returns.
///
/// # Safety
///
/// As for [`with_node`].
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_stop(ctx: *mut c_void) {
    // SAFETY: By the safety requirements.
    unsafe { with_node(ctx, |n| n.stop()) }
}

/// `streamclass_v4l2_queue()`.
///
/// # Safety
///
/// As for [`with_node`]; `buf` is a queued buffer, valid until handed back.
#[no_mangle]
pub(crate) unsafe extern "C" fn streamclass_v4l2_queue(
    ctx: *mut c_void,
    buf: *mut V4l2Buffer,
) -> c_int {
    // SAFETY: By the safety requirements; `buf` is valid until handed back.
    match unsafe { with_node(ctx, |n| n.queue(buf)) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
