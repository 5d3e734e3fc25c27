// SPDX-License-Identifier: GPL-2.0

//! The debugfs face of a bound device, under its minidriver's directory:
//! `stats` (what its captures did), `streams` (the streams and formats the
//! minidriver described, and the instances open), `stream` (the test hook
//! that opens and closes stream instances) and `capture`, the test hook that sends
//! `SRB_READ_DATA` frames (until streams carry the data, the only way to
//! ask a minidriver for a frame). Best effort: a device works without it.
//!
//! The files know the device only through [`Target`], so the device's
//! lifecycle (`hw_device`) owns them and nothing here reaches back into it.

use core::{
    fmt,
    sync::atomic::{
        AtomicI32,
        AtomicU64,
        Ordering, //
    }, //
};
use kernel::{
    debugfs::{
        Dir,
        Scope, //
    },
    device::Device,
    prelude::*,
    uaccess::UserSliceReader, //
};

use crate::{
    srb::Status,
    transport::Outcome, //
};

/// What the files need of the device.
pub(crate) trait Target: Sync {
    /// The device, for messages and the directory's name.
    fn device(&self) -> &Device;
    /// Sends `SRB_READ_DATA` for frame `frame` and waits for its
    /// completion; `ENODEV` once the device is going.
    fn read_frame(&self, frame: u64) -> Result<Outcome>;
    /// The streams the minidriver reported.
    fn streams(&self) -> u32;
    /// The videobuf2 allocator its stream buffers come from.
    fn buffers(&self) -> &'static str;
    /// Stream buffers its V4L2 nodes took that the device reaches only
    /// through swiotlb bounce buffers.
    fn bounced(&self) -> u32;
    /// Writes the streams the minidriver described, their formats, and the
    /// instances open.
    fn describe_streams(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// Opens an instance of stream `stream` in its format `format`.
    fn open_stream(&self, stream: usize, format: usize) -> Result;
    /// Closes the instance of stream `stream` opened last.
    fn close_stream(&self, stream: usize) -> Result;
    /// Moves the instance of stream `stream` opened last to `KSSTATE` `state`.
    fn set_stream_state(&self, stream: usize, state: u32) -> Result;
}

/// What `stats` shows.
#[derive(Default)]
struct Stats {
    next_frame: AtomicU64,
    frames: AtomicU64,
    verified: AtomicU64,
    failed: AtomicU64,
    last_status: AtomicI32,
}

/// The data behind the files.
///
/// # Invariants
///
/// `target` is valid while the [`Files`] holding this value lives.
struct Hook {
    target: *const dyn Target,
    stats: Stats,
}

// SAFETY: `Target` is `Sync`; the pointer is only dereferenced while valid.
unsafe impl Send for Hook {}
// SAFETY: As above.
unsafe impl Sync for Hook {}

impl Hook {
    fn target(&self) -> &dyn Target {
        // SAFETY: Valid by the type invariant: the files (so their callbacks)
        // go before the target does.
        unsafe { &*self.target }
    }

    /// Captures `n` frames, one `SRB_READ_DATA` each; stops at the first
    /// frame that does not succeed and returns its errno.
    fn capture(&self, n: u64) -> Result {
        let s = &self.stats;
        for _ in 0..n {
            let frame = s.next_frame.fetch_add(1, Ordering::Relaxed);
            let out = self.target().read_frame(frame)?;
            if out.data_used > 0 {
                s.frames.fetch_add(1, Ordering::Relaxed);
            }
            s.last_status.store(out.status as i32, Ordering::Relaxed);
            if out.status != Status::Success {
                s.failed.fetch_add(1, Ordering::Relaxed);
                dev_info!(
                    self.target().device(),
                    "capture ended at frame {frame}: {:?}\n",
                    out.status
                );
                return out.status.to_result();
            }
            s.verified.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// A device's debugfs files; dropping them removes them, waiting for a
/// callback in progress (a capture ends once its SRB completes).
pub(crate) struct Files(#[expect(dead_code, reason = "held for its drop")] Pin<KBox<Scope<Hook>>>);

impl Files {
    /// Makes the files of `target` in `dir`.
    ///
    /// # Safety
    ///
    /// `target` is valid until the returned value is dropped.
    pub(crate) unsafe fn new(dir: &Dir, target: *const dyn Target) -> Result<Self> {
        // INVARIANT: By the safety requirements.
        let hook = Hook {
            target,
            stats: Stats::default(),
        };
        // SAFETY: `target` is valid now, by the safety requirements.
        let name = unsafe { &*target }.device().name();
        let scope = KBox::pin_init(
            dir.scope(hook, name, |h, dir| {
                dir.write_only_callback_file(c"capture", h, &capture_write);
                dir.read_callback_file(c"stats", h, &stats_read);
                dir.read_callback_file(c"streams", h, &streams_read);
                dir.write_only_callback_file(c"stream", h, &stream_write);
            }),
            GFP_KERNEL,
        )?;
        Ok(Self(scope))
    }
}

/// `capture`: writing `N` captures N frames; the write fails with the errno of
/// the first frame that does not succeed.
fn capture_write(h: &Hook, r: &mut UserSliceReader) -> Result {
    let mut buf = [0u8; 16];
    let len = r.len().min(buf.len());
    r.read_slice(&mut buf[..len])?;
    let text = core::str::from_utf8(&buf[..len]).map_err(|_| EINVAL)?;
    let n: u64 = text.trim().parse().map_err(|_| EINVAL)?;
    h.capture(n)
}

/// `stream`: writing `open S F` opens an instance of stream S in its format F
/// (`SRB_OPEN_STREAM`), `state S N` moves the one opened last to `KSSTATE`
/// N (`SRB_SET_STREAM_STATE` steps), `close S` closes it (stepped down to
/// STOP, then `SRB_CLOSE_STREAM`); the write fails with the errno. The
/// tests' way to drive instances without V4L2.
fn stream_write(h: &Hook, r: &mut UserSliceReader) -> Result {
    let mut buf = [0u8; 32];
    let len = r.len().min(buf.len());
    r.read_slice(&mut buf[..len])?;
    let text = core::str::from_utf8(&buf[..len]).map_err(|_| EINVAL)?;
    let mut words = text.split_whitespace();
    let verb = words.next();
    let mut number =
        || -> Result<usize> { words.next().ok_or(EINVAL)?.parse().map_err(|_| EINVAL) };
    let result = match verb {
        Some("open") => {
            let (s, f) = (number()?, number()?);
            h.target().open_stream(s, f)
        }
        Some("close") => h.target().close_stream(number()?),
        Some("state") => {
            let (s, state) = (number()?, number()?);
            h.target().set_stream_state(s, state as u32)
        }
        _ => Err(EINVAL),
    };
    result
}

/// `streams`: the streams the minidriver described, a line each, then a
/// line per format.
fn streams_read(h: &Hook, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    h.target().describe_streams(f)
}

/// `stats`: frames captured by device DMA, verified, failed, streams, and
/// the allocator the stream buffers come from, and the imported buffers
/// that bounced.
fn stats_read(h: &Hook, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let s = &h.stats;
    writeln!(f, "frames {}", s.frames.load(Ordering::Relaxed))?;
    writeln!(f, "verified {}", s.verified.load(Ordering::Relaxed))?;
    writeln!(f, "failed {}", s.failed.load(Ordering::Relaxed))?;
    writeln!(f, "last_status {}", s.last_status.load(Ordering::Relaxed))?;
    writeln!(f, "streams {}", h.target().streams())?;
    writeln!(f, "buffers {}", h.target().buffers())?;
    writeln!(f, "bounced_buffers {}", h.target().bounced())
}
