// SPDX-License-Identifier: GPL-2.0

//! The V4L2 face of a capture stream, Rust side: one [`Node`] per capture
//! stream of a bound device, registered as `/dev/videoN` by the C glue
//! (`streamclass_v4l2.c`, interface `streamclass_v4l2.h`), which owns the
//! media structures and calls back here for every decision.
//!
//! The data flow of a node:
//! - `STREAMON`: `SRB_OPEN_STREAM` in the node's current format, then the
//!   instance is stepped to RUN.
//! - Each queued buffer: one `SRB_READ_DATA` to the instance's data
//!   callback, with its stream header and its scatter/gather list (the
//!   buffer as the device reaches it). Several are outstanding at once.
//!   The SRBs come from the node's ring, where one is reused only after
//!   [`DATA_REUSE_AFTER`] others were sent: a second notification of a
//!   completed one is refused, never taken for a later frame.
//! - The minidriver's `STREAM_REQUEST_COMPLETE` (any context): the buffer
//!   is done, `bytesused` from the header's `data_used`, `sequence` from its
//!   picture number, an error unless the status is success.
//! - `STREAMOFF` (or removal): the instance is stepped to PAUSE, what is
//!   outstanding is cancelled (`HwCancelPacket`) and waited for, at most
//!   [`DRAIN_MS`]; a buffer still out then is returned with an error, and
//!   its SRB (with its own copy of the scatter/gather list), the instance
//!   and the buffer's memory (past a `REQBUFS(0)`, with its DMA mapping)
//!   are kept, as an abandoned device SRB is: the minidriver may still
//!   write the buffer and complete the SRB. The buffer's memory goes when
//!   the SRB completes, or once the device is stopped for good. Then STOP
//!   and `SRB_CLOSE_STREAM`.
//!
//! Once the device is being removed, no instance opens and no data SRB
//! reaches the minidriver: they fail with `ENODEV`.

use core::{
    ffi::c_void,
    ptr,
    sync::atomic::{
        AtomicPtr,
        AtomicU64,
        Ordering, //
    }, //
};
use kernel::{
    bindings,
    new_mutex,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
    time::{
        delay::fsleep,
        Delta, //
    },
    types::Opaque, //
};

use crate::{
    buffers::Backend,
    controls::Control,
    extension::Extension,
    srb::{
        Command,
        CommandArg,
        DataParams,
        Done,
        Params,
        Request,
        SgElement,
        Status,
        StreamHeader,
        STREAM_HEADER_TIME_VALID, //
    },
    stream::{
        DataCount,
        KsState, //
    },
    stream_info::Format, //
};

/// A stream header's picture number before the minidriver sets one: the
/// class then numbers the frame itself.
const NO_PICTURE: u64 = u64::MAX;

/// Milliseconds a stop waits for the cancelled data SRBs to come back.
const DRAIN_MS: u32 = 10_000;

/// A data SRB's memory is reused only once the node has sent this many
/// others: until then, a stale notification of it (a minidriver completing
/// it twice) finds it retired, and is refused and counted, instead of
/// completing a later frame.
pub(crate) const DATA_REUSE_AFTER: u64 = 32;

/// Most data SRBs a node keeps (its ring): the reuse distance plus every
/// buffer V4L2 may queue (`VIDEO_MAX_FRAME`), with room for kept ones.
const DATA_SLOTS_MAX: usize = 256;

/// `struct streamclass_v4l2_buffer` (`streamclass_v4l2.h`): a queued
/// buffer, C's from `queue` until it is handed back as done.
#[repr(C)]
pub(crate) struct V4l2Buffer {
    vaddr: *mut c_void,
    sg: *mut SgElement,
    elements: u32,
    length: u32,
    index: u32,
    generation: u32,
}

/// `struct streamclass_v4l2_desc`.
#[repr(C)]
struct Desc {
    parent: *mut c_void,
    driver: *const c_char,
    card: *const c_char,
    backend: u32,
    number_of_formats: u32,
    ctx: *mut c_void,
    number_of_controls: u32,
    controls: *const Control,
}

// The C layouts, checked from this side (the C side checks its own).
const _: () = {
    use core::mem::{
        offset_of,
        size_of, //
    };
    assert!(offset_of!(V4l2Buffer, sg) == 8);
    assert!(offset_of!(V4l2Buffer, index) == 24);
    assert!(size_of::<V4l2Buffer>() == 32);
    assert!(offset_of!(Desc, backend) == 24);
    assert!(offset_of!(Desc, ctx) == 32);
    assert!(offset_of!(Desc, controls) == 48);
    assert!(size_of::<Desc>() == 56);
};

extern "C" {
    fn streamclass_v4l2_register(d: *const Desc) -> *mut c_void;
    fn streamclass_v4l2_unregister(node: *mut c_void);
    fn streamclass_v4l2_bounced(node: *mut c_void) -> u32;
    fn streamclass_v4l2_buffer_done(
        buf: *mut V4l2Buffer,
        bytesused: u32,
        sequence: u64,
        timestamp_ns: u64,
        error: bool,
    );
    fn streamclass_v4l2_buffer_hold(buf: *mut V4l2Buffer) -> *mut c_void;
    fn streamclass_v4l2_hold_put(hold: *mut c_void);
    fn streamclass_v4l2_holds_flush();
}

/// What a node needs of its device (implemented by the device, so that
/// this module does not depend on it).
pub(crate) trait Port: Sync {
    /// The monotonic time in nanoseconds at which `stream` last stepped to
    /// RUN, while it runs.
    fn run_since_ns(&self, stream: usize) -> Option<i64>;
    /// Calls `f` with the device's controls.
    fn with_controls(&self, f: &mut dyn FnMut(&[Control]));
    /// `SRB_GET_DEVICE_PROPERTY` (`set` false: `value` is set to the
    /// device's) or `SRB_SET_DEVICE_PROPERTY` (`set`: `value` is sent) for
    /// control `id`. Process context.
    fn property(&self, id: u32, value: &mut i32, set: bool) -> Result;
    /// Calls `f` with the described formats of stream `stream`.
    fn with_formats(&self, stream: usize, f: &mut dyn FnMut(&[Format]));
    /// Opens an instance of `stream` in format `format`: its object.
    fn open(&self, stream: usize, format: usize) -> Result<*mut c_void>;
    /// Steps the instance `object` of `stream` to `to`.
    fn set_state(&self, stream: usize, object: *mut c_void, to: KsState) -> Result;
    /// Closes the instance `object` of `stream` (stepping it to STOP
    /// first); `keep`: an SRB naming it may still complete, so its memory
    /// must stay.
    fn close(&self, stream: usize, object: *mut c_void, keep: bool);
    /// `SRB_GET_DATA_INTERSECTION`: the described format the minidriver
    /// gives `want` on `stream`, `None` when it leaves it to the class.
    fn intersect(&self, stream: usize, want: &Format) -> Result<Option<usize>>;
    /// `SRB_GET_STREAM_STATE`: the state the minidriver reports for the
    /// instance `object` of `stream`.
    fn get_state(&self, stream: usize, object: *mut c_void) -> Result<KsState>;
    /// Hands the armed data SRB of `req` to its instance's data callback.
    fn deliver(&self, req: &Request);
    /// Asks the minidriver to end `req` early, unless it is complete.
    fn cancel(&self, req: &Request);
    /// The device extension, the SRBs' `hw_device_extension`.
    fn handle(&self) -> *mut c_void;
    /// The device the requests' extensions are mapped for.
    fn dma_device(&self) -> *mut bindings::device;
    /// Bytes of each request's extension.
    fn extension_size(&self) -> usize;
    /// Keeps a data SRB a stop gave up on, with its buffer's memory, until
    /// the device is stopped for good ([`KeptData::release_buffer`]).
    fn keep_data(&self, kept: KeptData);
}

/// A data SRB a stop gave up on: the minidriver may still complete it, so
/// its memory stays (kept with the device's other kept SRBs), and so does
/// the buffer's memory it was sent for, until it completes or
/// [`Self::release_buffer`].
pub(crate) struct KeptData(KBox<DataSlot>);

impl KeptData {
    /// Lets the buffer's memory go, if the SRB has not completed (which
    /// let it go already). Call once the device is stopped for good: its
    /// DMA and its minidriver's routines ended.
    pub(crate) fn release_buffer(&self) {
        let hold = self.0.hold.swap(ptr::null_mut(), Ordering::AcqRel);
        if !hold.is_null() {
            // SAFETY: A hold taken by `Node::stop`, put once (swapped out).
            unsafe { streamclass_v4l2_hold_put(hold) };
        }
    }

    /// Whether the SRB completed (late).
    pub(crate) fn is_complete(&self) -> bool {
        self.0.req.is_complete()
    }

    /// Waits until the memory of every buffer let go is freed: process
    /// context; call before the device's driver is unbound.
    pub(crate) fn flush() {
        // SAFETY: The call has no precondition beyond a context that may
        // sleep, which this function's callers provide (documented above).
        unsafe { streamclass_v4l2_holds_flush() };
    }
}

/// The described format a request for `want` gets: one of `want`'s pixel
/// format when the stream has it (else of the first format's), the closest
/// in size (width and height differences summed), the first on a tie.
pub(crate) fn choose(formats: &[Format], want: &Format) -> Option<usize> {
    let first = formats.first()?;
    let pixelformat = match formats.iter().any(|f| f.pixelformat == want.pixelformat) {
        true => want.pixelformat,
        false => first.pixelformat,
    };
    formats
        .iter()
        .enumerate()
        .filter(|(_, f)| f.pixelformat == pixelformat)
        .min_by_key(|(_, f)| {
            u64::from(f.width.abs_diff(want.width)) + u64::from(f.height.abs_diff(want.height))
        })
        .map(|(i, _)| i)
}

/// One data SRB of a node, reused in turn with the node's others (its
/// ring), at most once every [`DATA_REUSE_AFTER`] SRBs sent.
///
/// # Invariants
///
/// - `buf` is non-null exactly while the request is outstanding for a
///   buffer not yet handed back; while it is, and until its completion has
///   counted it out of the node's `outstanding` (one atomic decrement with
///   `Release`, the completion's last access to the node), `node` is
///   alive: a stop waits for the count to reach 0 (read with `Acquire`)
///   before the node may go.
/// - `index` is the buffer index of its last use.
struct DataSlot {
    req: Arc<Request>,
    header: KBox<Opaque<StreamHeader>>,
    /// The buffer index it was last sent for (its list is that buffer's).
    index: usize,
    /// A kept SRB's list, moved here from its buffer's when the stop gave
    /// up on it (empty otherwise).
    _kept_sg: KVec<SgElement>,
    buf: AtomicPtr<V4l2Buffer>,
    /// Once a stop gave up on it: a hold on the memory of the buffer it
    /// was sent for (null when none, or once put).
    hold: AtomicPtr<c_void>,
    node: *const Node,
    /// The node's SRB count (`Streaming::sent`) when it was last armed.
    armed_at: u64,
}

/// A buffer's scatter/gather list as its data SRBs give it: a copy of
/// C's, made once per buffer (C makes its list once per buffer, under a new
/// generation), since a kept SRB outlives C's list.
///
/// # Invariants
///
/// While a data SRB for the buffer is outstanding, `list` does not change:
/// V4L2 queues a buffer again only once it came back, and a stop that gives
/// up on an SRB moves its list out first.
struct SgCopy {
    list: KVec<SgElement>,
    /// The C list it copies (its address and generation).
    of: Option<(usize, u32)>,
}

/// The instance a running node streams on, and its buffers' SRBs.
struct Streaming {
    /// The open instance's object; null while stopped.
    object: *mut c_void,
    /// Data SRBs sent by the node, its SRBs' frame numbers (never reused,
    /// so a cancel names one SRB).
    sent: u64,
    /// The node's data SRBs, for any buffer, reused in turn: `next` is the
    /// one retired longest ago.
    ring: KVec<KBox<DataSlot>>,
    next: usize,
    /// By V4L2 buffer index.
    sgs: KVec<SgCopy>,
}

impl Streaming {
    /// The list of buffer `b` for its data SRB, copied from C's when `b` is
    /// new (or new again).
    fn sg_of(&mut self, b: &V4l2Buffer) -> Result<*mut SgElement> {
        let index = b.index as usize;
        while self.sgs.len() <= index {
            self.sgs.push(
                SgCopy {
                    list: KVec::new(),
                    of: None,
                },
                GFP_KERNEL,
            )?;
        }
        let copy = &mut self.sgs[index];
        if copy.of != Some((b.sg as usize, b.generation)) {
            // No SRB of this buffer is outstanding (it is being queued):
            // the list may change (type invariant of `SgCopy`).
            copy.list.clear();
            copy.of = None;
            if !b.sg.is_null() && b.elements > 0 {
                // SAFETY: C's list of `elements` entries, valid while queued.
                let list = unsafe { core::slice::from_raw_parts(b.sg, b.elements as usize) };
                copy.list.extend_from_slice(list, GFP_KERNEL)?;
            }
            copy.of = Some((b.sg as usize, b.generation));
        }
        Ok(copy.list.as_mut_ptr())
    }

    /// The index in `ring` of the data SRB to send next: the one retired
    /// longest ago if it is free and [`DATA_REUSE_AFTER`] others were sent
    /// since it was, else a new one (`EBUSY` past [`DATA_SLOTS_MAX`]).
    fn slot_for_next(&mut self, node: &Node) -> Result<usize> {
        if let Some(slot) = self.ring.get(self.next) {
            let free = slot.req.is_complete() && slot.buf.load(Ordering::Acquire).is_null();
            if free && self.sent - slot.armed_at >= DATA_REUSE_AFTER {
                let i = self.next;
                // No division on the frame path (a helper call under TCG).
                self.next = match i + 1 {
                    n if n == self.ring.len() => 0,
                    n => n,
                };
                return Ok(i);
            }
        }
        if self.ring.len() >= DATA_SLOTS_MAX {
            return Err(EBUSY);
        }
        self.ring.push(node.new_slot()?, GFP_KERNEL)?;
        Ok(self.ring.len() - 1)
    }
}

/// The device of a node (a newtype: a bare trait-object pointer trips the
/// pinning macro's lifetimes).
struct PortPtr(*const dyn Port);

/// A capture stream's V4L2 node.
///
/// # Invariants
///
/// - `port` is the device the node belongs to, which outlives it (the
///   device drops its nodes before anything else of its streams).
/// - `c` is the C node while registered, null otherwise.
#[pin_data(PinnedDrop)]
pub(crate) struct Node {
    port: PortPtr,
    stream: usize,
    c: AtomicPtr<c_void>,
    #[pin]
    streaming: Mutex<Streaming>,
    /// Data SRBs sent and not yet counted back.
    outstanding: DataCount,
    /// Frames without a picture number completed since the start: their
    /// V4L2 sequence.
    completed: AtomicU64,
    /// The picture number of the first frame since the start that had one
    /// ([`NO_PICTURE`] until then): sequences count from it.
    picture_base: AtomicU64,
}

// SAFETY: `port` is `Sync` and outlives the node; `c` is only passed to the
// C glue, which any thread may call; the rest is locks and atomics.
unsafe impl Send for Node {}
// SAFETY: As above.
unsafe impl Sync for Node {}
// SAFETY: The slot's raw pointers name a request's C buffer and the node,
// both usable from any thread.
unsafe impl Send for DataSlot {}
// SAFETY: As above.
unsafe impl Sync for DataSlot {}

impl Node {
    /// Registers `/dev/videoN` for stream `stream` of `port`, named `card`.
    ///
    /// # Safety
    ///
    /// `port` outlives the node, and `parent` is its bound device.
    pub(crate) unsafe fn register(
        port: *const dyn Port,
        parent: *mut bindings::device,
        stream: usize,
        buffers: Backend,
        driver: &CStr,
        card: &CStr,
    ) -> Result<Pin<KBox<Self>>> {
        let mut count = 0;
        // SAFETY: `port` is live by the safety requirements.
        unsafe { &*port }.with_formats(stream, &mut |f| count = f.len());
        // INVARIANT: `port` as the safety requirements say; not registered.
        let node = KBox::pin_init(
            pin_init!(Self {
                port: PortPtr(port),
                stream,
                c: AtomicPtr::new(ptr::null_mut()),
                streaming <- new_mutex!(Streaming {
                    object: ptr::null_mut(),
                    sent: 0,
                    ring: KVec::new(),
                    next: 0,
                    sgs: KVec::new(),
                }),
                outstanding: DataCount::new(),
                completed: AtomicU64::new(0),
                picture_base: AtomicU64::new(NO_PICTURE),
            }),
            GFP_KERNEL,
        )?;
        let mut controls = KVec::new();
        // SAFETY: `port` is live by the safety requirements.
        unsafe { &*port }.with_controls(&mut |c| {
            // Nothing to show when it cannot be copied: logged below.
            let _ = controls.extend_from_slice(c, GFP_KERNEL);
        });
        let desc = Desc {
            parent: parent.cast(),
            driver: driver.as_char_ptr(),
            card: card.as_char_ptr(),
            backend: buffers.c_value(),
            number_of_formats: count as u32,
            ctx: ptr::from_ref::<Self>(&node).cast_mut().cast(),
            number_of_controls: controls.len() as u32,
            controls: controls.as_ptr(),
        };
        // SAFETY: `desc` is valid for the call; its strings and controls are
        // copied; the node is pinned and unregisters itself before it goes.
        let c = unsafe { streamclass_v4l2_register(&desc) };
        if c.is_null() {
            return Err(ENOMEM);
        }
        let err = c as isize;
        if err < 0 && err >= -(bindings::MAX_ERRNO as isize) {
            return Err(Error::from_errno(err as i32));
        }
        // INVARIANT: Registered.
        node.c.store(c, Ordering::Release);
        Ok(node)
    }

    /// Buffers set up that the device reaches only through swiotlb bounce
    /// buffers (not zero copy: counted, never silent).
    pub(crate) fn bounced(&self) -> u32 {
        let c = self.c.load(Ordering::Acquire);
        if c.is_null() {
            return 0;
        }
        // SAFETY: Registered (type invariant), and unregistered only by the
        // node's drop, which cannot run during this borrow.
        unsafe { streamclass_v4l2_bounced(c) }
    }

    fn port(&self) -> &dyn Port {
        // SAFETY: The device outlives its nodes (type invariant).
        unsafe { &*self.port.0 }
    }

    /// Control `id` read from the device into `value` (`set` false) or set
    /// to `value` (`set` true), by a device property SRB.
    pub(crate) fn control(&self, id: u32, value: &mut i32, set: bool) -> Result {
        self.port().property(id, value, set)
    }

    pub(crate) fn format(&self, index: usize) -> Option<Format> {
        let mut found = None;
        self.port()
            .with_formats(self.stream, &mut |f| found = f.get(index).copied());
        found
    }

    /// The described format a request for `want` gets, which is written to
    /// `want`: the minidriver's answer to `SRB_GET_DATA_INTERSECTION`, or,
    /// when it leaves the choice to the class, [`choose`]'s.
    pub(crate) fn try_format(&self, want: &mut Format) -> Result<usize> {
        let mut chosen = self
            .port()
            .intersect(self.stream, want)?
            .and_then(|i| Some((i, self.format(i)?)));
        if chosen.is_none() {
            self.port().with_formats(self.stream, &mut |f| {
                chosen = choose(f, want).map(|i| (i, f[i]));
            });
        }
        let (i, f) = chosen.ok_or(EINVAL)?;
        *want = f;
        Ok(i)
    }

    /// `VIDIOC_LOG_STATUS`: while streaming, the state the minidriver
    /// reports (`SRB_GET_STREAM_STATE`) and the data SRBs outstanding;
    /// `ENOENT` while not streaming.
    pub(crate) fn status(&self) -> Result<(KsState, u32)> {
        let s = self.streaming.lock();
        if s.object.is_null() {
            return Err(ENOENT);
        }
        let state = self.port().get_state(self.stream, s.object)?;
        Ok((state, self.outstanding()))
    }

    /// `STREAMON`, first half: opens an instance in format `format` and
    /// steps it to PAUSE (through ACQUIRE), where it takes data SRBs, as a
    /// KS client does before RUN ([`Self::run`]).
    pub(crate) fn start(&self, format: usize) -> Result {
        let mut s = self.streaming.lock();
        if !s.object.is_null() {
            return Err(EBUSY);
        }
        let object = self.port().open(self.stream, format)?;
        if let Err(e) = self.port().set_state(self.stream, object, KsState::Pause) {
            self.port().close(self.stream, object, false);
            return Err(e);
        }
        s.object = object;
        self.completed.store(0, Ordering::Relaxed);
        self.picture_base.store(NO_PICTURE, Ordering::Relaxed);
        Ok(())
    }

    /// `STREAMON`, second half, once the buffers queued before it were sent:
    /// steps the instance to RUN. On error the caller stops the node.
    pub(crate) fn run(&self) -> Result {
        let s = self.streaming.lock();
        if s.object.is_null() {
            return Err(EINVAL);
        }
        self.port().set_state(self.stream, s.object, KsState::Run)
    }

    /// Sends `buf` as a data SRB to the running instance.
    ///
    /// # Safety
    ///
    /// `buf` is C's queued buffer, valid until it is handed back.
    pub(crate) unsafe fn queue(&self, buf: *mut V4l2Buffer) -> Result {
        // SAFETY: Valid by the safety requirements; C does not change it
        // while it is queued.
        let b = unsafe { &*buf };
        let mut guard = self.streaming.lock();
        let s = &mut *guard;
        if s.object.is_null() {
            return Err(EINVAL);
        }
        let sg = s.sg_of(b)?;
        let i = s.slot_for_next(self)?;
        let slot = &mut s.ring[i];
        slot.armed_at = s.sent;
        slot.index = b.index as usize;
        let header = slot.header.get();
        // SAFETY: The header is the slot's, and no SRB names it now.
        unsafe {
            header.write(StreamHeader {
                size: core::mem::size_of::<StreamHeader>() as u32,
                option_flags: 0,
                data: b.vaddr,
                frame_extent: b.length,
                data_used: 0,
                presentation_time: 0,
                duration: 0,
                picture_number: NO_PICTURE,
                drop_count: 0,
            })
        };
        let params = Params {
            command: Command::ReadData,
            hw_device_extension: self.port().handle(),
            command_data: CommandArg::Raw(header.cast()),
            frame_number: s.sent,
            timeout_s: 0,
            stream_object: s.object,
            data: Some(DataParams {
                sg,
                elements: b.elements,
                bytes: b.length,
            }),
            done: Some(Done {
                f: data_done,
                ctx: ptr::from_ref::<DataSlot>(slot) as usize,
            }),
        };
        s.sent += 1;
        // INVARIANT: Outstanding for `buf` from here; the node waits for it.
        self.outstanding.sent();
        slot.buf.store(buf, Ordering::Release);
        slot.req.arm(&params);
        self.port().deliver(&slot.req);
        Ok(())
    }

    /// The V4L2 sequence of a frame completed with picture number `picture`
    /// ([`NO_PICTURE`] when the minidriver set none) after `drops` dropped
    /// frames: counted from the first picture number since the start, so
    /// a gap shows frames dropped; without one, the frames completed since
    /// the start plus `drops`.
    fn sequence(&self, picture: u64, drops: u64) -> u64 {
        if picture == NO_PICTURE {
            return self
                .completed
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_add(drops);
        }
        // One plain load per frame once the base is set (no locked
        // instruction on the frame path).
        let mut base = self.picture_base.load(Ordering::Relaxed);
        if base == NO_PICTURE {
            base = match self.picture_base.compare_exchange(
                NO_PICTURE,
                picture,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => picture,
                Err(set) => set,
            };
        }
        picture.wrapping_sub(base)
    }

    fn new_slot(&self) -> Result<KBox<DataSlot>> {
        let (dev, size) = (self.port().dma_device(), self.port().extension_size());
        // SAFETY: The device stays bound while its node lives, and a slot
        // given up is unmapped first ([`Node::stop`]).
        let ext = unsafe { Extension::new(dev, size) }?;
        Ok(KBox::new(
            DataSlot {
                req: Request::new(ext)?,
                header: KBox::new(Opaque::zeroed(), GFP_KERNEL)?,
                index: 0,
                _kept_sg: KVec::new(),
                buf: AtomicPtr::new(ptr::null_mut()),
                hold: AtomicPtr::new(ptr::null_mut()),
                node: ptr::from_ref(self),
                armed_at: 0,
            },
            GFP_KERNEL,
        )?)
    }

    /// Data SRBs not yet counted back.
    fn outstanding(&self) -> u32 {
        self.outstanding.get()
    }

    /// `STREAMOFF`: pauses the instance, cancels and collects every data
    /// SRB (each buffer goes back), then stops and closes it.
    pub(crate) fn stop(&self) {
        let mut s = self.streaming.lock();
        let object = core::mem::replace(&mut s.object, ptr::null_mut());
        if object.is_null() {
            return;
        }
        let _ = self.port().set_state(self.stream, object, KsState::Pause);
        for slot in s.ring.iter() {
            if !slot.buf.load(Ordering::Acquire).is_null() {
                self.port().cancel(&slot.req);
            }
        }
        let mut waited = 0;
        while !self.outstanding.is_idle() && waited < DRAIN_MS {
            fsleep(Delta::from_millis(10));
            waited += 10;
        }
        // A data SRB still out keeps its memory: it leaves the ring (a
        // completion that comes later finds its buffer gone and does
        // nothing else); every other one stays in the ring, where a late
        // or second notification finds it retired.
        let mut kept = 0;
        let mut i = 0;
        while i < s.ring.len() {
            let buf = s.ring[i].buf.swap(ptr::null_mut(), Ordering::AcqRel);
            if buf.is_null() {
                i += 1;
                continue;
            }
            // The SRB may still be written (by DMA, or through the
            // buffer's address): the buffer's memory outlives a REQBUFS(0).
            // SAFETY: Taken from the slot: C's queued buffer, handed back
            // only below.
            let hold = unsafe { streamclass_v4l2_buffer_hold(buf) };
            s.ring[i].hold.store(hold, Ordering::Release);
            // A completion between taking the buffer and storing the hold
            // found none to put: put it here (it is complete, so no later
            // completion will).
            if s.ring[i].req.is_complete() {
                let hold = s.ring[i].hold.swap(ptr::null_mut(), Ordering::AcqRel);
                if !hold.is_null() {
                    // SAFETY: Taken just above, put once (swapped out).
                    unsafe { streamclass_v4l2_hold_put(hold) };
                }
            }
            // SAFETY: As above; handed back once.
            unsafe { streamclass_v4l2_buffer_done(buf, 0, 0, 0, true) };
            // Taken from the slot, so counted in: this cannot fail.
            let _ = self.outstanding.back();
            kept += 1;
            // `i` is in the ring: removing it cannot fail.
            if let Ok(mut slot) = s.ring.remove(i) {
                // Its list goes with it; the buffer, queued again, gets a
                // new copy.
                if let Some(copy) = s.sgs.get_mut(slot.index) {
                    slot._kept_sg = core::mem::replace(&mut copy.list, KVec::new());
                    copy.of = None;
                }
                // The minidriver may still complete it: its memory (and
                // its list) stays, with the device, its mapping ends.
                slot.req.extension().unmap();
                self.port().keep_data(KeptData(slot));
            }
        }
        if s.next >= s.ring.len() {
            s.next = 0;
        }
        if kept > 0 {
            pr_err!(
                "stream {}: {kept} data SRB(s) not returned {} ms after cancel: buffers returned with an error, SRBs and instance kept\n",
                self.stream,
                DRAIN_MS
            );
        }
        // Only a completion between taking its buffer and counting it down
        // can still be counted: a few instructions, with no wait in them.
        while !self.outstanding.is_idle() {
            fsleep(Delta::from_millis(1));
        }
        self.port().close(self.stream, object, kept > 0);
    }
}

#[pinned_drop]
impl PinnedDrop for Node {
    fn drop(self: Pin<&mut Self>) {
        let c = self.c.swap(ptr::null_mut(), Ordering::AcqRel);
        if !c.is_null() {
            // SAFETY: Registered by `register`, unregistered once; this stops
            // a running stream (calling `stop`) and is the last call from C.
            unsafe { streamclass_v4l2_unregister(c) };
        }
    }
}

/// A data SRB completed (any context): its buffer goes back to V4L2.
fn data_done(ctx: usize, req: &Request) {
    // SAFETY: `ctx` is the slot that armed `req`, which lives as long as
    // the node or, once given up, for ever.
    let slot = unsafe { &*(ctx as *const DataSlot) };
    // SAFETY: The slot's header; the minidriver is done with it.
    let header = unsafe { &*slot.header.get() };
    let (used, picture, drops, flags, time) = (
        // SAFETY: Read through raw pointers: the minidriver wrote them.
        unsafe { ptr::read_volatile(&header.data_used) },
        // SAFETY: As above.
        unsafe { ptr::read_volatile(&header.picture_number) },
        // SAFETY: As above.
        unsafe { ptr::read_volatile(&header.drop_count) },
        // SAFETY: As above.
        unsafe { ptr::read_volatile(&header.option_flags) },
        // SAFETY: As above.
        unsafe { ptr::read_volatile(&header.presentation_time) },
    );
    let error = req.status() != Status::Success;
    let node = slot.node;
    // Retired before its buffer is taken: once the buffer is, the node may
    // send the slot again, and that use must not be retired here.
    req.retire();
    let buf = slot.buf.swap(ptr::null_mut(), Ordering::AcqRel);
    if buf.is_null() {
        // Given up at a stop already: its buffer's memory may go now.
        let hold = slot.hold.swap(ptr::null_mut(), Ordering::AcqRel);
        if !hold.is_null() {
            // SAFETY: Taken by the stop, put once (swapped out).
            unsafe { streamclass_v4l2_hold_put(hold) };
            pr_info!("a data SRB given up on at a stop completed: its buffer's memory released\n");
        }
        return;
    }
    // From here the slot may be queued again: only `node` is used.
    // SAFETY: `buf` was set, so the node is alive (type invariant of
    // `DataSlot`).
    let n = unsafe { &*node };
    // A presentation time (from the stream's clock, 0 at RUN) becomes a
    // CLOCK_MONOTONIC timestamp; without one, the time of completion.
    let timestamp = match flags & STREAM_HEADER_TIME_VALID {
        0 => 0,
        _ => n
            .port()
            .run_since_ns(n.stream)
            .and_then(|t0| u64::try_from(t0.checked_add(time)?).ok())
            .unwrap_or(0),
    };
    let sequence = n.sequence(picture, drops);
    // SAFETY: Taken from the slot: C's queued buffer, handed back once.
    unsafe { streamclass_v4l2_buffer_done(buf, used, sequence, timestamp, error) };
    // The node is alive until this count is taken (type invariant of
    // `DataSlot`): the last access to it.
    // Taken from the slot, so counted in: this cannot fail.
    let _ = n.outstanding.back();
}

#[kunit_tests(streamclass_v4l2)]
mod tests {
    use super::*;

    const fn fmt(pixelformat: u32, width: u32, height: u32) -> Format {
        Format {
            pixelformat,
            width,
            height,
            bytesperline: width,
            sizeimage: width.wrapping_mul(height),
            interval_numerator: 1,
            interval_denominator: 30,
        }
    }

    #[test]
    fn choose_takes_the_closest_of_the_pixel_format() {
        let grey = crate::fourcc(b"GREY");
        let yuyv = crate::fourcc(b"YUYV");
        let formats = [fmt(grey, 64, 64), fmt(grey, 128, 64), fmt(yuyv, 640, 480)];
        assert_eq!(choose(&formats, &fmt(grey, 64, 64)), Some(0));
        assert_eq!(choose(&formats, &fmt(grey, 120, 60)), Some(1));
        assert_eq!(choose(&formats, &fmt(yuyv, 1, 1)), Some(2));
        // An unknown pixel format gets the first format's.
        assert_eq!(choose(&formats, &fmt(0, 130, 64)), Some(1));
        // Absurd sizes do not overflow.
        assert_eq!(choose(&formats, &fmt(grey, u32::MAX, u32::MAX)), Some(1));
        assert_eq!(choose(&formats, &fmt(grey, 0, 0)), Some(0));
        assert_eq!(choose(&[], &fmt(grey, 64, 64)), None);
    }
}
