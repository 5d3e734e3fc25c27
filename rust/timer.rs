// SPDX-License-Identifier: GPL-2.0

//! Timers of `StreamClassScheduleTimer` and the stream clock of
//! `StreamClassQueryMasterClockSync`.
//!
//! A device has one timer of its own and one per stream it may describe,
//! each a `struct hrtimer` in soft mode (its routine runs in softirq
//! context, as a DPC does), set up when the device is made, so scheduling
//! needs no memory and works from any context. Scheduling again replaces
//! the routine and the expiry; 0 microseconds cancels. What runs, and under
//! which lock, is the device's business: the timer hands the routine to
//! the device's `run` function with the device's address.
//!
//! A stream's clock is the monotonic time of its last step to RUN.

use core::{
    ffi::c_void,
    sync::atomic::{
        AtomicBool,
        AtomicI64,
        AtomicUsize,
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

use crate::priority::Routine;

/// Most microseconds a timer may be scheduled ahead (an hour).
pub(crate) const MAX_US: u64 = 3_600_000_000;

/// One timer of a device.
///
/// # Invariants
///
/// `timer` was set up with [`timer_fn`]. Once `closed` is set and
/// [`Timer::shutdown`] has returned, the timer is neither armed nor
/// running. `owner` is 0 or the address of the device that holds the
/// timer, which outlives it.
#[pin_data(PinnedDrop)]
pub(crate) struct Timer {
    #[pin]
    timer: Opaque<bindings::hrtimer>,
    owner: AtomicUsize,
    run: fn(*const c_void, Routine),
    closed: AtomicBool,
    #[pin]
    pending: SpinLockIrq<Option<Routine>>,
}

// SAFETY: The hrtimer may be armed and may run on any CPU; the routine is
// behind a lock.
unsafe impl Send for Timer {}
// SAFETY: As above.
unsafe impl Sync for Timer {}

impl Timer {
    /// A timer whose routines `run` runs with the owner's address.
    pub(crate) fn new(run: fn(*const c_void, Routine)) -> impl PinInit<Self> {
        pin_init!(Self {
            timer <- Opaque::ffi_init(|t: *mut bindings::hrtimer| {
                // SAFETY: `t` is valid for writing an hrtimer.
                unsafe {
                    bindings::hrtimer_setup(
                        t,
                        Some(timer_fn),
                        bindings::CLOCK_MONOTONIC as bindings::clockid_t,
                        bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT,
                    )
                };
            }),
            owner: AtomicUsize::new(0),
            run,
            closed: AtomicBool::new(false),
            pending <- new_spinlock_irq!(None),
        })
    }

    /// Notes the device that holds the timer (before it can be scheduled).
    pub(crate) fn set_owner(&self, owner: *const c_void) {
        // INVARIANT: The owner holds the timer and shuts it down before it
        // goes.
        self.owner.store(owner as usize, Ordering::Release);
    }

    /// Calls `r` in about `us` microseconds, replacing what was scheduled;
    /// `us == 0` cancels (without waiting for a routine already running).
    /// Any context. `ENODEV` once the timer is shut down, `EINVAL` beyond
    /// [`MAX_US`].
    pub(crate) fn schedule(&self, us: u64, r: Routine) -> Result {
        if us > MAX_US {
            return Err(EINVAL);
        }
        let mut pending = self.pending.lock();
        if self.closed.load(Ordering::Acquire) {
            return Err(ENODEV);
        }
        if us == 0 {
            *pending = None;
            // SAFETY: The hrtimer is set up (type invariant); trying to
            // cancel never waits.
            unsafe { bindings::hrtimer_try_to_cancel(self.timer.get()) };
            return Ok(());
        }
        *pending = Some(r);
        // SAFETY: As above; it lives until `shutdown` has cancelled it.
        unsafe {
            bindings::hrtimer_start_range_ns(
                self.timer.get(),
                (us * 1000) as bindings::ktime_t,
                0,
                bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT,
            )
        };
        Ok(())
    }

    /// Cancels what is scheduled and waits for a routine that is running;
    /// the timer may be scheduled again afterwards. Process context, not
    /// from the timer's own routine.
    pub(crate) fn cancel_sync(&self) {
        *self.pending.lock() = None;
        // SAFETY: The hrtimer is set up; it is cancelled (re-armed by a
        // running routine or not) and its callback waited for.
        unsafe { bindings::hrtimer_cancel(self.timer.get()) };
    }

    /// Refuses new schedules, cancels what is scheduled and waits for a
    /// running routine. Process context.
    pub(crate) fn shutdown(&self) {
        {
            let mut pending = self.pending.lock();
            self.closed.store(true, Ordering::Release);
            *pending = None;
        }
        // SAFETY: The hrtimer is set up; it cannot be armed again.
        unsafe { bindings::hrtimer_cancel(self.timer.get()) };
    }
}

#[pinned_drop]
impl PinnedDrop for Timer {
    fn drop(self: Pin<&mut Self>) {
        self.shutdown();
    }
}

/// The callback of every timer, in softirq context.
///
/// # Safety
///
/// `t` is the `timer` field of a live [`Timer`].
unsafe extern "C" fn timer_fn(t: *mut bindings::hrtimer) -> bindings::hrtimer_restart {
    let t = t.cast::<Opaque<bindings::hrtimer>>();
    // SAFETY: By the safety requirements, `t` is inside a live `Timer`.
    let timer = unsafe { &*kernel::container_of!(t, Timer, timer) };
    let routine = timer.pending.lock().take();
    let owner = timer.owner.load(Ordering::Acquire);
    if let (Some(r), true) = (routine, owner != 0) {
        (timer.run)(owner as *const c_void, r);
    }
    bindings::hrtimer_restart::HRTIMER_NORESTART
}

/// The clock of one stream: the monotonic time of its last step to RUN.
pub(crate) struct StreamClock(AtomicI64);

impl StreamClock {
    /// A clock that never ran.
    pub(crate) const fn new() -> Self {
        Self(AtomicI64::new(i64::MIN))
    }

    /// The stream steps to RUN now.
    pub(crate) fn start(&self) {
        self.0.store(now_ns(), Ordering::Release);
    }

    /// The stream left RUN.
    pub(crate) fn stop(&self) {
        self.0.store(i64::MIN, Ordering::Release);
    }

    /// The monotonic time of the stream's step to RUN; `None` when it is
    /// not running.
    pub(crate) fn since(&self) -> Option<i64> {
        let t0 = self.0.load(Ordering::Acquire);
        (t0 != i64::MIN).then_some(t0)
    }

    /// The stream's time in nanoseconds since its step to RUN; `None` when
    /// it is not running.
    pub(crate) fn ns(&self) -> Option<i64> {
        let t0 = self.0.load(Ordering::Acquire);
        (t0 != i64::MIN).then(|| now_ns().saturating_sub(t0).max(0))
    }
}

/// The monotonic clock in nanoseconds.
pub(crate) fn now_ns() -> i64 {
    // SAFETY: A C function of no precondition, any context.
    unsafe { bindings::ktime_get() }
}
