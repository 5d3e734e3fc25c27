// SPDX-License-Identifier: GPL-2.0

//! Timers of `StreamClassScheduleTimer` and the stream clock of
//! `StreamClassQueryMasterClockSync`.
//!
//! A device has one timer of its own and one per stream it may describe,
//! each a [`kernel::time::hrtimer::HrTimer`] in soft mode (its routine runs in
//! softirq context, as a DPC does), set up when the device is made, so
//! scheduling needs no memory and works from any context. Scheduling again
//! replaces the routine and the expiry; 0 microseconds cancels. What runs, and
//! under which lock, is the device's business: the timer hands the routine to
//! the device's `run` function with the device's address.
//!
//! The kernel crate sets the timer up, starts it and calls it back; its two
//! cancels stay raw `bindings` calls here. `kernel::time::hrtimer` has no
//! cancel that does not wait (`hrtimer_try_to_cancel()`, which
//! `StreamClassScheduleTimer(0)` needs from the minidriver's interrupt
//! routine), and its waiting cancel is a method of the handle `start`
//! returns, which borrows the timer: a device cannot keep that handle beside
//! the timer it borrows, and the device's `shutdown` needs to cancel a timer
//! any context may have started.
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
    impl_has_hr_timer,
    new_spinlock_irq,
    prelude::*,
    sync::SpinLockIrq,
    time::{
        hrtimer::{
            HasHrTimer,
            HrTimer,
            HrTimerCallback,
            HrTimerCallbackContext,
            HrTimerRestart,
            RelativeSoftMode, //
        },
        ClockSource,
        Delta,
        Monotonic, //
    }, //
};

use crate::priority::Routine;

/// Most microseconds a timer may be scheduled ahead (an hour).
pub(crate) const MAX_US: u64 = 3_600_000_000;

/// One timer of a device.
///
/// # Invariants
///
/// Once `closed` is set and [`Timer::shutdown`] has returned, the timer is
/// neither armed nor running. `owner` is 0 or the address of the device that
/// holds the timer, which outlives it.
#[pin_data(PinnedDrop)]
pub(crate) struct Timer {
    #[pin]
    timer: HrTimer<Timer>,
    owner: AtomicUsize,
    run: fn(*const c_void, Routine),
    closed: AtomicBool,
    #[pin]
    pending: SpinLockIrq<Option<Routine>>,
}

impl_has_hr_timer! {
    impl HasHrTimer<Self> for Timer {
        mode: RelativeSoftMode<Monotonic>, field: self.timer
    }
}

impl Timer {
    /// A timer whose routines `run` runs with the owner's address.
    pub(crate) fn new(run: fn(*const c_void, Routine)) -> impl PinInit<Self> {
        pin_init!(Self {
            timer <- HrTimer::new(),
            owner: AtomicUsize::new(0),
            run,
            closed: AtomicBool::new(false),
            pending <- new_spinlock_irq!(None),
        })
    }

    /// The C timer, for the two cancels the kernel crate does not offer.
    fn raw(&self) -> *mut bindings::hrtimer {
        // SAFETY: `self` is a valid `Timer`.
        unsafe { <Self as HasHrTimer<Self>>::c_timer_ptr(self) }.cast_mut()
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
            // SAFETY: The hrtimer is set up (by `HrTimer::new`); trying to
            // cancel never waits.
            unsafe { bindings::hrtimer_try_to_cancel(self.raw()) };
            return Ok(());
        }
        *pending = Some(r);
        // CAST: `us <= MAX_US`, an hour, so it fits an `i64`.
        let delay = Delta::from_micros(us as i64);
        // `self` lives until `shutdown` (its drop at the latest) cancelled the
        // timer, which cannot start again once `closed` is set (checked above
        // under `pending`'s lock, which `shutdown` takes to set it).
        // SAFETY: A valid `Timer` that outlives the timer's run (above).
        unsafe { <Self as HasHrTimer<Self>>::start(self, delay) };
        Ok(())
    }

    /// Cancels what is scheduled and waits for a routine that is running;
    /// the timer may be scheduled again afterwards. Process context, not
    /// from the timer's own routine.
    pub(crate) fn cancel_sync(&self) {
        *self.pending.lock() = None;
        // SAFETY: The hrtimer is set up; it is cancelled (re-armed by a
        // running routine or not) and its callback waited for.
        unsafe { bindings::hrtimer_cancel(self.raw()) };
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
        unsafe { bindings::hrtimer_cancel(self.raw()) };
    }
}

#[pinned_drop]
impl PinnedDrop for Timer {
    fn drop(self: Pin<&mut Self>) {
        self.shutdown();
    }
}

impl HrTimerCallback for Timer {
    type Pointer<'a> = Pin<&'a Self>;

    /// The callback of every timer, in softirq context.
    fn run(this: Pin<&Self>, _ctx: HrTimerCallbackContext<'_, Self>) -> HrTimerRestart {
        let routine = this.pending.lock().take();
        let owner = this.owner.load(Ordering::Acquire);
        if let (Some(r), true) = (routine, owner != 0) {
            (this.run)(owner as *const c_void, r);
        }
        HrTimerRestart::NoRestart
    }
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
    Monotonic::ktime_get()
}
