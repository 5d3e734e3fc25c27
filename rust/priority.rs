// SPDX-License-Identifier: GPL-2.0

//! Deferred work of `StreamClassCallAtNewPriority`: one slot per device and
//! deferred level, each a `struct work_struct` on a system workqueue.
//!
//! The work item is raw rather than a `kernel::workqueue::Work`: in 7.3 a
//! `Work` is queued by handing the queue an `Arc`, a `Pin<KBox>` or an
//! `ARef` of its owner (a reference or an allocation per call, where a slot
//! is a field of the device, queued from any context with no memory), and the
//! crate has no cancel: [`Slot::shutdown`] must wait for a routine that is
//! running (`cancel_work_sync()`) before the device goes.
//!
//! `Dispatch` runs in BH context (`system_bh_wq`), `Low` in process context
//! (`system_wq`). What runs, and under which lock, is the device's business:
//! the slot hands the routine to the device's `run` function.

use core::{
    ffi::c_void,
    sync::atomic::{
        AtomicBool,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    new_spinlock_irq,
    prelude::*,
    sync::SpinLockIrq,
    types::Opaque, //
};

/// `enum streamclass_priority` (strmini.h's `STREAM_PRIORITY`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    /// `High`: now, synchronized with the interrupt (under the device's lock
    /// when the minidriver asked for synchronization).
    High = 0,
    /// `Dispatch`: soon, in BH (softirq) context, synchronized as `High`.
    Dispatch = 1,
    /// `Low`: in process context, may sleep, never synchronized.
    Low = 2,
}

impl Priority {
    /// The priority of a C value, or `None`.
    pub(crate) fn from_raw(v: u32) -> Option<Self> {
        [Self::High, Self::Dispatch, Self::Low]
            .into_iter()
            .find(|p| *p as u32 == v)
    }
}

/// What a slot runs: a C routine with its context, or a Rust one (a
/// monomorphised trampoline and its argument).
#[derive(Clone, Copy)]
pub(crate) enum Routine {
    /// `void (*routine)(void *context)`.
    C(unsafe extern "C" fn(*mut c_void), *mut c_void),
    /// A Rust minidriver's routine, called through its trampoline.
    Rust(fn(*const c_void, usize), usize),
}

// SAFETY: The minidriver hands its routine and context over to be called
// from another context; that is the contract of the call.
unsafe impl Send for Routine {}

/// One deferred level of a device.
///
/// # Invariants
///
/// `work` was initialised with [`work_fn`]; once `closed` is set and
/// [`Slot::shutdown`] has returned, the work is neither queued nor running.
#[pin_data(PinnedDrop)]
pub(crate) struct Slot {
    #[pin]
    work: Opaque<bindings::work_struct>,
    level: Priority,
    run: fn(&Slot, Routine),
    closed: AtomicBool,
    #[pin]
    pending: SpinLockIrq<Option<Routine>>,
}

// SAFETY: The work item may be queued and run on any CPU; the routine is
// behind a lock.
unsafe impl Send for Slot {}
// SAFETY: As above.
unsafe impl Sync for Slot {}

impl Slot {
    /// A slot of `level` (`Dispatch` or `Low`) whose routines `run` runs.
    pub(crate) fn new(level: Priority, run: fn(&Slot, Routine)) -> impl PinInit<Self> {
        pin_init!(Self {
            work <- Opaque::ffi_init(|w: *mut bindings::work_struct| {
                // One lock class per level: Dispatch work runs in a softirq,
                // Low work in a process, and lockdep must not take one
                // class for both.
                let (name, key) = match level {
                    Priority::Dispatch => (c"streamclass_dispatch", kernel::static_lock_class!()),
                    _ => (c"streamclass_low", kernel::static_lock_class!()),
                };
                // SAFETY: `w` is valid for writing a work item; the name and
                // key are static.
                unsafe {
                    bindings::init_work_with_key(
                        w,
                        Some(work_fn),
                        false,
                        name.as_char_ptr(),
                        key.as_ptr(),
                    )
                };
            }),
            level,
            run,
            closed: AtomicBool::new(false),
            pending <- new_spinlock_irq!(None),
        })
    }

    /// The slot's level.
    pub(crate) fn level(&self) -> Priority {
        self.level
    }

    /// Queues `r`; any context. `EBUSY` while an earlier one is pending (one
    /// at a time, as in stream.sys), `ENODEV` once the device is going.
    pub(crate) fn queue(&self, r: Routine) -> Result {
        let mut pending = self.pending.lock();
        if self.closed.load(Ordering::Acquire) {
            return Err(ENODEV);
        }
        if pending.is_some() {
            return Err(EBUSY);
        }
        *pending = Some(r);
        let wq = match self.level {
            // SAFETY: A system workqueue, which lives as long as the kernel.
            Priority::Dispatch => unsafe { bindings::system_bh_wq },
            // SAFETY: As above.
            _ => unsafe { bindings::system_wq },
        };
        // SAFETY: The work item is initialised (type invariant) and lives
        // until `shutdown` has cancelled it.
        unsafe {
            bindings::queue_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                wq,
                self.work.get(),
            )
        };
        Ok(())
    }

    /// Refuses new routines, drops a pending one and waits for a running one.
    /// Process context.
    pub(crate) fn shutdown(&self) {
        {
            let mut pending = self.pending.lock();
            self.closed.store(true, Ordering::Release);
            *pending = None;
        }
        // SAFETY: The work item is initialised; it cannot be queued again.
        unsafe { bindings::cancel_work_sync(self.work.get()) };
    }
}

#[pinned_drop]
impl PinnedDrop for Slot {
    fn drop(self: Pin<&mut Self>) {
        self.shutdown();
    }
}

/// The work function of every slot.
///
/// # Safety
///
/// `work` is the `work` field of a live [`Slot`].
unsafe extern "C" fn work_fn(work: *mut bindings::work_struct) {
    let work = work.cast::<Opaque<bindings::work_struct>>();
    // SAFETY: By the safety requirements, `work` is inside a live `Slot`.
    let slot = unsafe { &*kernel::container_of!(work, Slot, work) };
    let routine = slot.pending.lock().take();
    if let Some(r) = routine {
        (slot.run)(slot, r);
    }
}
