// SPDX-License-Identifier: GPL-2.0

//! Request transport of one device: the pool of reusable requests, sending
//! one SRB and waiting for the minidriver's notification, the
//! once-a-second timeout tick, and cancelling what is in flight at removal.
//!
//! The transport knows nothing of the minidriver: the device hands it an
//! [`Endpoint`], which delivers an SRB and handles a second of waiting,
//! under the device's synchronization when the minidriver asked for it.

use core::sync::atomic::{
    AtomicBool,
    Ordering, //
};
use kernel::{
    bindings,
    new_mutex,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    }, //
};

use crate::{
    extension::Extension,
    srb::{
        CommandArg,
        CommandData,
        Params,
        Request,
        Status, //
    }, //
};

/// A retired request is reused only once this many others wait in the
/// pool, so that a stale notification (a minidriver completing an SRB it
/// already completed) finds a retired request and is refused, instead of
/// completing the next SRB sent.
const POOL_REUSE_AFTER: usize = 32;

/// Requests allocated at probe for removal, which then needs no memory:
/// `SRB_SURPRISE_REMOVAL` and `SRB_UNINITIALIZE_DEVICE`.
const RESERVED: usize = 2;

/// What the transport needs of the device it serves.
pub(crate) trait Endpoint {
    /// Hands the armed SRB of `req` to the minidriver.
    fn deliver(&self, req: &Request);
    /// A second passed while `req` was pending: count its timeout down and
    /// call the minidriver's timeout handler when it expires.
    fn second(&self, req: &Request);
    /// Device SRBs are serialised: the next is sent once this one is
    /// complete or the minidriver said it is ready for the next.
    fn serialised(&self) -> bool;
    /// The device is going and the minidriver did not complete `req`
    /// within the removal bound: keep its memory valid (the minidriver
    /// may still notify it) until the minidriver's module goes.
    /// `during` says when: `"probe"`, `"removal"` or `"a killed wait"`.
    fn abandon(&self, req: Arc<Request>, during: &'static str);
}

/// Seconds a closing transport waits for an SRB before it abandons it: two
/// of the SRB's timeout periods, or of `fallback_s` for an SRB sent
/// without a timeout.
pub(crate) fn removal_bound_s(timeout_s: u32, fallback_s: u32) -> u32 {
    2 * match timeout_s {
        0 => fallback_s,
        t => t,
    }
}

/// Which request an SRB goes on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One from the pool; refused (`ENODEV`) once the transport is closed.
    Normal,
    /// One of the `RESERVED` requests, each once: removal's last SRBs.
    Reserved,
    /// One from the pool even when closed: the SRBs removal sends for the
    /// device's own state, and every close of a stream instance (its state
    /// steps and `SRB_CLOSE_STREAM`), which must reach the minidriver even
    /// when the device starts going midway.
    Removal,
}

/// What a completed SRB said.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) data_used: u32,
    /// The command data as the minidriver left it (a `GET_STREAM_STATE`
    /// answer is its value).
    pub(crate) command_data: usize,
}

/// The requests of one device.
///
/// # Invariants
///
/// - Every request on `inflight` is armed and owned by a sender that
///   removes it from the list, under the lock, before it retires it.
/// - `dev` is null or a device bound to its driver while the transport
///   lives; its requests' extensions are mapped for it.
#[pin_data]
pub(crate) struct Transport {
    dev: *mut bindings::device,
    extension_size: usize,
    /// Removal bound of an SRB sent without a timeout.
    fallback_timeout_s: u32,
    closed: AtomicBool,
    /// Waits are bounded: while the device starts, and once it is closed.
    bounded: AtomicBool,
    #[pin]
    pool: Mutex<KVec<Arc<Request>>>,
    #[pin]
    reserved: Mutex<KVec<Arc<Request>>>,
    #[pin]
    submit: Mutex<()>,
    #[pin]
    inflight: Mutex<KVec<usize>>,
}

// SAFETY: `dev` is only passed to the DMA API, which any thread may call;
// the rest is locks and atomics.
unsafe impl Send for Transport {}
// SAFETY: As above.
unsafe impl Sync for Transport {}

impl Transport {
    /// A transport for device `dev` whose requests carry `extension_size`
    /// bytes of per-request extension, mapped for `dev`, with
    /// `POOL_REUSE_AFTER` requests and the `RESERVED` ones (for removal's
    /// SRBs, so that teardown needs no memory) allocated now. Once closed,
    /// an SRB is waited for at most [`removal_bound_s`] (with
    /// `fallback_timeout_s` for an SRB without a timeout).
    ///
    /// # Safety
    ///
    /// `dev` is null or a device bound to its driver until the transport
    /// is dropped.
    pub(crate) unsafe fn new(
        dev: *mut bindings::device,
        extension_size: usize,
        fallback_timeout_s: u32,
    ) -> impl PinInit<Self, Error> {
        // The initialisers below see the fields already set under their
        // names, so the arguments go by other names.
        let (d, size) = (dev, extension_size);
        // INVARIANT: `dev` as the safety requirements say.
        try_pin_init!(Self {
            dev,
            extension_size,
            fallback_timeout_s,
            closed: AtomicBool::new(false),
            bounded: AtomicBool::new(true),
            pool <- new_mutex!(Self::fill(d, size, POOL_REUSE_AFTER)?),
            reserved <- new_mutex!(Self::fill(d, size, RESERVED)?),
            submit <- new_mutex!(()),
            inflight <- new_mutex!(KVec::new()),
        }? Error)
    }

    /// A request of `dev` (null or bound while the transport lives).
    fn request(dev: *mut bindings::device, extension_size: usize) -> Result<Arc<Request>> {
        // The transport frees its requests, or unmaps one before it abandons
        // it ([`Transport::send`]), before it goes.
        // SAFETY: `dev` is null or bound while the transport lives (above).
        let ext = unsafe { Extension::new(dev, extension_size) }?;
        Request::new(ext)
    }

    fn fill(
        dev: *mut bindings::device,
        extension_size: usize,
        n: usize,
    ) -> Result<KVec<Arc<Request>>> {
        let mut pool = KVec::with_capacity(n, GFP_KERNEL)?;
        for _ in 0..n {
            pool.push(Self::request(dev, extension_size)?, GFP_KERNEL)?;
        }
        Ok(pool)
    }

    /// Refuses every later [`Transport::send`] but the reserved requests',
    /// and bounds the waits of those in flight.
    pub(crate) fn close(&self) {
        self.bounded.store(true, Ordering::Release);
        self.closed.store(true, Ordering::Release);
    }

    /// The device started: from now until it closes, an SRB is waited for
    /// as long as the minidriver takes. Until then (the probe) waits are
    /// bounded as after close: a probe never hangs on a minidriver either.
    pub(crate) fn started(&self) {
        self.bounded.store(false, Ordering::Release);
    }

    /// True once closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn take(&self) -> Result<Arc<Request>> {
        {
            let mut pool = self.pool.lock();
            if pool.len() >= POOL_REUSE_AFTER {
                return pool.remove(0).map_err(|_| EINVAL);
            }
        }
        Self::request(self.dev, self.extension_size)
    }

    /// Puts a retired request at the end of the pool. The pool never frees
    /// one while the device is bound (a stale notification of it must find
    /// it retired): it holds as many as were ever in flight at once, plus
    /// `POOL_REUSE_AFTER`.
    fn give_back(&self, req: Arc<Request>) {
        let mut pool = self.pool.lock();
        // Only fails without memory: the request is then leaked, never
        // freed under a stale notification.
        match pool.reserve(1, GFP_KERNEL) {
            Ok(()) => {
                if let Err(e) = pool.push_within_capacity(req) {
                    core::mem::forget(e.0);
                }
            }
            Err(_) => core::mem::forget(req),
        }
    }

    /// Sends one SRB and waits until the minidriver completes it through
    /// the notification: whatever it returned or set before, the request
    /// stays its until then. `kind` says which request it goes on.
    ///
    /// Before [`Transport::started`] (the probe), once the transport is
    /// closed (the device is going), and once the sending task got a fatal
    /// signal (the wait is killable), the wait is bounded: an SRB still not
    /// complete [`removal_bound_s`] seconds later is handed to
    /// [`Endpoint::abandon`] and the send fails with `ETIMEDOUT`, so probe,
    /// removal and a killed process always end.
    ///
    /// Process context; sleeps.
    pub(crate) fn send(&self, ep: &impl Endpoint, params: &Params, kind: Kind) -> Result<Outcome> {
        self.send_and(ep, params, kind, |_| {})
    }

    /// [`Transport::send`] with `*data` as the command data: the SRB points
    /// to the request's own copy, which is copied back into `*data` once
    /// the minidriver completed it in time. An abandoned request keeps its
    /// copy: a late write by the minidriver lands there, never in the
    /// caller's frame, and `*data` is left as it was.
    pub(crate) fn send_with<T: CommandData>(
        &self,
        ep: &impl Endpoint,
        params: Params,
        kind: Kind,
        data: &mut T,
    ) -> Result<Outcome> {
        let () = T::FITS;
        let params = Params {
            command_data: CommandArg::Copy(
                core::ptr::from_ref::<T>(data).cast(),
                core::mem::size_of::<T>(),
            ),
            ..params
        };
        self.send_and(ep, &params, kind, |req| req.read_area(data))
    }

    /// Sends `params`; `done` reads the completed request before it is
    /// retired.
    fn send_and(
        &self,
        ep: &impl Endpoint,
        params: &Params,
        kind: Kind,
        done: impl FnOnce(&Request),
    ) -> Result<Outcome> {
        let req = match kind {
            Kind::Reserved => self.reserved.lock().pop().ok_or(EBUSY)?,
            Kind::Normal if self.is_closed() => return Err(ENODEV),
            Kind::Normal | Kind::Removal => self.take()?,
        };
        let serial = ep.serialised().then(|| self.submit.lock());
        req.arm(params);
        let addr = core::ptr::from_ref::<Request>(&req) as usize;
        if let Err(e) = self.inflight.lock().push(addr, GFP_KERNEL) {
            req.retire();
            self.give_back(req);
            return Err(e.into());
        }
        ep.deliver(&req);
        let bound = removal_bound_s(req.timeout_original(), self.fallback_timeout_s);
        let mut bounded_s = 0;
        // A wait is killable: a killed sender waits on, bounded as a
        // closing transport's waits are, and then leaves the request to
        // the minidriver (abandoned, never freed under it).
        let mut killable = true;
        let mut waited = |req: &Request, killable: bool| {
            ep.second(req);
            if !killable || self.bounded.load(Ordering::Acquire) {
                bounded_s += 1;
            }
            bounded_s < bound
        };
        let mut in_time = true;
        if serial.is_some() {
            while in_time && !req.wait_ms(false, 1000, &mut killable) {
                in_time = waited(&req, killable);
            }
        }
        drop(serial);
        while in_time && !req.wait_ms(true, 1000, &mut killable) {
            in_time = waited(&req, killable);
        }
        {
            let mut list = self.inflight.lock();
            list.retain(|a| *a != addr);
        }
        if !in_time {
            // The abandoned request outlives the binding: its mapping ends
            // now, its memory stays valid.
            req.extension().unmap();
            let during = match (self.is_closed(), killable) {
                (true, _) => "removal",
                (false, false) => "a killed wait",
                (false, true) => "probe",
            };
            ep.abandon(req, during);
            return Err(ETIMEDOUT);
        }
        done(&req);
        let outcome = Outcome {
            status: req.status(),
            data_used: req.data_used(),
            command_data: req.command_data() as usize,
        };
        req.retire();
        self.give_back(req);
        Ok(outcome)
    }

    /// Calls `f` with each request in flight (none retires meanwhile).
    pub(crate) fn for_each_inflight(&self, mut f: impl FnMut(&Request)) {
        let list = self.inflight.lock();
        for &addr in list.iter() {
            // SAFETY: A request stays armed and allocated while it is on the
            // list (type invariant), which its sender leaves under this lock.
            f(unsafe { &*(addr as *const Request) });
        }
    }
}
