// SPDX-License-Identifier: GPL-2.0

//! Stream descriptors (`SRB_GET_STREAM_INFO`: strmini.h's
//! `HW_STREAM_HEADER` and `HW_STREAM_INFORMATION`): the C layouts a
//! minidriver fills, and the class's checked copy of them, made while the
//! SRB is in flight so nothing of the minidriver's is read afterwards.
//!
//! A stream's formats are given in Linux's terms (a V4L2 pixel format,
//! size, line pitch, image size, frame interval): what a `KS_DATARANGE_VIDEO`
//! says, in the form the V4L2 face will offer.

use core::{
    fmt,
    ptr, //
};
use kernel::{
    ffi::c_char,
    prelude::*, //
};

/// Most streams a device may describe (`STREAMCLASS_MAX_STREAMS`).
pub(crate) const MAX_STREAMS: usize = 16;
/// Most formats a stream may describe (`STREAMCLASS_MAX_FORMATS`).
pub(crate) const MAX_FORMATS: usize = 64;
/// Bytes of a stream's name the class keeps, with its NUL.
const NAME_LEN: usize = 32;
/// Largest frame the class accepts.
const MAX_IMAGE: u64 = 64 << 20;
/// Largest width or height.
const MAX_SIDE: u32 = 16384;

/// A V4L2 fourcc (`v4l2_fourcc()`).
pub const fn fourcc(code: &[u8; 4]) -> u32 {
    (code[0] as u32) | (code[1] as u32) << 8 | (code[2] as u32) << 16 | (code[3] as u32) << 24
}

/// `struct streamclass_format`: one format a stream can carry.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// The V4L2 pixel format, see [`fourcc`].
    pub pixelformat: u32,
    /// Pixels per line.
    pub width: u32,
    /// Lines.
    pub height: u32,
    /// Bytes from one line to the next.
    pub bytesperline: u32,
    /// Bytes of a frame.
    pub sizeimage: u32,
    /// Frame interval numerator, in seconds.
    pub interval_numerator: u32,
    /// Frame interval denominator.
    pub interval_denominator: u32,
}

impl Format {
    /// `EINVAL` unless the format is one the class can take: a pixel
    /// format, sides of 1 to 16384, a pitch, an image of at least a pitch
    /// per line and at most 64 MiB, and an interval with no 0.
    pub(crate) fn check(&self) -> Result {
        let lines = u64::from(self.bytesperline) * u64::from(self.height);
        let ok = self.pixelformat != 0
            && (1..=MAX_SIDE).contains(&self.width)
            && (1..=MAX_SIDE).contains(&self.height)
            && self.bytesperline > 0
            && u64::from(self.sizeimage) >= lines
            && u64::from(self.sizeimage) <= MAX_IMAGE
            && self.interval_numerator != 0
            && self.interval_denominator != 0;
        if ok {
            Ok(())
        } else {
            Err(EINVAL)
        }
    }
}

/// `enum streamclass_data_flow` (`KSPIN_DATAFLOW`).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFlow {
    /// To the device (output): not supported yet.
    In = 1,
    /// From the device (capture).
    Out = 2,
}

/// `struct streamclass_stream_descriptor`: one stream of a device. From
/// Rust, made with [`StreamDescriptor::capture`] from `'static` data.
#[repr(C)]
pub struct StreamDescriptor {
    data_flow: u32,
    possible_instances: u32,
    name: *const c_char,
    number_of_formats: u32,
    formats: *const Format,
}

// SAFETY: A Rust descriptor points to `'static`, immutable data only (see
// `capture`); the class only reads it.
unsafe impl Sync for StreamDescriptor {}

impl StreamDescriptor {
    /// A capture stream named `name`, of which `possible_instances` may be
    /// open at once, offering `formats` in that order.
    #[expect(
        clippy::disallowed_methods,
        reason = "`as_char_ptr` is not const; the cast gives the kernel's unsigned `c_char`"
    )]
    pub const fn capture(
        name: &'static CStr,
        possible_instances: u32,
        formats: &'static [Format],
    ) -> Self {
        Self {
            data_flow: DataFlow::Out as u32,
            possible_instances,
            name: name.as_ptr().cast::<c_char>(),
            number_of_formats: formats.len() as u32,
            formats: formats.as_ptr(),
        }
    }
}

/// `struct streamclass_data_intersection` (`STREAM_DATA_INTERSECT_INFO`),
/// as C lays it out: the command data of `SRB_GET_DATA_INTERSECTION`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct DataIntersection {
    pub(crate) stream_number: u32,
    pub(crate) request: Format,
    pub(crate) result: Format,
}

const _: () = {
    assert!(core::mem::offset_of!(DataIntersection, result) == 32);
    assert!(core::mem::size_of::<DataIntersection>() == 60);
};

impl DataIntersection {
    /// The question for a request of `pixelformat`, `width` x `height` on
    /// stream `stream`: the other fields 0, no result yet.
    pub(crate) fn new(stream: u32, want: &Format) -> Self {
        let zero = Format {
            pixelformat: 0,
            width: 0,
            height: 0,
            bytesperline: 0,
            sizeimage: 0,
            interval_numerator: 0,
            interval_denominator: 0,
        };
        Self {
            stream_number: stream,
            request: Format {
                pixelformat: want.pixelformat,
                width: want.width,
                height: want.height,
                ..zero
            },
            result: zero,
        }
    }
}

/// `struct streamclass_stream_info`, as C lays it out.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct StreamInfo {
    pub(crate) number_of_streams: u32,
    pub(crate) streams: *const StreamDescriptor,
    pub(crate) number_of_controls: u32,
    pub(crate) controls: *const crate::controls::Control,
}

// SAFETY: Integers and raw pointers, 8-byte aligned at most.
unsafe impl crate::srb::CommandData for StreamInfo {}
// SAFETY: Integers only.
unsafe impl crate::srb::CommandData for Format {}
// SAFETY: Integers only.
unsafe impl crate::srb::CommandData for DataIntersection {}

impl StreamInfo {
    /// What the class passes: nothing described.
    pub(crate) fn empty() -> Self {
        Self {
            number_of_streams: 0,
            streams: ptr::null(),
            number_of_controls: 0,
            controls: ptr::null(),
        }
    }
}

/// The class's copy of one described stream.
pub(crate) struct Stream {
    pub(crate) data_flow: DataFlow,
    pub(crate) possible_instances: u32,
    name: [u8; NAME_LEN],
    pub(crate) formats: KVec<Format>,
}

impl Stream {
    /// The name, as the minidriver gave it (cut to 31 bytes).
    pub(crate) fn name(&self) -> &str {
        let len = self.name.iter().position(|b| *b == 0).unwrap_or(NAME_LEN);
        core::str::from_utf8(&self.name[..len]).unwrap_or("?")
    }
}

/// Copies and checks the streams `info` describes: none when `streams` is
/// NULL; `EINVAL` for more than [`MAX_STREAMS`], a NULL name or formats,
/// 0 or more than [`MAX_FORMATS`] formats, no possible instance, an unknown
/// data flow or a format [`Format::check`] refuses; `EOPNOTSUPP` for an
/// output stream.
///
/// # Safety
///
/// `info.streams` is NULL or points to `info.number_of_streams` readable
/// descriptors, each with a readable C string `name` and
/// `number_of_formats` readable formats (checked against the limits before
/// any of them is read).
pub(crate) unsafe fn take(info: &StreamInfo) -> Result<KVec<Stream>> {
    let mut out = KVec::new();
    if info.streams.is_null() {
        return Ok(out);
    }
    let n = info.number_of_streams as usize;
    if n > MAX_STREAMS {
        return Err(EINVAL);
    }
    for i in 0..n {
        // SAFETY: `i` < `n` readable descriptors, by the safety requirements.
        let d = unsafe { &*info.streams.add(i) };
        let formats = d.number_of_formats as usize;
        if d.name.is_null() || d.formats.is_null() || formats == 0 || formats > MAX_FORMATS {
            return Err(EINVAL);
        }
        if d.possible_instances == 0 {
            return Err(EINVAL);
        }
        let data_flow = match d.data_flow {
            2 => DataFlow::Out,
            1 => return Err(EOPNOTSUPP),
            _ => return Err(EINVAL),
        };
        // SAFETY: `formats` readable formats, by the safety requirements.
        let given = unsafe { core::slice::from_raw_parts(d.formats, formats) };
        let mut copy = KVec::with_capacity(formats, GFP_KERNEL)?;
        for f in given {
            f.check()?;
            copy.push(*f, GFP_KERNEL)?;
        }
        let mut name = [0u8; NAME_LEN];
        // SAFETY: A readable C string, by the safety requirements.
        let given_name = unsafe { CStr::from_char_ptr(d.name) }.to_bytes();
        let len = given_name.len().min(NAME_LEN - 1);
        name[..len].copy_from_slice(&given_name[..len]);
        out.push(
            Stream {
                data_flow,
                possible_instances: d.possible_instances,
                name,
                formats: copy,
            },
            GFP_KERNEL,
        )?;
    }
    Ok(out)
}

/// Writes `streams` as debugfs `streams` shows them: a line per stream,
/// then a line per format.
pub(crate) fn describe(streams: &[Stream], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, s) in streams.iter().enumerate() {
        let flow = match s.data_flow {
            DataFlow::Out => "capture",
            DataFlow::In => "output",
        };
        writeln!(
            f,
            "stream {i} {flow} \"{}\" instances {}",
            s.name(),
            s.possible_instances
        )?;
        for fm in s.formats.iter() {
            let cc = fm.pixelformat.to_le_bytes();
            writeln!(
                f,
                "  {}{}{}{} {}x{} bytesperline {} sizeimage {} interval {}/{}",
                cc[0] as char,
                cc[1] as char,
                cc[2] as char,
                cc[3] as char,
                fm.width,
                fm.height,
                fm.bytesperline,
                fm.sizeimage,
                fm.interval_numerator,
                fm.interval_denominator
            )?;
        }
    }
    Ok(())
}

#[kunit_tests(streamclass_stream_info)]
mod tests {
    use super::*;

    const GREY: Format = Format {
        pixelformat: fourcc(b"GREY"),
        width: 64,
        height: 64,
        bytesperline: 64,
        sizeimage: 4096,
        interval_numerator: 1,
        interval_denominator: 30,
    };
    static FORMATS: [Format; 1] = [GREY];
    static ONE: [StreamDescriptor; 1] = [StreamDescriptor::capture(c"video", 1, &FORMATS)];

    fn info(streams: &[StreamDescriptor]) -> StreamInfo {
        StreamInfo {
            number_of_streams: streams.len() as u32,
            streams: streams.as_ptr(),
            ..StreamInfo::empty()
        }
    }

    #[test]
    fn a_good_stream_is_copied() -> Result {
        assert_eq!(fourcc(b"GREY"), 0x5945_5247);
        // SAFETY: `ONE` is a valid descriptor of `'static` data.
        let got = unsafe { take(&info(&ONE)) }?;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name(), "video");
        assert_eq!(
            (got[0].data_flow, got[0].possible_instances),
            (DataFlow::Out, 1)
        );
        assert_eq!(&got[0].formats[..], &FORMATS[..]);
        // Nothing described.
        // SAFETY: NULL streams.
        assert_eq!(unsafe { take(&StreamInfo::empty()) }?.len(), 0);
        Ok(())
    }

    #[test]
    fn formats_are_checked() {
        let bad = [
            Format {
                pixelformat: 0,
                ..GREY
            },
            Format { width: 0, ..GREY },
            Format {
                height: 16385,
                ..GREY
            },
            Format {
                bytesperline: 0,
                ..GREY
            },
            Format {
                sizeimage: 4095,
                ..GREY
            },
            Format {
                interval_denominator: 0,
                ..GREY
            },
            // A pitch times the height that overflows 32 bits.
            Format {
                bytesperline: u32::MAX,
                height: 2,
                sizeimage: u32::MAX,
                ..GREY
            },
        ];
        assert!(GREY.check().is_ok());
        for f in bad.iter() {
            assert_eq!(f.check(), Err(EINVAL));
        }
        let big = Format {
            width: 8192,
            height: 8192,
            bytesperline: 8192,
            sizeimage: 1 << 26,
            ..GREY
        };
        assert!(big.check().is_ok());
        assert_eq!(
            Format {
                sizeimage: (1 << 26) + 1,
                ..big
            }
            .check(),
            Err(EINVAL)
        );
    }

    #[test]
    fn bad_descriptors_are_refused() {
        static BAD_FORMAT: [Format; 1] = [Format {
            sizeimage: 1,
            ..GREY
        }];
        static NO_FORMATS: [Format; 0] = [];
        static CASES: [StreamDescriptor; 3] = [
            StreamDescriptor::capture(c"bad format", 1, &BAD_FORMAT),
            StreamDescriptor::capture(c"no formats", 1, &NO_FORMATS),
            StreamDescriptor::capture(c"no instance", 0, &FORMATS),
        ];
        for case in CASES.chunks(1) {
            // SAFETY: Valid descriptors of `'static` data.
            assert_eq!(unsafe { take(&info(case)) }.err(), Some(EINVAL));
        }
        let output = StreamDescriptor {
            data_flow: DataFlow::In as u32,
            ..StreamDescriptor::capture(c"out", 1, &FORMATS)
        };
        // SAFETY: A valid descriptor of `'static` data.
        let refused = unsafe { take(&info(core::slice::from_ref(&output))) };
        assert_eq!(refused.err(), Some(EOPNOTSUPP));
        let mut too_many = info(&ONE);
        too_many.number_of_streams = MAX_STREAMS as u32 + 1;
        // SAFETY: Refused before any descriptor is read.
        assert_eq!(unsafe { take(&too_many) }.err(), Some(EINVAL));
    }

    #[test]
    fn long_names_are_cut() -> Result {
        static LONG: [StreamDescriptor; 1] = [StreamDescriptor::capture(
            c"a stream name that is longer than thirty-one bytes",
            1,
            &FORMATS,
        )];
        // SAFETY: A valid descriptor of `'static` data.
        let got = unsafe { take(&info(&LONG)) }?;
        assert_eq!(got[0].name(), "a stream name that is longer th");
        Ok(())
    }
}
