// SPDX-License-Identifier: GPL-2.0

//! A capture minidriver for QEMU's `edu` device (`-device edu`, 1234:11e8),
//! written against streamclass's safe Rust API only.
//!
//! streamclass binds the device, maps BAR0, allocates an 8 KiB DMA buffer
//! below edu's 28-bit DMA limit and sends SRBs. Each `SRB_READ_DATA` is one
//! frame of real device DMA both ways: the frame (its number, a pattern and a
//! checksum) is written into the first half of the DMA buffer, edu DMAs it
//! into its 4 KiB internal buffer, then back into the second half, and the
//! copy is verified byte for byte. Each DMA ends with edu's DMA interrupt
//! (0x100).
//!
//! The sample keeps strmini.h's synchronization on, so its callbacks run
//! under the device's lock and must not sleep: the 4 KiB fill, the verify
//! and checksum, the logging and the wait for the DMA at stop run at
//! [`Priority::Low`] (process context), which calls back at
//! [`Priority::High`] to start the DMA; the interrupt handler only moves
//! the phase on.
//!
//! Its capture stream is what V4L2 applications see (`/dev/videoN`): each
//! stream data SRB (one queued V4L2 buffer) is one frame made by edu's DMA
//! engine. The frame is drawn into the DMA buffer, edu DMAs it into its
//! internal buffer and from there straight into the user's buffer, one DMA
//! per piece of the SRB's scatter/gather list (at most 4 KiB each, so a
//! 128x64 frame takes two or more). The pattern it promises is the C
//! sample's: byte `i` of frame `n` is [`stream_byte`]`(n, i % 4096)`, and
//! bytes 0-7 of each 4 KiB hold `n` (little endian), the picture number
//! from 0 per stream start. The stream's callbacks run under the device's
//! lock, like the others: the 4 KiB drawing is done there, in 64-byte
//! pieces, with no allocation.
//!
//! Module parameter `fail_init`: fail `SRB_INITIALIZE_DEVICE` (for tests).

use kernel::{
    io::{
        io_project,
        Io, //
    },
    prelude::*, //
};
use streamclass::{
    fourcc,
    Adapter,
    AtomicWord,
    Bar,
    Command,
    Config,
    Format,
    KsState,
    Minidriver,
    MinidriverRegistration,
    PciId,
    Priority,
    Srb,
    SrbSlot,
    Status,
    StreamDescriptor, //
};

module! {
    type: EduCaptureModule,
    name: "streamclass_edu_capture",
    authors: ["The streamclass developers"],
    description: "streamclass sample: capture by device DMA on QEMU's edu",
    license: "GPL",
    imports_ns: ["STREAMCLASS"],
    params: {
        fail_init: bool {
            default: false,
            description: "Fail SRB_INITIALIZE_DEVICE (tests the class's cleanup)",
        },
    },
}

/// The one capture stream: 8-bit grey frames, one of exactly edu's 4 KiB
/// buffer and one of two buffers' worth, at 30 frames a second.
static FORMATS: [Format; 2] = [grey(64, 64), grey(128, 64)];
static STREAMS: [StreamDescriptor; 1] = [StreamDescriptor::capture(c"edu", 1, &FORMATS)];

const fn grey(width: u32, height: u32) -> Format {
    Format {
        pixelformat: fourcc(b"GREY"),
        width,
        height,
        bytesperline: width,
        sizeimage: width * height,
        interval_numerator: 1,
        interval_denominator: 30,
    }
}

const EDU_IDENT: usize = 0x00;
const EDU_LIVENESS: usize = 0x04;
const EDU_IRQ_STATUS: usize = 0x24;
const EDU_IRQ_ACK: usize = 0x64;
const EDU_DMA_SRC: usize = 0x80;
const EDU_DMA_DST: usize = 0x88;
const EDU_DMA_COUNT: usize = 0x90;
const EDU_DMA_CMD: usize = 0x98;
const DMA_START: u64 = 1;
const DMA_TO_RAM: u64 = 2;
const DMA_IRQ: u64 = 4;
const IRQ_DMA_DONE: u32 = 0x100;
/// edu's internal buffer, as the device addresses it.
const EDU_BUFFER: u64 = 0x40000;
/// One frame: edu's internal buffer is 4 KiB.
const FRAME: usize = 4096;
/// Frames logged in full at the start of a capture.
const LOGGED_FRAMES: u64 = 3;

/// Stream data SRBs a device keeps waiting.
const QUEUE: usize = 16;

/// Phases of a frame.
const IDLE: u64 = 0;
const FILLING: u64 = 1;
const TO_DEVICE: u64 = 2;
const FROM_DEVICE: u64 = 3;
const VERIFYING: u64 = 4;

/// The device extension, zeroed by the class.
#[derive(Zeroable)]
struct EduExt {
    phase: AtomicWord,
    cancel: AtomicWord,
    captured: AtomicWord,
    verified: AtomicWord,
    pending: SrbSlot,
    stopping: SrbSlot,
    stream: EduStream,
}

/// The one open instance of the capture stream (one may be open).
#[derive(Zeroable)]
struct EduStream {
    open: AtomicWord,
    state: AtomicWord,
    frame_bytes: AtomicWord,
    /// The next frame's picture number.
    picture: AtomicWord,
    /// Data SRBs waiting, `count` of them from `head`.
    queue: [SrbSlot; QUEUE],
    head: AtomicWord,
    count: AtomicWord,
    /// The frame being made (`busy`), and where its DMA is.
    active: SrbSlot,
    busy: AtomicWord,
    cancel: AtomicWord,
    done: AtomicWord,
    element: AtomicWord,
    offset: AtomicWord,
    frames: AtomicWord,
}

struct EduCapture;

/// The byte at `i` of frame `n`.
fn pattern(n: u64, i: usize) -> u8 {
    (n.wrapping_mul(31) as usize ^ i.wrapping_mul(7) ^ (i >> 8)) as u8
}

/// Byte `i` (below 4096, past the header) of stream frame `n`.
fn stream_byte(n: u64, i: usize) -> u8 {
    (n.wrapping_mul(31) as usize)
        .wrapping_add(i * 7)
        .wrapping_add(i / 256) as u8
}

/// Writes frame `n` (its number, the pattern, the checksum of what precedes
/// it) into `out`, a whole frame.
fn fill_frame(n: u64, out: &mut [u8; FRAME]) -> u32 {
    for (i, b) in out.iter_mut().enumerate() {
        *b = pattern(n, i);
    }
    out[..8].copy_from_slice(&n.to_le_bytes());
    let sum = checksum(&out[..FRAME - 4]);
    out[FRAME - 4..].copy_from_slice(&sum.to_le_bytes());
    sum
}

fn checksum(b: &[u8]) -> u32 {
    b.iter().fold(0u32, |s, &x| s.rotate_left(5) ^ u32::from(x))
}

impl EduCapture {
    fn bar(dev: &Adapter<Self>) -> Result<Bar<'_>> {
        dev.access_range(0).ok_or(ENODEV)
    }

    fn initialize(dev: &Adapter<Self>) -> Result {
        if module_parameters::fail_init.value() {
            dev_info!(
                dev.device(),
                "fail_init set: failing SRB_INITIALIZE_DEVICE\n"
            );
            return Err(EIO);
        }
        let bar = Self::bar(dev)?;
        let ident = bar.try_read32(EDU_IDENT)?;
        if ident & 0xff != 0xed {
            dev_err!(dev.device(), "not an edu device: ident {ident:#x}\n");
            return Err(ENODEV);
        }
        bar.try_write32(0x5eed_f00d, EDU_LIVENESS)?;
        let live = bar.try_read32(EDU_LIVENESS)?;
        if live != !0x5eed_f00d {
            dev_err!(dev.device(), "liveness check failed: {live:#x}\n");
            return Err(EIO);
        }
        let buf = dev.dma_buffer().ok_or(ENOMEM)?;
        let pdev = dev.pci_device().ok_or(ENODEV)?;
        dev_info!(
            dev.device(),
            "edu {}.{} (PCI device {:04x}, revision {}) found; DMA buffer {} bytes at bus address {:#x}\n",
            ident >> 24,
            (ident >> 16) & 0xff,
            pdev.device_id(),
            pdev.revision_id(),
            buf.len(),
            buf.dma_address()
        );
        Ok(())
    }

    /// Takes `SRB_READ_DATA`: the frame is drawn at low priority.
    fn start_frame(dev: &Adapter<Self>, srb: Srb) {
        let ext = dev.extension();
        // edu's DMA engine is the stream's while it makes a frame.
        if ext.stream.busy.load() != 0 || ext.phase.compare_exchange(IDLE, FILLING).is_err() {
            srb.complete(Status::InvalidParameter);
            return;
        }
        ext.cancel.store(0);
        if let Err(srb) = ext.pending.put(srb) {
            ext.phase.store(IDLE);
            srb.complete(Status::InvalidParameter);
            return;
        }
        if dev.call_at_new_priority(Priority::Low, Self::fill).is_err() {
            Self::finish(dev, Status::InsufficientResources);
        }
    }

    /// Low priority: writes the pending frame into the DMA buffer, then
    /// starts the DMA at high priority.
    fn fill(dev: &Adapter<Self>) {
        let ext = dev.extension();
        let Some(srb) = ext.pending.take() else {
            return;
        };
        let n = srb.frame_number();
        let r = (|| -> Result {
            let mut frame = KBox::new([0u8; FRAME], GFP_KERNEL)?;
            let buf = dev.dma_buffer().ok_or(ENOMEM)?;
            fill_frame(n, &mut frame);
            io_project!(buf, [try: 0..FRAME]).copy_from_slice(&frame[..]);
            frame.fill(0);
            io_project!(buf, [try: FRAME..2 * FRAME]).copy_from_slice(&frame[..]);
            Ok(())
        })();
        match (r, ext.pending.put(srb).err()) {
            (Ok(()), None) => {
                if dev
                    .call_at_new_priority(Priority::High, Self::kick)
                    .is_err()
                {
                    Self::finish(dev, Status::IoDeviceError);
                }
            }
            (_, Some(srb)) => {
                ext.phase.store(IDLE);
                srb.complete(Status::IoDeviceError);
            }
            (Err(_), None) => Self::finish(dev, Status::InsufficientResources),
        }
    }

    /// High priority: starts the DMA of the drawn frame into the device.
    fn kick(dev: &Adapter<Self>) {
        let ext = dev.extension();
        if ext.phase.compare_exchange(FILLING, TO_DEVICE).is_err() {
            return;
        }
        if ext.cancel.load() != 0 {
            Self::finish(dev, Status::Cancelled);
        } else if Self::dma(dev, false).is_err() {
            Self::finish(dev, Status::IoDeviceError);
        }
    }

    /// Programs one DMA of a frame: into the device, or back to RAM.
    fn dma(dev: &Adapter<Self>, to_ram: bool) -> Result {
        let bar = Self::bar(dev)?;
        let (ram, _) = dev
            .dma_address_at(if to_ram { FRAME } else { 0 })
            .ok_or(EINVAL)?;
        let (src, dst, cmd) = match to_ram {
            false => (ram, EDU_BUFFER, DMA_START | DMA_IRQ),
            true => (EDU_BUFFER, ram, DMA_START | DMA_TO_RAM | DMA_IRQ),
        };
        bar.try_write64(src, EDU_DMA_SRC)?;
        bar.try_write64(dst, EDU_DMA_DST)?;
        bar.try_write64(FRAME as u64, EDU_DMA_COUNT)?;
        bar.try_write64(cmd, EDU_DMA_CMD)
    }

    /// Compares the frame that came back with the one sent.
    fn verify(dev: &Adapter<Self>, n: u64) -> bool {
        let Some(buf) = dev.dma_buffer() else {
            return false;
        };
        let check = || -> Result<bool> {
            let mut sent = [0u8; 64];
            let mut got = [0u8; 64];
            let mut sum = 0u32;
            for off in (0..FRAME).step_by(64) {
                io_project!(buf, [try: off..off + 64]).copy_to_slice(&mut sent);
                io_project!(buf, [try: FRAME + off..FRAME + off + 64]).copy_to_slice(&mut got);
                if sent != got {
                    return Ok(false);
                }
                let body = if off + 64 == FRAME {
                    &got[..60]
                } else {
                    &got[..]
                };
                sum = body
                    .iter()
                    .fold(sum, |s, &x| s.rotate_left(5) ^ u32::from(x));
            }
            let mut head = [0u8; 8];
            let mut tail = [0u8; 4];
            io_project!(buf, [try: FRAME..FRAME + 8]).copy_to_slice(&mut head);
            io_project!(buf, [try: 2 * FRAME - 4..2 * FRAME]).copy_to_slice(&mut tail);
            Ok(u64::from_le_bytes(head) == n && u32::from_le_bytes(tail) == sum)
        };
        check().unwrap_or(false)
    }

    /// Ends the pending frame with `status`.
    fn finish(dev: &Adapter<Self>, status: Status) {
        let ext = dev.extension();
        ext.phase.store(IDLE);
        if let Some(srb) = ext.pending.take() {
            srb.complete(status);
        }
        Self::resume_stream(dev);
    }

    /// edu's DMA engine is free again: the stream's frames go on (at high
    /// priority, under the device's lock).
    fn resume_stream(dev: &Adapter<Self>) {
        if dev.extension().stream.open.load() != 0 {
            let _ = dev.call_at_new_priority(Priority::High, Self::stream_next);
        }
    }

    /// The DMA in flight is done (interrupt handler).
    fn dma_done(dev: &Adapter<Self>) {
        let ext = dev.extension();
        if ext.cancel.load() != 0 {
            Self::finish(dev, Status::Cancelled);
            return;
        }
        match ext.phase.load() {
            TO_DEVICE => {
                ext.phase.store(FROM_DEVICE);
                if Self::dma(dev, true).is_err() {
                    Self::finish(dev, Status::IoDeviceError);
                }
            }
            FROM_DEVICE => {
                ext.phase.store(VERIFYING);
                if dev
                    .call_at_new_priority(Priority::Low, Self::check_frame)
                    .is_err()
                {
                    Self::finish(dev, Status::IoDeviceError);
                }
            }
            _ => {}
        }
    }

    /// Low priority: verifies the frame that came back and completes it.
    fn check_frame(dev: &Adapter<Self>) {
        let ext = dev.extension();
        let Some(mut srb) = ext.pending.take() else {
            ext.phase.store(IDLE);
            return;
        };
        let n = srb.frame_number();
        ext.captured.fetch_add(1);
        srb.set_data_used(FRAME as u32);
        let ok = Self::verify(dev, n);
        if n < LOGGED_FRAMES || !ok {
            dev_info!(
                dev.device(),
                "frame {n}: {FRAME} bytes to the device and back by DMA, {}\n",
                if ok { "verified" } else { "MISMATCH" }
            );
        }
        ext.phase.store(IDLE);
        if ok {
            ext.verified.fetch_add(1);
            srb.complete(Status::Success);
        } else {
            srb.complete(Status::IoDeviceError);
        }
        Self::resume_stream(dev);
    }

    /// Takes `SRB_UNINITIALIZE_DEVICE`: the wait for the DMA runs at low
    /// priority, which completes it.
    fn uninitialize(dev: &Adapter<Self>, srb: Srb) {
        let srb = match dev.extension().stopping.put(srb) {
            Ok(()) => match dev.call_at_new_priority(Priority::Low, Self::stop) {
                Ok(()) => return,
                Err(_) => dev.extension().stopping.take(),
            },
            Err(srb) => Some(srb),
        };
        if let Some(srb) = srb {
            srb.complete(Status::IoDeviceError);
        }
    }

    /// Low priority: waits (up to 1 s) for a DMA in flight to end, so that
    /// the device does not write the buffer once the class frees it, and
    /// completes `SRB_UNINITIALIZE_DEVICE`.
    fn stop(dev: &Adapter<Self>) {
        if let Ok(bar) = Self::bar(dev) {
            for _ in 0..1000 {
                match bar.try_read32(EDU_DMA_CMD) {
                    Ok(cmd) if cmd & DMA_START as u32 != 0 => {
                        kernel::time::delay::fsleep(kernel::time::Delta::from_millis(1))
                    }
                    _ => break,
                }
            }
        }
        let ext = dev.extension();
        dev_info!(
            dev.device(),
            "stopped: {} frames captured by device DMA, {} verified\n",
            ext.captured.load(),
            ext.verified.load()
        );
        if let Some(srb) = ext.stopping.take() {
            srb.complete(Status::Success);
        }
    }
}

/// The capture stream. Every method runs under the device's lock.
impl EduCapture {
    /// Programs one DMA of `count` bytes.
    fn program(dev: &Adapter<Self>, src: u64, dst: u64, count: u64, to_ram: bool) -> Result {
        let bar = Self::bar(dev)?;
        bar.try_write64(src, EDU_DMA_SRC)?;
        bar.try_write64(dst, EDU_DMA_DST)?;
        bar.try_write64(count, EDU_DMA_COUNT)?;
        let to_ram = if to_ram { DMA_TO_RAM } else { 0 };
        bar.try_write64(DMA_START | DMA_IRQ | to_ram, EDU_DMA_CMD)
    }

    /// `SRB_OPEN_STREAM`.
    fn open_stream(dev: &Adapter<Self>, srb: &Srb) -> Status {
        let st = &dev.extension().stream;
        let Some(format) = srb.open_format() else {
            return Status::InvalidParameter;
        };
        if st.open.compare_exchange(0, 1).is_err() {
            return Status::InsufficientResources;
        }
        st.frame_bytes.store(format.sizeimage.into());
        st.picture.store(0);
        st.frames.store(0);
        Status::Success
    }

    /// `SRB_CLOSE_STREAM`.
    fn close_stream(dev: &Adapter<Self>) -> Status {
        let st = &dev.extension().stream;
        dev_info!(
            dev.device(),
            "stream closed: {} frames made by device DMA into the data buffers\n",
            st.frames.load()
        );
        st.open.store(0);
        Status::Success
    }

    /// Starts the next waiting frame, when running and edu is free.
    fn stream_next(dev: &Adapter<Self>) {
        let ext = dev.extension();
        let st = &ext.stream;
        if st.busy.load() != 0
            || st.count.load() == 0
            || st.state.load() != KsState::Run as u64
            || ext.phase.load() != IDLE
        {
            return;
        }
        let head = st.head.load() as usize;
        st.head.store(((head + 1) % QUEUE) as u64);
        st.count.store(st.count.load() - 1);
        let Some(srb) = st.queue[head].take() else {
            return;
        };
        let n = st.picture.load();
        let drawn = (|| -> Result {
            let buf = dev.dma_buffer().ok_or(ENOMEM)?;
            let mut piece = [0u8; 64];
            for off in (0..FRAME).step_by(64) {
                for (k, b) in piece.iter_mut().enumerate() {
                    *b = stream_byte(n, off + k);
                }
                if off == 0 {
                    piece[..8].copy_from_slice(&n.to_le_bytes());
                }
                io_project!(buf, [try: off..off + 64]).copy_from_slice(&piece);
            }
            let (bus, _) = dev.dma_address_at(0).ok_or(EINVAL)?;
            Self::program(dev, bus, EDU_BUFFER, FRAME as u64, false)
        })();
        if drawn.is_err() {
            srb.complete(Status::IoDeviceError);
            return;
        }
        for w in [&st.done, &st.element, &st.offset, &st.cancel] {
            w.store(0);
        }
        st.busy.store(1);
        if let Err(srb) = st.active.put(srb) {
            srb.complete(Status::IoDeviceError);
        }
    }

    /// The next piece of the active frame, from edu's buffer into the data
    /// buffer.
    fn stream_piece(dev: &Adapter<Self>, srb: &Srb) -> Result {
        let st = &dev.extension().stream;
        let (done, element, offset) = (st.done.load(), st.element.load(), st.offset.load());
        let e = srb.scatter_gather().get(element as usize).ok_or(EINVAL)?;
        let len = (u64::from(e.length()) - offset)
            .min(FRAME as u64 - done % FRAME as u64)
            .min(st.frame_bytes.load() - done);
        let src = EDU_BUFFER + done % FRAME as u64;
        Self::program(dev, src, e.address() + offset, len, true)?;
        st.done.store(done + len);
        if offset + len == u64::from(e.length()) {
            st.element.store(element + 1);
            st.offset.store(0);
        } else {
            st.offset.store(offset + len);
        }
        Ok(())
    }

    /// A DMA of the active frame is done (interrupt handler).
    fn stream_dma_done(dev: &Adapter<Self>) {
        let st = &dev.extension().stream;
        let Some(mut srb) = st.active.take() else {
            st.busy.store(0);
            return;
        };
        let status = if st.cancel.load() != 0 {
            Status::Cancelled
        } else if st.done.load() < st.frame_bytes.load() {
            match Self::stream_piece(dev, &srb) {
                Ok(()) => match st.active.put(srb) {
                    Ok(()) => return,
                    Err(s) => {
                        srb = s;
                        Status::IoDeviceError
                    }
                },
                Err(_) => Status::IoDeviceError,
            }
        } else {
            srb.set_data_used(st.frame_bytes.load() as u32);
            srb.set_picture_number(st.picture.fetch_add(1));
            st.frames.fetch_add(1);
            Status::Success
        };
        st.busy.store(0);
        srb.complete(status);
        Self::stream_next(dev);
    }

    /// Ends the data SRB of frame `frame`: a waiting one at once, the
    /// active one when its DMA in flight ends.
    fn stream_cancel(dev: &Adapter<Self>, frame: u64) {
        let st = &dev.extension().stream;
        if let Some(srb) = st.active.take() {
            let active = srb.frame_number() == frame;
            if let Err(srb) = st.active.put(srb) {
                srb.complete(Status::Cancelled);
            }
            if active {
                st.cancel.store(1);
                return;
            }
        }
        let (head, count) = (st.head.load() as usize, st.count.load() as usize);
        let mut kept = 0;
        // Compacts the queue, completing the cancelled SRB.
        for i in 0..count {
            let Some(srb) = st.queue[(head + i) % QUEUE].take() else {
                continue;
            };
            if srb.frame_number() == frame {
                srb.complete(Status::Cancelled);
                continue;
            }
            if let Err(srb) = st.queue[(head + kept) % QUEUE].put(srb) {
                srb.complete(Status::Cancelled);
                continue;
            }
            kept += 1;
        }
        st.count.store(kept as u64);
    }
}

#[vtable]
impl Minidriver for EduCapture {
    type Extension = EduExt;
    const CONFIG: Config = Config {
        dma_buffer_size: 2 * FRAME as u32,
        bus_master_dma: true,
        dma_address_bits: 28,
        ..Config::new()
    };

    fn receive_packet(dev: &Adapter<Self>, mut srb: Srb) {
        let status = match srb.command() {
            Command::InitializeDevice => match Self::initialize(dev) {
                Ok(()) => Status::Success,
                Err(_) => Status::IoDeviceError,
            },
            Command::GetStreamInfo => match srb.set_streams(&STREAMS) {
                Ok(()) => Status::Success,
                Err(_) => Status::InvalidParameter,
            },
            Command::InitializationComplete => Status::Success,
            Command::UninitializeDevice => return Self::uninitialize(dev, srb),
            Command::ReadData => return Self::start_frame(dev, srb),
            Command::OpenStream => Self::open_stream(dev, &srb),
            Command::CloseStream => Self::close_stream(dev),
            // The other commands (the enum grows) are not its business;
            // SRB_GET_DATA_INTERSECTION too: the class matches formats.
            _ => Status::NotImplemented,
        };
        srb.complete(status);
    }

    fn interrupt(dev: &Adapter<Self>) -> bool {
        let Ok(bar) = Self::bar(dev) else {
            return false;
        };
        let status = bar.try_read32(EDU_IRQ_STATUS).unwrap_or(0);
        if status == 0 {
            return false;
        }
        let _ = bar.try_write32(status, EDU_IRQ_ACK);
        if status & IRQ_DMA_DONE != 0 {
            match dev.extension().stream.busy.load() {
                0 => Self::dma_done(dev),
                _ => Self::stream_dma_done(dev),
            }
        }
        true
    }

    fn receive_data_packet(dev: &Adapter<Self>, srb: Srb) {
        let st = &dev.extension().stream;
        if srb.command() != Command::ReadData {
            return srb.complete(Status::NotImplemented);
        }
        if srb.scatter_gather().is_empty()
            || u64::from(srb.bytes_to_transfer()) < st.frame_bytes.load()
        {
            return srb.complete(Status::InvalidParameter);
        }
        let count = st.count.load() as usize;
        if count == QUEUE {
            return srb.complete(Status::InsufficientResources);
        }
        let at = (st.head.load() as usize + count) % QUEUE;
        match st.queue[at].put(srb) {
            Ok(()) => st.count.store(count as u64 + 1),
            Err(srb) => return srb.complete(Status::InsufficientResources),
        }
        Self::stream_next(dev);
    }

    fn receive_control_packet(dev: &Adapter<Self>, mut srb: Srb) {
        let st = &dev.extension().stream;
        match srb.command() {
            Command::SetStreamState => {
                let Some(state) = srb.stream_state() else {
                    return srb.complete(Status::InvalidParameter);
                };
                st.state.store(state as u64);
                srb.complete(Status::Success);
                Self::stream_next(dev);
            }
            Command::GetStreamState => {
                let state = KsState::from_raw(st.state.load() as u32).unwrap_or(KsState::Stop);
                let status = match srb.report_stream_state(state) {
                    Ok(()) => Status::Success,
                    Err(_) => Status::InvalidParameter,
                };
                srb.complete(status);
            }
            _ => srb.complete(Status::NotImplemented),
        }
    }

    fn cancel_stream_packet(dev: &Adapter<Self>, _command: Command, frame: u64) {
        Self::stream_cancel(dev, frame);
    }

    fn cancel_packet(dev: &Adapter<Self>, _command: Command, _frame: u64) {
        // edu cannot abort a DMA: the frame ends, cancelled, when the DMA in
        // flight does (within about 100 ms).
        dev.extension().cancel.store(1);
    }

    fn request_timeout(dev: &Adapter<Self>, _command: Command, frame: u64) {
        dev_warn!(dev.device(), "frame {frame}: no DMA interrupt\n");
        Self::finish(dev, Status::Timeout);
    }
}

struct EduCaptureModule {
    _reg: MinidriverRegistration<EduCapture>,
}

impl kernel::Module for EduCaptureModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg = MinidriverRegistration::<EduCapture>::new(
            c"streamclass_edu_capture",
            &[PciId::new(0x1234, 0x11e8)],
            module,
        )?;
        Ok(Self { _reg: reg })
    }
}
