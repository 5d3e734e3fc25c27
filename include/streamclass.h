/* SPDX-License-Identifier: GPL-2.0 */
/*
 * streamclass: the Windows Stream class minidriver model on Linux.
 *
 * The C contract of streamclass.ko. Symbols live in the "STREAMCLASS"
 * namespace: a module using them says MODULE_IMPORT_NS("STREAMCLASS").
 * See Documentation/streamclass.rst for the model and the porting table.
 */
#ifndef _STREAMCLASS_H
#define _STREAMCLASS_H

#include <linux/types.h>

struct device;
struct module;
struct pci_dev;
struct pci_device_id;
struct streamclass_srb;

/* The minidriver's callbacks (HwReceivePacket, HwInterrupt, HwCancelPacket,
 * HwRequestTimeoutHandler of strmini.h); see struct streamclass_init_data. */
typedef void (*streamclass_receive_packet_fn)(struct streamclass_srb *srb);
typedef bool (*streamclass_interrupt_fn)(void *hw_device_extension);
typedef void (*streamclass_cancel_packet_fn)(struct streamclass_srb *srb);
typedef void (*streamclass_request_timeout_fn)(struct streamclass_srb *srb);

/**
 * struct streamclass_init_data - what a minidriver asks of the class driver
 * @size: sizeof(struct streamclass_init_data) the caller was built with. A
 *        smaller, older layout is zero-extended; a larger, newer one is taken
 *        only when the bytes this version does not know are all zero (else
 *        -E2BIG); below %STREAMCLASS_INIT_DATA_SIZE_VER0 is -EINVAL.
 * @device_extension_size: bytes of the zeroed per-device extension.
 * @per_request_extension_size: bytes of the zeroed per-request extension.
 * @dma_buffer_size: bytes of the common DMA buffer; 0: no DMA buffer.
 * @buffer_alignment: 0 or a power of two, at most PAGE_SIZE.
 * @bus_master_dma: the device is a bus master (also needed for an MSI: the
 *	message is a write by the device).
 * @dma_24bit_addresses: the device reaches the low 16 MiB only.
 * @dma_address_bits: the device's DMA addressing limit in bits (24..64);
 *                    0: 24 if @dma_24bit_addresses, else 64.
 * @hw_receive_packet: device SRBs (required by streamclass_register_minidriver()).
 *                     Each SRB is the minidriver's until it completes it with
 *                     streamclass_device_notification(DEVICE_REQUEST_COMPLETE),
 *                     in the call or later, whatever status it set before.
 * @hw_interrupt: the interrupt handler, hard-IRQ context; returns true when
 *                the interrupt was the device's. NULL: no interrupt is requested.
 * @hw_cancel_packet: asks the minidriver to end a pending SRB early (it still
 *                    completes it). May be NULL.
 * @hw_request_timeout_handler: an SRB's timeout_counter ran out. NULL:
 *                              @hw_cancel_packet is called.
 * @per_stream_extension_size: bytes of the zeroed extension of each open
 *     stream (PerStreamExtensionSize), at most 64 KiB. Since
 *     %STREAMCLASS_INIT_DATA_SIZE_VER2.
 * @turn_off_synchronization: false (strmini.h's default): the class runs
 *     @hw_receive_packet, @hw_cancel_packet, @hw_request_timeout_handler,
 *     @hw_interrupt and HIGH and DISPATCH priority routines one at a time per
 *     device, under an IRQ-safe lock, so they are atomic context and must
 *     not sleep (use streamclass_call_at_new_priority(LOW) for that); and it
 *     sends the next device SRB only once the previous one is complete or
 *     READY_FOR_NEXT_DEVICE_REQUEST was notified. True: no lock, the
 *     callbacks but @hw_interrupt run in process context and may overlap
 *     each other and the interrupt; SRBs are sent without waiting.
 *
 * The callbacks and @turn_off_synchronization are used by
 * streamclass_register_minidriver() only; streamclass_register_device()
 * ignores them.
 *
 * Modelled on HW_INITIALIZATION_DATA of strmini.h.
 */
struct streamclass_init_data {
	u32 size;
	u32 device_extension_size;
	u32 per_request_extension_size;
	u32 dma_buffer_size;
	u32 buffer_alignment;
	bool bus_master_dma;
	bool dma_24bit_addresses;
	u8 dma_address_bits;
	/* since STREAMCLASS_INIT_DATA_SIZE_VER1 */
	streamclass_receive_packet_fn hw_receive_packet;
	streamclass_interrupt_fn hw_interrupt;
	streamclass_cancel_packet_fn hw_cancel_packet;
	streamclass_request_timeout_fn hw_request_timeout_handler;
	bool turn_off_synchronization;
	u8 __reserved[7];	/* VER1's padding: never read */
	/* since STREAMCLASS_INIT_DATA_SIZE_VER2 */
	u32 per_stream_extension_size;
};

/* The first published layout of struct streamclass_init_data. */
#define STREAMCLASS_INIT_DATA_SIZE_VER0 24
/* The layout with the minidriver callbacks. */
#define STREAMCLASS_INIT_DATA_SIZE_VER1 64
/* The layout with the per-stream extension. */
#define STREAMCLASS_INIT_DATA_SIZE_VER2 72

/**
 * enum streamclass_buffer_type - what streamclass_get_physical_address() resolves
 * @STREAMCLASS_PER_REQUEST_EXTENSION: an SRB's per-request extension, for
 *     a device of a minidriver: the device reaches it at that address while
 *     the minidriver holds the SRB, sharing it with the CPU with no sync
 *     calls (the class takes memory that needs no bouncing).
 * @STREAMCLASS_DMA_BUFFER: the device's common DMA buffer.
 * @STREAMCLASS_SRB_DATA_BUFFER: the data buffer of a pending data SRB
 *     (SRB_READ_DATA to a stream instance): the bus address of a kernel
 *     address in @data_buffer_array->data, and the bytes from there to the
 *     end of its scatter/gather element. 0 when the buffer has no kernel
 *     mapping (data NULL).
 *
 * Modelled on STREAM_BUFFER_TYPE of strmini.h.
 */
enum streamclass_buffer_type {
	STREAMCLASS_PER_REQUEST_EXTENSION,
	STREAMCLASS_DMA_BUFFER,
	STREAMCLASS_SRB_DATA_BUFFER,
};

/**
 * enum streamclass_srb_command - what an SRB asks (SRB_COMMAND of strmini.h,
 * same values)
 * @STREAMCLASS_SRB_READ_DATA: with a @stream_object, a data SRB to the
 *     instance's receive_data_packet: fill the one buffer that
 *     command_data.data_buffer_array describes (its scatter/gather list is
 *     @scatter_gather_buffer), set its data_used, picture_number and
 *     drop_count, and complete it with STREAM_REQUEST_COMPLETE. Several are
 *     outstanding at once (one per queued V4L2 buffer), completed in any
 *     order. Without one, a device SRB to @hw_receive_packet: capture frame
 *     @frame_number into the common DMA buffer (debugfs ``capture``).
 * @STREAMCLASS_SRB_GET_STREAM_INFO: fill command_data.stream_info.
 * @STREAMCLASS_SRB_INITIALIZE_DEVICE: start the device; command_data.config_info
 *     describes it. A status other than success fails the probe.
 * @STREAMCLASS_SRB_UNINITIALIZE_DEVICE: stop the device (no DMA, no
 *     interrupts) before the class frees its resources.
 * @STREAMCLASS_SRB_INITIALIZATION_COMPLETE: the class finished its start.
 * @STREAMCLASS_SRB_SURPRISE_REMOVAL: the device is gone (hot-unplugged,
 *     marked disconnected, or its config space reads all ones), found at
 *     removal: its registers read all ones and DMA no longer lands; do not
 *     wait for the hardware. Sent after the pending SRBs were cancelled and
 *     completed, before SRB_UNINITIALIZE_DEVICE.
 * @STREAMCLASS_SRB_GET_STREAM_STATE: a stream SRB, to the instance's
 *     receive_control_packet: set command_data.stream_state to the
 *     instance's state (enum streamclass_ksstate). Sent for VIDIOC_LOG_STATUS
 *     while the node streams.
 * @STREAMCLASS_SRB_GET_DATA_INTERSECTION: format negotiation, to
 *     @hw_receive_packet: command_data.intersect names a stream and the
 *     format an application asked for; set its result to the described
 *     format the stream gives for it. NOT_IMPLEMENTED: the class matches
 *     (the described format of the requested pixel format, else of the
 *     first format's, closest in size). Sent for every TRY_FMT and S_FMT.
 * @STREAMCLASS_SRB_SET_STREAM_STATE: a stream SRB, to the instance's
 *     receive_control_packet: move to command_data.stream_state (enum
 *     streamclass_ksstate), one state away from the current one (the class
 *     steps STOP, ACQUIRE, PAUSE, RUN and back, one SRB each). Completed
 *     with streamclass_stream_notification(STREAM_REQUEST_COMPLETE).
 * @STREAMCLASS_SRB_OPEN_STREAM: open an instance of stream
 *     @stream_object->stream_number in format command_data.open_format (one
 *     of the stream's described formats): set up @stream_object (its zeroed
 *     hw_stream_extension is the minidriver's; it sets the stream's
 *     callbacks). A status other than success: not opened.
 * @STREAMCLASS_SRB_CLOSE_STREAM: close @stream_object's instance, stepped
 *     down to STOP first: the class frees the object and its extension once
 *     this SRB completes. Sent for every open instance before
 *     SRB_UNINITIALIZE_DEVICE.
 * @STREAMCLASS_SRB_GET_DEVICE_PROPERTY: to @hw_receive_packet: set
 *     command_data.property->value to the device's value of control
 *     command_data.property->id (one the minidriver declared). Sent when
 *     a node is made. NOT_IMPLEMENTED: the control's default.
 * @STREAMCLASS_SRB_SET_DEVICE_PROPERTY: to @hw_receive_packet: set control
 *     command_data.property->id to command_data.property->value (within
 *     its range). Sent for each change of the V4L2 control; a status
 *     other than success fails VIDIOC_S_CTRL with its errno.
 */
enum streamclass_srb_command {
	STREAMCLASS_SRB_READ_DATA = 0x0,
	STREAMCLASS_SRB_GET_STREAM_STATE = 0x2,
	STREAMCLASS_SRB_SET_STREAM_STATE = 0x3,
	STREAMCLASS_SRB_GET_STREAM_INFO = 0x100,
	STREAMCLASS_SRB_OPEN_STREAM = 0x101,
	STREAMCLASS_SRB_CLOSE_STREAM = 0x102,
	STREAMCLASS_SRB_GET_DEVICE_PROPERTY = 0x105,
	STREAMCLASS_SRB_SET_DEVICE_PROPERTY = 0x106,
	STREAMCLASS_SRB_INITIALIZE_DEVICE = 0x107,
	STREAMCLASS_SRB_UNINITIALIZE_DEVICE = 0x109,
	STREAMCLASS_SRB_GET_DATA_INTERSECTION = 0x10c,
	STREAMCLASS_SRB_INITIALIZATION_COMPLETE = 0x10d,
	STREAMCLASS_SRB_SURPRISE_REMOVAL = 0x10e,
};

/**
 * enum streamclass_status - an SRB's status, set by the minidriver
 *
 * Documentation/streamclass.rst maps each to its NTSTATUS and Linux errno
 * (in order: 0, -, -EOPNOTSUPP, -EIO, -ENOMEM, -EINVAL, -ECANCELED,
 * -ETIMEDOUT, -ENODEV). An unknown value counts as -EIO.
 */
enum streamclass_status {
	STREAMCLASS_STATUS_SUCCESS = 0,
	STREAMCLASS_STATUS_PENDING = 1,
	STREAMCLASS_STATUS_NOT_IMPLEMENTED = 2,
	STREAMCLASS_STATUS_IO_DEVICE_ERROR = 3,
	STREAMCLASS_STATUS_INSUFFICIENT_RESOURCES = 4,
	STREAMCLASS_STATUS_INVALID_PARAMETER = 5,
	STREAMCLASS_STATUS_CANCELLED = 6,
	STREAMCLASS_STATUS_TIMEOUT = 7,
	STREAMCLASS_STATUS_NO_SUCH_DEVICE = 8,
};

#define STREAMCLASS_MAX_ACCESS_RANGES 6

/**
 * struct streamclass_access_range - one BAR (ACCESS_RANGE)
 * @start: the class's mapping of a memory BAR; NULL for an I/O-port BAR.
 * @bus_address: the BAR's bus address.
 * @length: its length in bytes.
 * @in_memory: a memory BAR (RangeInMemory).
 */
struct streamclass_access_range {
	void __iomem *start;
	u64 bus_address;
	u64 length;
	bool in_memory;
};

/**
 * struct streamclass_port_config - the device, for SRB_INITIALIZE_DEVICE
 * (PORT_CONFIGURATION_INFORMATION)
 * @size_of_this_packet: sizeof(struct streamclass_port_config).
 * @number_of_access_ranges: used entries of @access_ranges (BARs 0.. in order;
 *                           an unused BAR has length 0).
 * @dev: the device.
 * @pdev: the PCI device.
 * @hw_device_extension: the zeroed device extension.
 * @irq: the Linux IRQ number (BusInterruptLevel), 0 when the class requests
 *       none. It is requested after SRB_INITIALIZE_DEVICE succeeds.
 * @access_ranges: the BARs, mapped by the class.
 */
struct streamclass_port_config {
	u32 size_of_this_packet;
	u32 number_of_access_ranges;
	struct device *dev;
	struct pci_dev *pdev;
	void *hw_device_extension;
	unsigned int irq;
	struct streamclass_access_range access_ranges[STREAMCLASS_MAX_ACCESS_RANGES];
};

/**
 * struct streamclass_format - one format a stream can carry, in Linux's terms
 * (what a KS_DATARANGE_VIDEO of strmini.h says, as V4L2 wants it)
 * @pixelformat: the V4L2 pixel format (a fourcc such as V4L2_PIX_FMT_GREY).
 * @width: pixels per line, 1 to 16384.
 * @height: lines, 1 to 16384.
 * @bytesperline: bytes from one line to the next, at least 1.
 * @sizeimage: bytes of a frame: at least @bytesperline * @height, at most
 *             64 MiB.
 * @interval_numerator: the frame interval, in seconds, as a fraction
 * @interval_denominator: (for example 1/30); neither 0.
 */
struct streamclass_format {
	u32 pixelformat;
	u32 width;
	u32 height;
	u32 bytesperline;
	u32 sizeimage;
	u32 interval_numerator;
	u32 interval_denominator;
};

/**
 * enum streamclass_data_flow - which way a stream's data goes (KSPIN_DATAFLOW,
 * same values)
 * @STREAMCLASS_DATAFLOW_IN: to the device (output): not supported yet.
 * @STREAMCLASS_DATAFLOW_OUT: from the device (capture).
 */
enum streamclass_data_flow {
	STREAMCLASS_DATAFLOW_IN = 1,
	STREAMCLASS_DATAFLOW_OUT = 2,
};

/**
 * struct streamclass_stream_descriptor - one stream of a device
 * (HW_STREAM_INFORMATION)
 * @data_flow: enum streamclass_data_flow.
 * @possible_instances: how many instances may be open at once (at least 1).
 * @name: the stream's name (copied, at most 31 characters are kept).
 * @number_of_formats: entries in @formats, 1 to 64.
 * @formats: the formats, in the order to offer them.
 *
 * The descriptors, names and formats must stay valid until the device's
 * probe returns: the class copies them once SRB_GET_STREAM_INFO completes
 * (static const data, as in the samples, is simplest).
 */
struct streamclass_stream_descriptor {
	u32 data_flow;
	u32 possible_instances;
	const char *name;
	u32 number_of_formats;
	const struct streamclass_format *formats;
};

/* Most streams a device may describe. */
#define STREAMCLASS_MAX_STREAMS 16
/* Most formats a stream may describe. */
#define STREAMCLASS_MAX_FORMATS 64

/* Most controls a device may declare. */
#define STREAMCLASS_MAX_CONTROLS 8

/**
 * struct streamclass_control - a control of the device: the Linux form of
 * a VideoProcAmp property, shown as a V4L2 control on the device's nodes
 * @id: V4L2_CID_BRIGHTNESS, V4L2_CID_CONTRAST, V4L2_CID_SATURATION or
 *      V4L2_CID_HUE.
 * @minimum: the lowest value.
 * @maximum: the highest value.
 * @step: values are @minimum plus multiples of @step (at least 1, dividing
 *        the range).
 * @default_value: the value the device starts with, within the range.
 */
struct streamclass_control {
	u32 id;
	s32 minimum;
	s32 maximum;
	u32 step;
	s32 default_value;
};

/**
 * struct streamclass_property - for SRB_GET_DEVICE_PROPERTY and
 * SRB_SET_DEVICE_PROPERTY
 * @id: the control (struct streamclass_control's @id).
 * @value: SET: the new value, within the control's range; GET: set by the
 *         minidriver to the device's value.
 */
struct streamclass_property {
	u32 id;
	s32 value;
};

/**
 * struct streamclass_stream_info - for SRB_GET_STREAM_INFO (HW_STREAM_HEADER)
 * @number_of_streams: set by the minidriver (at most STREAMCLASS_MAX_STREAMS
 *                     when it sets @streams).
 * @streams: set by the minidriver to @number_of_streams descriptors; NULL
 *           (as the class passes it) to describe none. A descriptor the
 *           class cannot take fails the probe with -EINVAL.
 * @number_of_controls: set by the minidriver (at most
 *                      STREAMCLASS_MAX_CONTROLS when it sets @controls).
 * @controls: set by the minidriver to its device's @number_of_controls
 *            controls (copied); NULL (as the class passes it) for none. A
 *            control the class cannot take (an unknown ID, a bad range or
 *            step, an ID twice) fails the probe with -EINVAL. Each node of
 *            the device shows them; the class reads each one's value with
 *            SRB_GET_DEVICE_PROPERTY when it makes a node (NOT_IMPLEMENTED:
 *            the default), and sends SRB_SET_DEVICE_PROPERTY for each change.
 */
struct streamclass_stream_info {
	u32 number_of_streams;
	const struct streamclass_stream_descriptor *streams;
	u32 number_of_controls;
	const struct streamclass_control *controls;
};

/**
 * struct streamclass_stream_object - an open instance of a stream
 * (HW_STREAM_OBJECT), allocated by the class for SRB_OPEN_STREAM and freed
 * after SRB_CLOSE_STREAM completes
 * @size_of_this_packet: sizeof(struct streamclass_stream_object).
 * @stream_number: the stream, an index into the described streams.
 * @hw_stream_extension: zeroed, init data's per_stream_extension_size bytes
 *                       (NULL when 0): the minidriver's, for this instance.
 * @hw_device_extension: the device extension.
 * @receive_data_packet: set by the minidriver in SRB_OPEN_STREAM
 *                       (ReceiveDataPacket): the instance's data SRBs
 *                       (READ_DATA). NULL: they fail with NOT_IMPLEMENTED.
 * @receive_control_packet: set by the minidriver in SRB_OPEN_STREAM
 *                          (ReceiveControlPacket): the instance's control
 *                          SRBs (SET_STREAM_STATE, GET_STREAM_STATE). NULL:
 *                          they are answered NOT_IMPLEMENTED.
 */
struct streamclass_stream_object {
	u32 size_of_this_packet;
	u32 stream_number;
	void *hw_stream_extension;
	void *hw_device_extension;
	streamclass_receive_packet_fn receive_data_packet;
	streamclass_receive_packet_fn receive_control_packet;
};

/**
 * struct streamclass_sg_element - one piece of a data buffer as the device
 * reaches it (KSSCATTER_GATHER)
 * @physical_address: its bus address (an I/O virtual address under an IOMMU).
 * @length: its bytes: a contiguous run of any length (the class lifts the
 *          device's DMA segment limit; split it if the device has one).
 */
struct streamclass_sg_element {
	u64 physical_address;
	u32 length;
	u32 __reserved;
};

/* The presentation_time of a stream header is set (KSSTREAM_HEADER_OPTIONSF_TIMEVALID). */
#define STREAMCLASS_STREAM_HEADER_TIME_VALID		0x80
/* Its duration is set (KSSTREAM_HEADER_OPTIONSF_DURATIONVALID). */
#define STREAMCLASS_STREAM_HEADER_DURATION_VALID	0x100

/* A stream header's picture_number as the class sends it: none set. */
#define STREAMCLASS_NO_PICTURE				(~0ULL)

/**
 * struct streamclass_stream_header - the buffer of a data SRB
 * (KSSTREAM_HEADER with the KS_FRAME_INFO of a video stream)
 * @size: sizeof(struct streamclass_stream_header).
 * @option_flags: STREAMCLASS_STREAM_HEADER_*, set by the minidriver.
 * @data: the buffer's kernel address, or NULL when it has none (a
 *        scatter/gather buffer, or an imported DMABUF): the device reaches
 *        it through the SRB's scatter/gather list either way.
 * @frame_extent: the buffer's size in bytes.
 * @data_used: bytes the device wrote, set by the minidriver (V4L2's
 *             bytesused).
 * @presentation_time: nanoseconds, with TIME_VALID.
 * @duration: nanoseconds, with DURATION_VALID.
 * @picture_number: the frame's number, set by the minidriver (KS_FRAME_INFO's
 *                  PictureNumber), or left at STREAMCLASS_NO_PICTURE, as the
 *                  class sends it. V4L2's sequence is this number less the
 *                  first one since the start (a gap shows dropped frames);
 *                  without one, the class counts the frames itself.
 * @drop_count: frames dropped so far, set by the minidriver (added to the
 *              class's count when it numbers the frames).
 */
struct streamclass_stream_header {
	u32 size;
	u32 option_flags;
	void *data;
	u32 frame_extent;
	u32 data_used;
	s64 presentation_time;
	s64 duration;
	u64 picture_number;
	u64 drop_count;
};

/**
 * struct streamclass_data_intersection - for SRB_GET_DATA_INTERSECTION
 * (STREAM_DATA_INTERSECT_INFO)
 * @stream_number: the stream.
 * @request: what the application asked for: pixelformat, width and height
 *           (any values; the other fields are 0).
 * @result: set by the minidriver: one of the stream's described formats
 *          (a format it did not describe is refused: the class matches).
 */
struct streamclass_data_intersection {
	u32 stream_number;
	struct streamclass_format request;
	struct streamclass_format result;
};

/**
 * struct streamclass_srb - a stream request block (HW_STREAM_REQUEST_BLOCK)
 * @size_of_this_packet: sizeof(struct streamclass_srb).
 * @command: enum streamclass_srb_command.
 * @status: enum streamclass_status, set by the minidriver before it calls
 *          streamclass_device_notification(DEVICE_REQUEST_COMPLETE). Only
 *          that call completes the SRB: returning from hw_receive_packet
 *          with a final status does not.
 * @stream_number: the stream of a data SRB (0).
 * @hw_device_extension: the device extension.
 * @srb_extension: the zeroed per-request extension, NULL when its size is 0.
 * @command_data: per command: config_info (INITIALIZE_DEVICE),
 *                stream_info (GET_STREAM_INFO), open_format
 *                (OPEN_STREAM), stream_state (SET_STREAM_STATE, and
 *                GET_STREAM_STATE's answer), intersect
 *                (GET_DATA_INTERSECTION) or data_buffer_array (a stream's
 *                READ_DATA); NULL otherwise. What a pointer names lives
 *                with the SRB (the structures of device SRBs are the
 *                SRB's own copy): writing it is valid until the SRB is
 *                completed, or, for one the class gave up on, until the
 *                minidriver unregisters.
 * @frame_number: READ_DATA: the frame's number, from 0 per device.
 * @data_used: READ_DATA: bytes the device captured, set by the minidriver.
 * @timeout_counter: counted down by the class once a second while the SRB
 *                   is pending; when it reaches 0 the class calls
 *                   hw_request_timeout_handler once (else hw_cancel_packet).
 *                   0: no timeout. The minidriver may set it again (for
 *                   example to @timeout_original) to wait longer.
 * @timeout_original: the timeout the class set, in seconds.
 * @stream_object: the stream instance of OPEN_STREAM, CLOSE_STREAM and
 *                 the stream SRBs (SET_STREAM_STATE, READ_DATA); NULL
 *                 otherwise.
 * @number_of_buffers: a stream's READ_DATA: 1 (one stream header).
 * @number_of_bytes_to_transfer: a stream's READ_DATA: the buffer's bytes.
 * @scatter_gather_buffer: a stream's READ_DATA: the buffer as the device
 *                         reaches it, in order.
 * @number_of_scatter_gather_elements: entries in @scatter_gather_buffer.
 */
struct streamclass_srb {
	u32 size_of_this_packet;
	u32 command;
	int status;
	u32 stream_number;
	void *hw_device_extension;
	void *srb_extension;
	union {
		struct streamclass_port_config *config_info;
		struct streamclass_stream_info *stream_info;
		const struct streamclass_format *open_format;
		u32 stream_state;
		struct streamclass_stream_header *data_buffer_array;
		struct streamclass_data_intersection *intersect;
		struct streamclass_property *property;
		void *raw;
	} command_data;
	u64 frame_number;
	u32 data_used;
	u32 timeout_counter;
	u32 timeout_original;
	struct streamclass_stream_object *stream_object;
	u32 number_of_buffers;
	u32 number_of_bytes_to_transfer;
	struct streamclass_sg_element *scatter_gather_buffer;
	u32 number_of_scatter_gather_elements;
	u32 __reserved;
};

/**
 * enum streamclass_priority - for streamclass_call_at_new_priority()
 * (STREAM_PRIORITY of strmini.h)
 * @STREAMCLASS_PRIORITY_HIGH: now, synchronized (under the device's lock
 *     when synchronization is on; directly when the caller holds it).
 * @STREAMCLASS_PRIORITY_DISPATCH: soon, in BH (softirq) context, synchronized.
 * @STREAMCLASS_PRIORITY_LOW: in process context, may sleep, not synchronized;
 *     call back at HIGH to touch what the other entry points touch.
 */
enum streamclass_priority {
	STREAMCLASS_PRIORITY_HIGH = 0,
	STREAMCLASS_PRIORITY_DISPATCH = 1,
	STREAMCLASS_PRIORITY_LOW = 2,
};

/**
 * enum streamclass_notification - for streamclass_device_notification()
 * @STREAMCLASS_READY_FOR_NEXT_DEVICE_REQUEST: the class may send the next
 *     device SRB while @srb is still pending (completion implies it).
 * @STREAMCLASS_DEVICE_REQUEST_COMPLETE: @srb is done; its status is final.
 */
enum streamclass_notification {
	STREAMCLASS_READY_FOR_NEXT_DEVICE_REQUEST = 0,
	STREAMCLASS_DEVICE_REQUEST_COMPLETE = 1,
};

/**
 * enum streamclass_stream_notification - for streamclass_stream_notification()
 * (STREAM_MINIDRIVER_STREAM_NOTIFICATION_TYPE, same values)
 * @STREAMCLASS_READY_FOR_NEXT_STREAM_DATA_REQUEST: accepted; the class does
 *     not wait for it (data SRBs are outstanding several at once).
 * @STREAMCLASS_READY_FOR_NEXT_STREAM_CONTROL_REQUEST: the class may send the
 *     instance's next control SRB while @srb is still pending.
 * @STREAMCLASS_STREAM_REQUEST_COMPLETE: the stream SRB @srb is done; its
 *     status is final.
 */
enum streamclass_stream_notification {
	STREAMCLASS_READY_FOR_NEXT_STREAM_DATA_REQUEST = 0,
	STREAMCLASS_READY_FOR_NEXT_STREAM_CONTROL_REQUEST = 1,
	STREAMCLASS_STREAM_REQUEST_COMPLETE = 3,
};

/**
 * enum streamclass_ksstate - a stream instance's state (KSSTATE, same values)
 * @STREAMCLASS_KSSTATE_STOP: no resources held, no data.
 * @STREAMCLASS_KSSTATE_ACQUIRE: resources acquired.
 * @STREAMCLASS_KSSTATE_PAUSE: ready; data may be queued, none produced.
 * @STREAMCLASS_KSSTATE_RUN: data flows.
 */
enum streamclass_ksstate {
	STREAMCLASS_KSSTATE_STOP = 0,
	STREAMCLASS_KSSTATE_ACQUIRE = 1,
	STREAMCLASS_KSSTATE_PAUSE = 2,
	STREAMCLASS_KSSTATE_RUN = 3,
};

/**
 * streamclass_register_device() - register a device with the class driver
 * @dev: a device bound to the caller's driver (call it from probe).
 * @init: the minidriver's initialization data.
 *
 * Sets @dev's DMA mask (streaming and coherent) from @init, allocates the
 * zeroed device extension and, when @init->dma_buffer_size is not 0, one
 * zeroed, page-aligned coherent DMA buffer below that mask. Both are freed by
 * streamclass_unregister_device() or, at the latest, when @dev unbinds.
 * The extension is aligned to 8 bytes.
 *
 * Context: process context, may sleep.
 * Return: the device extension, which is the handle of the registration, or an
 * ERR_PTR(): -EINVAL (NULL or unbound @dev, bad @init), -E2BIG (a size over its
 * maximum, or unknown non-zero fields in a newer @init), -EIO (the DMA mask
 * cannot be set), -EBUSY (@dev is registered already), -ENOMEM.
 */
void *streamclass_register_device(struct device *dev, const struct streamclass_init_data *init);

/**
 * streamclass_unregister_device() - free a registration
 * @hw_device_extension: the handle streamclass_register_device() returned.
 *
 * Frees the DMA buffer and the extension. The handle is checked against the
 * class driver's registry before any of its memory is read, so a double
 * unregister or a bogus pointer is -EINVAL. Stop the device's DMA first.
 * Using the handle afterwards is a use-after-free, as on Windows.
 *
 * Interrupts: free any IRQ whose handler uses the extension (or the buffer)
 * before this call. A driver that requested it with devm_request_irq() after
 * registering must not unregister in its remove(): devres frees in reverse
 * order at unbind, so the IRQ goes first and the registration after it; an
 * explicit unregister in remove() would free the extension while the IRQ
 * still lives. Either request it with request_irq() and free_irq() it before
 * unregistering, or leave both to devres.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a handle that is not a live registration, or
 * -EBUSY for the handle of a minidriver's device, which streamclass owns
 * (it goes when the device unbinds); nothing is freed then.
 */
int streamclass_unregister_device(void *hw_device_extension);

/**
 * streamclass_get_dma_buffer() - the device's common DMA buffer
 * @hw_device_extension: the handle streamclass_register_device() returned.
 *
 * O(1), any context. NULL or a pointer that is not a live handle gets NULL
 * and a rate-limited warning; a handle whose memory was freed is a
 * use-after-free.
 *
 * Return: the buffer's kernel virtual address, or NULL when the registration
 * has no DMA buffer.
 */
void *streamclass_get_dma_buffer(void *hw_device_extension);

/**
 * streamclass_get_physical_address() - the bus address of a buffer address
 * @hw_device_extension: the handle streamclass_register_device() returned.
 * @srb: the request, for the per-request kinds; may be NULL for the DMA buffer.
 * @va: a kernel virtual address inside the buffer.
 * @type: which buffer @va lies in.
 * @length: set to the bytes from @va to the end of that buffer; may be NULL.
 *
 * The address is a dma_addr_t: under an IOMMU it is an I/O virtual address,
 * not the physical one. Any context.
 *
 * Return: the bus address of @va, or 0 (and *@length 0) when @va is outside
 * the buffer, the handle is not live, or @srb is not a live SRB (the
 * per-request kinds).
 */
dma_addr_t streamclass_get_physical_address(void *hw_device_extension, struct streamclass_srb *srb,
					    void *va, enum streamclass_buffer_type type,
					    u32 *length);

/**
 * __streamclass_register_minidriver() - register a PCI minidriver
 * @name: the PCI driver's name (copied).
 * @ids: the PCI IDs it binds, ending with an all-zero entry (copied).
 * @init: its initialization data; @init->hw_receive_packet is required.
 * @owner: the minidriver's module (streamclass_register_minidriver() passes
 *         THIS_MODULE).
 *
 * The analogue of StreamClassRegisterMinidriver(): streamclass registers a
 * struct pci_driver on the minidriver's behalf and runs each device's
 * lifecycle (Documentation/streamclass.rst): enable, bus master, DMA mask,
 * extension and DMA buffer, BARs, IRQ vectors, SRB_INITIALIZE_DEVICE,
 * the IRQ, SRB_GET_STREAM_INFO, SRB_INITIALIZATION_COMPLETE; on removal
 * pending SRBs are cancelled, SRB_UNINITIALIZE_DEVICE is sent, and then
 * the IRQ, bus mastering, buffer, extension, BARs and device are released.
 * Probe and removal wait for an SRB at most two of its timeout periods
 * (30 s without one): then the class abandons it (the SRB itself stays
 * valid, for a late notification, until this minidriver unregisters; the
 * extension, buffer and BARs do not). At reboot and kexec the class turns
 * the device's bus mastering off.
 *
 * Context: process context, may sleep.
 * Return: the minidriver, or an ERR_PTR(): -EINVAL (NULL or empty argument,
 * no hw_receive_packet, bad @init), -E2BIG, -ENOMEM, or the driver core's
 * error (-EBUSY for a name in use).
 */
struct streamclass_minidriver *
__streamclass_register_minidriver(const char *name, const struct pci_device_id *ids,
				  const struct streamclass_init_data *init, struct module *owner);
#define streamclass_register_minidriver(name, ids, init) \
	__streamclass_register_minidriver(name, ids, init, THIS_MODULE)

/**
 * __streamclass_register_virtual_minidriver() - register a minidriver of
 * devices off the PCI bus
 * @name: the name of the driver and of its devices (copied).
 * @devices: how many devices to create, 1 to 16.
 * @init: its initialization data; @init->hw_receive_packet is required.
 * @owner: the minidriver's module.
 *
 * For software devices (StreamClassRegisterAdapter serves root-enumerated
 * ones on Windows): streamclass registers a platform driver @name and
 * creates @devices platform devices "@name.0", "@name.1", ... bound to it.
 * Each runs the lifecycle of a PCI device (above) without BARs and
 * interrupts: its port configuration has no access range, IRQ 0 and a NULL
 * @pdev. Its DMA mask is the one @init asks for, so the common buffer and
 * the stream buffers are real DMA buffers. Unbinding one through sysfs
 * removes it as on PCI; streamclass_unregister_minidriver() removes and
 * deletes them all.
 *
 * Context: process context, may sleep.
 * Return: the minidriver, or an ERR_PTR() as for
 * __streamclass_register_minidriver() (-EINVAL for @devices out of range).
 */
struct streamclass_minidriver *
__streamclass_register_virtual_minidriver(const char *name, u32 devices,
					  const struct streamclass_init_data *init,
					  struct module *owner);
#define streamclass_register_virtual_minidriver(name, devices, init) \
	__streamclass_register_virtual_minidriver(name, devices, init, THIS_MODULE)

/**
 * streamclass_unregister_minidriver() - unbind every device, then unregister
 * @md: what streamclass_register_minidriver() or
 *      streamclass_register_virtual_minidriver() returned; NULL or an
 *      ERR_PTR() does nothing. Call it from the minidriver's module exit.
 *
 * Context: process context, may sleep.
 */
void streamclass_unregister_minidriver(struct streamclass_minidriver *md);

/**
 * streamclass_stream_notification() - StreamClassStreamNotification()
 * @type: enum streamclass_stream_notification.
 * @stream_object: the instance the SRB was sent to.
 * @srb: the pending stream SRB it concerns.
 *
 * As streamclass_device_notification(), for the SRBs sent to an instance's
 * receive_control_packet and receive_data_packet: any context; a second
 * completion, or an SRB that is not pending, is refused with a rate-limited
 * warning. A stream's data SRBs are reused only after 32 other data SRBs of
 * the same V4L2 node were sent (its stream state and close SRBs are device
 * SRBs, below): a second notification within that window is refused and
 * counted; after it, it cannot be told apart from the newer SRB.
 */
void streamclass_stream_notification(enum streamclass_stream_notification type,
				     struct streamclass_stream_object *stream_object,
				     struct streamclass_srb *srb);

/**
 * streamclass_device_notification() - StreamClassDeviceNotification()
 * @type: enum streamclass_notification.
 * @hw_device_extension: the device's extension.
 * @srb: the pending SRB it concerns (both kinds take it; stream.sys finds
 *       the device's current one by itself).
 *
 * Any context, hard IRQ included. Completing an SRB twice, or one that is not
 * pending, is refused with a rate-limited warning. The class keeps the memory
 * of a device's completed SRBs while the device is bound and reuses an SRB
 * only after 32 others of the device were sent (oldest first), so a late
 * second notification finds a retired SRB and is refused (and counted in
 * debugfs refused_notifications) instead of completing the next one; one
 * that comes after the SRB was reused cannot be told apart (as on Windows,
 * it is a bug), and one after the device is gone is a use-after-free. An
 * SRB the class gave up on (not completed within twice its timeout while
 * the device probes or goes) stays valid, with its command data, until the
 * minidriver unregisters: a late notification of it is accepted.
 */
void streamclass_device_notification(enum streamclass_notification type,
				     void *hw_device_extension, struct streamclass_srb *srb);

/**
 * streamclass_schedule_timer() - StreamClassScheduleTimer()
 * @stream_object: an open stream's object, for that stream's timer; NULL
 *                 for the device's own.
 * @hw_device_extension: the device's extension.
 * @microseconds: when to call @routine, up to an hour ahead; 0 cancels
 *                (without waiting for a routine already running).
 * @routine: called with @context in softirq context, synchronized as the
 *           other entry points.
 * @context: anything.
 *
 * Scheduling again replaces the routine and the time. The class cancels a
 * stream's timer, waiting for its routine, when the stream steps to STOP
 * and when it closes, and every timer at removal. Any context.
 *
 * Return: 0, -EINVAL (not a minidriver's device, NULL @routine, too far
 * ahead), -ENODEV (the device is being removed).
 */
int streamclass_schedule_timer(struct streamclass_stream_object *stream_object,
			       void *hw_device_extension, u32 microseconds,
			       void (*routine)(void *context), void *context);

/**
 * streamclass_query_master_clock_sync() - StreamClassQueryMasterClockSync()
 * @stream_object: an open stream's object.
 * @hw_device_extension: the device's extension.
 * @time_ns: set to the stream's time in nanoseconds since it last stepped to
 *           RUN, from the monotonic clock (every time of this API is in
 *           nanoseconds; strmini.h's KS times, in 100 ns units, are the
 *           compatibility layer's to convert).
 *
 * Any context. Return: 0, -EINVAL (a bad argument), -ENODATA (the stream
 * is not running).
 */
int streamclass_query_master_clock_sync(struct streamclass_stream_object *stream_object,
					void *hw_device_extension, s64 *time_ns);

/**
 * streamclass_call_at_new_priority() - StreamClassCallAtNewPriority()
 * @hw_device_extension: the device's extension (a minidriver's device).
 * @priority: enum streamclass_priority.
 * @routine: called with @context at @priority.
 * @context: anything.
 *
 * One DISPATCH and one LOW routine may be pending per device at a time;
 * pending routines are dropped, and running ones waited for, once
 * SRB_UNINITIALIZE_DEVICE has completed at removal. Any context.
 *
 * Return: 0, -EINVAL (not a minidriver's device, bad @priority or NULL
 * @routine), -EBUSY (a routine of that priority is pending), -ENODEV (the
 * device is being removed).
 */
int streamclass_call_at_new_priority(void *hw_device_extension, enum streamclass_priority priority,
				     void (*routine)(void *context), void *context);

/**
 * streamclass_check_init_data() - validate initialization data
 * @init: the minidriver's initialization data.
 *
 * Applies the checks streamclass_register_device() applies to @init, without
 * registering anything.
 *
 * Return: 0, or -EINVAL / -E2BIG as documented in Documentation/streamclass.rst.
 */
int streamclass_check_init_data(const struct streamclass_init_data *init);

/**
 * streamclass_nop() - return @handle, doing nothing else
 * @handle: any pointer.
 *
 * The baseline of the benchmark (``make bench``): a bare call of an exported
 * streamclass function, against which streamclass_get_dma_buffer() is timed.
 *
 * Return: @handle.
 */
void *streamclass_nop(void *handle);

#endif /* _STREAMCLASS_H */
