// SPDX-License-Identifier: GPL-2.0

//! The null minidriver of the streaming benchmark (`make bench`): one
//! virtual device whose capture stream (YUYV 320x240, as the bare
//! videobuf2 node of `tests/bench` offers) completes each `SRB_READ_DATA`
//! at once, from its data callback, through the notification. Its frame
//! rate against the bare node's is the class's streaming overhead.

use kernel::prelude::*;
use streamclass::{
    fourcc,
    Adapter,
    AtomicWord,
    Command,
    Config,
    Format,
    KsState,
    Minidriver,
    MinidriverRegistration,
    Srb,
    Status,
    StreamDescriptor, //
};

module! {
    type: BenchNullModule,
    name: "streamclass_bench_null",
    authors: ["The streamclass developers"],
    description: "streamclass benchmark: a minidriver that completes every frame at once",
    license: "GPL",
    imports_ns: ["STREAMCLASS"],
}

static FORMATS: [Format; 1] = [Format {
    pixelformat: fourcc(b"YUYV"),
    width: 320,
    height: 240,
    bytesperline: 640,
    sizeimage: 640 * 240,
    interval_numerator: 1,
    interval_denominator: 30,
}];
static STREAMS: [StreamDescriptor; 1] = [StreamDescriptor::capture(c"null", 1, &FORMATS)];

/// The device extension, zeroed by the class.
#[derive(Zeroable)]
struct Ext {
    state: AtomicWord,
    picture: AtomicWord,
}

struct BenchNull;

#[vtable]
impl Minidriver for BenchNull {
    type Extension = Ext;
    const CONFIG: Config = Config {
        dma_address_bits: 32,
        ..Config::new()
    };

    fn receive_packet(dev: &Adapter<Self>, mut srb: Srb) {
        let status = match srb.command() {
            Command::InitializeDevice
            | Command::InitializationComplete
            | Command::UninitializeDevice
            | Command::CloseStream => Status::Success,
            Command::OpenStream => {
                dev.extension().picture.store(0);
                Status::Success
            }
            Command::GetStreamInfo => match srb.set_streams(&STREAMS) {
                Ok(()) => Status::Success,
                Err(_) => Status::InvalidParameter,
            },
            _ => Status::NotImplemented,
        };
        srb.complete(status);
    }

    fn receive_data_packet(dev: &Adapter<Self>, mut srb: Srb) {
        srb.set_data_used(FORMATS[0].sizeimage);
        srb.set_picture_number(dev.extension().picture.fetch_add(1));
        srb.complete(Status::Success);
    }

    fn receive_control_packet(dev: &Adapter<Self>, mut srb: Srb) {
        let ext = dev.extension();
        let status = match srb.command() {
            Command::SetStreamState => match srb.stream_state() {
                Some(s) => {
                    ext.state.store(s as u64);
                    Status::Success
                }
                None => Status::InvalidParameter,
            },
            Command::GetStreamState => {
                let s = KsState::from_raw(ext.state.load() as u32).unwrap_or(KsState::Stop);
                match srb.report_stream_state(s) {
                    Ok(()) => Status::Success,
                    Err(_) => Status::InvalidParameter,
                }
            }
            _ => Status::NotImplemented,
        };
        srb.complete(status);
    }
}

struct BenchNullModule {
    _reg: MinidriverRegistration<BenchNull>,
}

impl kernel::Module for BenchNullModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let reg =
            MinidriverRegistration::<BenchNull>::new_virtual(c"streamclass_bench_null", 1, module)?;
        Ok(Self { _reg: reg })
    }
}
