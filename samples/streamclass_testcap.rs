// SPDX-License-Identifier: GPL-2.0

//! A software capture minidriver: colour bars on a frame timer, the Linux
//! counterpart of the Windows DDK's software capture sample, written
//! against streamclass's safe Rust API only, with no hardware.
//!
//! The class creates virtual devices off the PCI bus for it (as many as the
//! module parameter `devices` says, one by default), each with a DMA mask of
//! 32 bits; each has one capture stream, a V4L2 node, in YUYV or RGB24, at
//! 320x240 or 640x480, at 1/30 or 1/15 s a frame.
//!
//! Each frame is drawn on the stream's timer (`StreamClassScheduleTimer`),
//! armed at RUN and rescheduled by each tick for the next frame's time on
//! the stream clock (`StreamClassQueryMasterClockSync`), so the frames keep
//! their pace whatever the latency of one tick. A tick takes the oldest
//! waiting data SRB and, since the callbacks run synchronized (atomic
//! context) and a frame is up to 900 KiB, pushes the drawing to process
//! context with [`Priority::Low`]. A tick that finds no buffer (or the
//! previous frame still being drawn) drops its frame: the picture number
//! goes on, so V4L2 shows a gap in the sequence, and the drop count grows.
//!
//! The picture, top to bottom:
//! - 3/4 of the height: the eight 75% colour bars in SMPTE order (white,
//!   yellow, cyan, green, magenta, red, blue, black);
//! - 1/8: a white square on black that moves 4 pixels a frame;
//! - 1/8: the picture number, 32 cells of `width / 32` pixels, least
//!   significant bit first, white for 1 and black for 0.
//!
//! Controls (the VideoProcAmp set): brightness and contrast (0 to 255, 128
//! neutral), saturation (0 to 255, 128 neutral) and hue (-180 to 180
//! degrees by 15), applied to each colour before it is drawn; the device
//! answers `SRB_GET_DEVICE_PROPERTY` with its values (brightness starts at
//! the module parameter `start_brightness`) and takes
//! `SRB_SET_DEVICE_PROPERTY`.
//!
//! Module parameter `stubborn_timer` (for tests): the sample never cancels
//! its timer, which keeps rescheduling itself whatever the state, so that
//! only the class stops it (at STOP, close and removal); a tick that finds
//! the stream closed is counted and reported when the device goes.
//!
//! YUYV is BT.601 limited range (V4L2's default for the sRGB colour space):
//! each colour is converted once, from 8-bit R'G'B', rounded to nearest.

use core::num::{
    NonZeroU32,
    NonZeroU64, //
};
use kernel::prelude::*;
use streamclass::{
    fourcc,
    Adapter,
    AtomicWord,
    Command,
    Config,
    Control,
    Format,
    KsState,
    Minidriver,
    MinidriverRegistration,
    Priority,
    Srb,
    SrbSlot,
    Status,
    StreamDescriptor, //
};

module! {
    type: TestcapModule,
    name: "streamclass_testcap",
    authors: ["The streamclass developers"],
    description: "streamclass sample: a software capture device drawing colour bars",
    license: "GPL",
    imports_ns: ["STREAMCLASS"],
    params: {
        devices: u32 {
            default: 1,
            description: "Virtual devices to create (1 to 16)",
        },
        start_brightness: i32 {
            default: 128,
            description: "The brightness the device starts with (0 to 255; for tests)",
        },
        stubborn_timer: bool {
            default: false,
            description: "Never cancel the frame timer: leave it to the class (for tests)",
        },
    },
}

const YUYV: u32 = fourcc(b"YUYV");
const RGB24: u32 = fourcc(b"RGB3");

const fn format(pixelformat: u32, width: u32, height: u32, fps: u32) -> Format {
    let bytes = if pixelformat == YUYV { 2 } else { 3 };
    Format {
        pixelformat,
        width,
        height,
        bytesperline: width * bytes,
        sizeimage: width * bytes * height,
        interval_numerator: 1,
        interval_denominator: fps,
    }
}

/// Each pixel format at each size, 30 and then 15 frames a second (the
/// first of a size is the one S_FMT gives).
static FORMATS: [Format; 8] = [
    format(YUYV, 320, 240, 30),
    format(YUYV, 320, 240, 15),
    format(YUYV, 640, 480, 30),
    format(YUYV, 640, 480, 15),
    format(RGB24, 320, 240, 30),
    format(RGB24, 320, 240, 15),
    format(RGB24, 640, 480, 30),
    format(RGB24, 640, 480, 15),
];
static STREAMS: [StreamDescriptor; 1] = [StreamDescriptor::capture(c"testcap", 1, &FORMATS)];

/// The device's controls, in the order of [`Ext::controls`].
static CONTROLS: [Control; 4] = [
    Control::new(streamclass::CID_BRIGHTNESS, 0, 255, 1, 128),
    Control::new(streamclass::CID_CONTRAST, 0, 255, 1, 128),
    Control::new(streamclass::CID_SATURATION, 0, 255, 1, 128),
    Control::new(streamclass::CID_HUE, -180, 180, 15, 0),
];

/// cos(15 k degrees) * 1000, k from 0 to 23.
const COS15: [i32; 24] = [
    1000, 966, 866, 707, 500, 259, 0, -259, -500, -707, -866, -966, -1000, -966, -866, -707, -500,
    -259, 0, 259, 500, 707, 866, 966,
];

/// The hue rotation of R'G'B' about the grey axis (SVG's `hueRotate`):
/// per output channel and input channel, the weights (* 1000) of 1, cos
/// and sin.
const HUE: [[[i32; 3]; 3]; 3] = [
    [[213, 787, -213], [715, -715, -715], [72, -72, 928]],
    [[213, -213, 143], [715, 285, 140], [72, -72, -283]],
    [[213, -213, -787], [715, -715, 715], [72, 928, 72]],
];

/// `rgb` with the controls `[brightness, contrast, saturation, hue]`
/// applied; unchanged at their defaults.
fn adjust(rgb: [u8; 3], c: [i32; 4]) -> [u8; 3] {
    let [brightness, contrast, saturation, hue] = c;
    let mut v = rgb.map(i32::from);
    for x in v.iter_mut() {
        *x = (*x - 128) * contrast / 128 + brightness;
    }
    let grey = (v[0] * 77 + v[1] * 150 + v[2] * 29) >> 8;
    for x in v.iter_mut() {
        *x = grey + (*x - grey) * saturation / 128;
    }
    if hue != 0 {
        let k = (hue.rem_euclid(360) / 15) as usize % 24;
        let (cos, sin) = (COS15[k], COS15[(k + 18) % 24]);
        let mut out = [0i32; 3];
        for (o, row) in out.iter_mut().zip(HUE.iter()) {
            *o = row
                .iter()
                .zip(v.iter())
                .map(|(w, x)| (w[0] + (w[1] * cos + w[2] * sin) / 1000) * x)
                .sum::<i32>()
                / 1000;
        }
        v = out;
    }
    v.map(|x| x.clamp(0, 255) as u8)
}

/// The 75% bars in SMPTE order, 8-bit R'G'B'.
const BARS: [[u8; 3]; 8] = [
    [191, 191, 191],
    [191, 191, 0],
    [0, 191, 191],
    [0, 191, 0],
    [191, 0, 191],
    [191, 0, 0],
    [0, 0, 191],
    [0, 0, 0],
];
const WHITE: [u8; 3] = [255, 255, 255];
const BLACK: [u8; 3] = [0, 0, 0];

/// Data SRBs a stream keeps waiting (more than V4L2 queues).
const QUEUE: usize = 64;

/// The device extension, zeroed by the class.
#[derive(Zeroable)]
struct Ext {
    stream: Stream,
    /// The controls' values, as [`CONTROLS`] orders them.
    controls: [AtomicWord; 4],
    /// Timer routines that ran while no stream was open.
    closed_ticks: AtomicWord,
}

/// The one open instance of the capture stream.
#[derive(Zeroable)]
struct Stream {
    open: AtomicWord,
    state: AtomicWord,
    /// Index in [`FORMATS`] of the open format.
    format: AtomicWord,
    /// Data SRBs waiting, `count` of them from `head`.
    queue: [SrbSlot; QUEUE],
    head: AtomicWord,
    count: AtomicWord,
    /// The frame being drawn in process context: its SRB, picture number
    /// and presentation time; `busy` until it is complete.
    drawing: SrbSlot,
    busy: AtomicWord,
    picture: AtomicWord,
    time: AtomicWord,
    /// The next tick's frame number (from 0 at each RUN).
    tick: AtomicWord,
    dropped: AtomicWord,
    delivered: AtomicWord,
}

struct Testcap;

/// `rgb` as limited-range BT.601 Y'CbCr, rounded to nearest:
/// Y' = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, and so on.
const fn ycbcr(rgb: [u8; 3]) -> [u8; 3] {
    let (r, g, b) = (rgb[0] as i32, rgb[1] as i32, rgb[2] as i32);
    let y = (4_080_000 + 65_481 * r + 128_553 * g + 24_966 * b + 127_500) / 255_000;
    let cb = (32_640_000 - 37_797 * r - 74_203 * g + 112_000 * b + 127_500) / 255_000;
    let cr = (32_640_000 + 112_000 * r - 93_786 * g - 18_214 * b + 127_500) / 255_000;
    [y as u8, cb as u8, cr as u8]
}

/// Fills `row` (one line of `f`) with `colour_at(x)` for each pixel; a
/// YUYV pair takes the colour of its first pixel (every edge drawn is at
/// an even x).
fn fill_row(row: &mut [u8], f: &Format, colour_at: impl Fn(u32) -> [u8; 3]) {
    if f.pixelformat == YUYV {
        for (pair, out) in row.chunks_exact_mut(4).enumerate() {
            let [y, cb, cr] = ycbcr(colour_at((pair as u32).wrapping_mul(2)));
            out.copy_from_slice(&[y, cb, y, cr]);
        }
    } else {
        for (x, out) in row.chunks_exact_mut(3).enumerate() {
            out.copy_from_slice(&colour_at(x as u32));
        }
    }
}

/// The colour of the pixel at x in a band.
type ColourAt<'a> = &'a dyn Fn(u32) -> [u8; 3];

/// Draws picture `n` of format `f` into `buf` (at least `f.sizeimage`
/// bytes), its bars adjusted by the controls `c`: three line templates,
/// each copied over its band.
fn draw(buf: &mut [u8], f: &Format, n: u64, c: [i32; 4]) -> Result {
    let (w, h, pitch) = (f.width, f.height, f.bytesperline as usize);
    let mut row = KVec::new();
    row.resize(pitch, 0u8, GFP_KERNEL)?;
    // The sides are described (at least 320 wide): nothing below divides
    // by zero or overflows, and the colour functions cannot panic.
    let marker = (w / 16) & !1;
    let span = NonZeroU64::new(u64::from(w.saturating_sub(marker))).unwrap_or(NonZeroU64::MIN);
    let x0 = (n.wrapping_mul(4) % span) as u32 & !1;
    let bar = NonZeroU32::new(w / 8).unwrap_or(NonZeroU32::MIN);
    let cell = NonZeroU32::new(w / 32).unwrap_or(NonZeroU32::MIN);
    let bands: [(u32, ColourAt<'_>); 3] = [
        (h / 4 * 3, &|x| {
            adjust(BARS[((x / bar) as usize).min(BARS.len() - 1)], c)
        }),
        (h / 8 * 7, &|x| {
            if x >= x0 && x - x0 < marker {
                WHITE
            } else {
                BLACK
            }
        }),
        (h, &|x| match (n >> (x / cell).min(31)) & 1 {
            1 => WHITE,
            _ => BLACK,
        }),
    ];
    let mut y = 0;
    for (end, colour_at) in bands {
        fill_row(&mut row, f, colour_at);
        while y < end {
            let at = y as usize * pitch;
            buf.get_mut(at..at + pitch)
                .ok_or(EINVAL)?
                .copy_from_slice(&row);
            y += 1;
        }
    }
    Ok(())
}

impl Testcap {
    fn format(dev: &Adapter<Self>) -> &'static Format {
        let i = dev.extension().stream.format.load() as usize;
        &FORMATS[i.min(FORMATS.len() - 1)]
    }

    /// The frame interval in 100 ns units.
    fn interval(f: &Format) -> i64 {
        10_000_000 * i64::from(f.interval_numerator) / i64::from(f.interval_denominator)
    }

    fn open_stream(dev: &Adapter<Self>, srb: &Srb) -> Status {
        let st = &dev.extension().stream;
        let Some(i) = srb
            .open_format()
            .and_then(|f| FORMATS.iter().position(|g| *g == f))
        else {
            return Status::InvalidParameter;
        };
        if st.open.compare_exchange(0, 1).is_err() {
            return Status::InsufficientResources;
        }
        st.format.store(i as u64);
        for w in [&st.delivered, &st.dropped, &st.tick, &st.state] {
            w.store(0);
        }
        Status::Success
    }

    fn close_stream(dev: &Adapter<Self>) -> Status {
        let st = &dev.extension().stream;
        dev_info!(
            dev.device(),
            "stream closed: {} frames drawn, {} dropped\n",
            st.delivered.load(),
            st.dropped.load()
        );
        st.open.store(0);
        Status::Success
    }

    fn set_state(dev: &Adapter<Self>, state: KsState) -> Status {
        let st = &dev.extension().stream;
        let was = st.state.swap(state as u64);
        if state == KsState::Run && was != KsState::Run as u64 {
            st.tick.store(0);
            let us = Self::interval(Self::format(dev)) as u64 / 10;
            if dev.schedule_stream_timer(0, us, Self::tick).is_err() {
                return Status::IoDeviceError;
            }
        } else if state != KsState::Run && !module_parameters::stubborn_timer.value() {
            // Leaving RUN: no more frames (the class also cancels the
            // timer, and waits for it, at STOP).
            let _ = dev.schedule_stream_timer(0, 0, Self::tick);
        }
        Status::Success
    }

    /// The stream timer: one frame time has passed.
    fn tick(dev: &Adapter<Self>) {
        let st = &dev.extension().stream;
        if st.state.load() != KsState::Run as u64 {
            if module_parameters::stubborn_timer.value() {
                if st.open.load() == 0 {
                    dev.extension().closed_ticks.fetch_add(1);
                }
                let us = Self::interval(Self::format(dev)) as u64 / 10;
                let _ = dev.schedule_stream_timer(0, us, Self::tick);
            }
            return;
        }
        let Some(now) = dev.stream_time(0) else {
            return;
        };
        let interval = Self::interval(Self::format(dev));
        let k = st.tick.fetch_add(1);
        // Frame k is due at k + 1 intervals on the stream clock (the first
        // one interval after RUN), so the next tick at k + 2.
        let due = (k as i64 + 2) * interval;
        let us = ((due - now) / 10).max(1) as u64;
        if dev.schedule_stream_timer(0, us, Self::tick).is_err() {
            return;
        }
        let count = st.count.load() as usize;
        if st.busy.load() != 0 || count == 0 {
            st.dropped.fetch_add(1);
            return;
        }
        let head = st.head.load() as usize;
        st.head.store(((head + 1) % QUEUE) as u64);
        st.count.store(count as u64 - 1);
        let Some(srb) = st.queue[head].take() else {
            return;
        };
        st.picture.store(k);
        st.time.store(now as u64);
        st.busy.store(1);
        if let Err(srb) = st.drawing.put(srb) {
            st.busy.store(0);
            return srb.complete(Status::IoDeviceError);
        }
        if dev.call_at_new_priority(Priority::Low, Self::draw).is_err() {
            st.busy.store(0);
            if let Some(srb) = st.drawing.take() {
                srb.complete(Status::IoDeviceError);
            }
        }
    }

    /// Draws the frame of the SRB a tick took, in process context.
    fn draw(dev: &Adapter<Self>) {
        let st = &dev.extension().stream;
        let Some(mut srb) = st.drawing.take() else {
            // Cancelled before it was drawn.
            st.busy.store(0);
            return;
        };
        let f = Self::format(dev);
        let n = st.picture.load();
        let c = dev.extension().controls.each_ref().map(|v| v.load() as i32);
        let drawn = match srb.data_buffer() {
            Some(buf) => draw(buf, f, n, c),
            None => Err(EINVAL),
        };
        let status = match drawn {
            Ok(()) => {
                srb.set_data_used(f.sizeimage);
                srb.set_picture_number(n);
                srb.set_presentation_time(st.time.load() as i64);
                srb.set_drop_count(st.dropped.load());
                st.delivered.fetch_add(1);
                Status::Success
            }
            Err(_) => Status::IoDeviceError,
        };
        srb.complete(status);
        st.busy.store(0);
    }

    /// `SRB_GET_DEVICE_PROPERTY` and `SRB_SET_DEVICE_PROPERTY`.
    fn property(dev: &Adapter<Self>, srb: &mut Srb) -> Status {
        let Some((id, value)) = srb.property() else {
            return Status::InvalidParameter;
        };
        let Some(i) = CONTROLS.iter().position(|c| c.id == id) else {
            return Status::InvalidParameter;
        };
        let v = &dev.extension().controls[i];
        if srb.command() == Command::GetDeviceProperty {
            return match srb.set_property_value(v.load() as i32) {
                Ok(()) => Status::Success,
                Err(_) => Status::InvalidParameter,
            };
        }
        if !(CONTROLS[i].minimum..=CONTROLS[i].maximum).contains(&value) {
            return Status::InvalidParameter;
        }
        v.store(value as u64);
        Status::Success
    }

    fn cancel(dev: &Adapter<Self>, frame: u64) {
        let st = &dev.extension().stream;
        if let Some(srb) = st.drawing.take() {
            if srb.frame_number() == frame {
                return srb.complete(Status::Cancelled);
            }
            if let Err(srb) = st.drawing.put(srb) {
                srb.complete(Status::Cancelled);
            }
        }
        let (head, count) = (st.head.load() as usize, st.count.load() as usize);
        let mut kept = 0;
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
impl Minidriver for Testcap {
    type Extension = Ext;
    const CONFIG: Config = Config {
        dma_address_bits: 32,
        ..Config::new()
    };

    fn receive_packet(dev: &Adapter<Self>, srb: Srb) {
        let mut srb = srb;
        let status = match srb.command() {
            Command::InitializeDevice => {
                for (v, c) in dev.extension().controls.iter().zip(CONTROLS.iter()) {
                    v.store(c.default_value as u64);
                }
                let b = module_parameters::start_brightness.value().clamp(0, 255);
                dev.extension().controls[0].store(b as u64);
                Status::Success
            }
            Command::GetStreamInfo => {
                match (srb.set_streams(&STREAMS), srb.set_controls(&CONTROLS)) {
                    (Ok(()), Ok(())) => Status::Success,
                    _ => Status::InvalidParameter,
                }
            }
            Command::GetDeviceProperty | Command::SetDeviceProperty => {
                Self::property(dev, &mut srb)
            }
            Command::InitializationComplete => Status::Success,
            Command::UninitializeDevice => {
                dev_info!(
                    dev.device(),
                    "uninitialized; timer routines run with the stream closed: {}\n",
                    dev.extension().closed_ticks.load()
                );
                Status::Success
            }
            Command::OpenStream => Self::open_stream(dev, &srb),
            Command::CloseStream => Self::close_stream(dev),
            _ => Status::NotImplemented,
        };
        srb.complete(status);
    }

    fn receive_data_packet(dev: &Adapter<Self>, srb: Srb) {
        let st = &dev.extension().stream;
        let count = st.count.load() as usize;
        if srb.command() != Command::ReadData || count == QUEUE {
            return srb.complete(Status::InsufficientResources);
        }
        let at = (st.head.load() as usize + count) % QUEUE;
        match st.queue[at].put(srb) {
            Ok(()) => st.count.store(count as u64 + 1),
            Err(srb) => srb.complete(Status::InsufficientResources),
        }
    }

    fn receive_control_packet(dev: &Adapter<Self>, mut srb: Srb) {
        let st = &dev.extension().stream;
        let status = match srb.command() {
            Command::SetStreamState => match srb.stream_state() {
                Some(state) => Self::set_state(dev, state),
                None => Status::InvalidParameter,
            },
            Command::GetStreamState => {
                let state = KsState::from_raw(st.state.load() as u32).unwrap_or(KsState::Stop);
                match srb.report_stream_state(state) {
                    Ok(()) => Status::Success,
                    Err(_) => Status::InvalidParameter,
                }
            }
            _ => Status::NotImplemented,
        };
        srb.complete(status);
    }

    fn cancel_stream_packet(dev: &Adapter<Self>, _command: Command, frame: u64) {
        Self::cancel(dev, frame);
    }
}

struct TestcapModule {
    _reg: MinidriverRegistration<Testcap>,
}

impl kernel::Module for TestcapModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg = MinidriverRegistration::<Testcap>::new_virtual(
            c"streamclass_testcap",
            module_parameters::devices.value(),
            module,
        )?;
        Ok(Self { _reg: reg })
    }
}
