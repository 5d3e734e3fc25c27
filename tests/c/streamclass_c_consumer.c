// SPDX-License-Identifier: GPL-2.0
/*
 * A C consumer of streamclass that uses only <streamclass.h>: its KUnit suite
 * runs at insmod and registers faux devices through the C ABI; it also binds
 * QEMU's edu PCI devices (1234:11e8) and registers them from probe, so the
 * suite can check a real PCI device's buffer, with and without an IOMMU.
 */
#include <kunit/test.h>
#include <linux/device/faux.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <streamclass.h>

#define EDU_BUFFER_SIZE (2 * PAGE_SIZE)

/* QEMU's edu (docs/specs/edu.rst in QEMU): BAR0 registers. */
#define EDU_ID		0x00	/* 0xRRrr00ed */
#define EDU_LIVENESS	0x04	/* reads back inverted */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x01
#define EDU_DMA_TO_RAM	0x02	/* direction: device buffer -> RAM */
#define EDU_DMA_BUF	0x40000	/* the device's 4 KiB internal buffer */
#define EDU_FRAME	4096

/* The device extension: streamclass zeroes it and hands it back as the handle. */
struct edu_ext {
	void __iomem *bar0;
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct streamclass_init_data init = {
		.size = sizeof(init),
		.device_extension_size = 64,
		.dma_buffer_size = EDU_BUFFER_SIZE,
		.bus_master_dma = true,
		.dma_address_bits = 28,		/* edu's default DMA mask */
	};
	struct edu_ext *ext;
	void __iomem *bar0;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	bar0 = pcim_iomap_region(pdev, 0, "streamclass_c_edu");
	if (IS_ERR(bar0))
		return PTR_ERR(bar0);
	pci_set_master(pdev);
	ext = streamclass_register_device(&pdev->dev, &init);
	if (IS_ERR(ext))
		return PTR_ERR(ext);
	ext->bar0 = bar0;
	pci_set_drvdata(pdev, ext);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	streamclass_unregister_device(pci_get_drvdata(pdev));
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{}
};

static struct pci_driver edu_driver = {
	.name = "streamclass_c_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static struct faux_device *faux_with_mask(struct kunit *test, const char *name)
{
	struct faux_device *fdev = faux_device_create(name, NULL, NULL);

	KUNIT_ASSERT_NOT_NULL(test, fdev);
	/* A faux device has no DMA mask storage; kunit_device_register() does this too. */
	fdev->dev.dma_mask = &fdev->dev.coherent_dma_mask;
	return fdev;
}

static void c_register_get_buffer_unregister(struct kunit *test)
{
	struct faux_device *fdev = faux_with_mask(test, "sc-c-consumer");
	struct streamclass_init_data init = {
		.size = sizeof(init),
		.device_extension_size = 48,
		.dma_buffer_size = 3 * PAGE_SIZE,
		.dma_address_bits = 28,
	};
	u32 len = 0;
	dma_addr_t dma;
	u8 *ext, *buf;

	ext = streamclass_register_device(&fdev->dev, &init);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ext));
	KUNIT_EXPECT_EQ(test, ext[0], 0);
	KUNIT_EXPECT_EQ(test, ext[47], 0);
	KUNIT_EXPECT_PTR_EQ(test, streamclass_register_device(&fdev->dev, &init), ERR_PTR(-EBUSY));

	buf = streamclass_get_dma_buffer(ext);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(buf));
	KUNIT_EXPECT_EQ(test, buf[3 * PAGE_SIZE - 1], 0);
	memset(buf, 0x3c, 3 * PAGE_SIZE);

	dma = streamclass_get_physical_address(ext, NULL, buf, STREAMCLASS_DMA_BUFFER, &len);
	KUNIT_EXPECT_NE(test, dma, 0);
	KUNIT_EXPECT_EQ(test, len, 3 * PAGE_SIZE);
	KUNIT_EXPECT_LE(test, dma + len, 1ULL << 28);
	KUNIT_EXPECT_EQ(test, streamclass_get_physical_address(ext, NULL, buf + 5, STREAMCLASS_DMA_BUFFER,
							       &len), dma + 5);
	KUNIT_EXPECT_EQ(test, len, 3 * PAGE_SIZE - 5);
	KUNIT_EXPECT_EQ(test, streamclass_get_physical_address(ext, NULL, buf + 3 * PAGE_SIZE,
							       STREAMCLASS_DMA_BUFFER, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 0);

	KUNIT_EXPECT_EQ(test, streamclass_unregister_device(ext), 0);
	KUNIT_EXPECT_EQ(test, streamclass_unregister_device(ext), -EINVAL);
	faux_device_destroy(fdev);
}

static void c_bad_input(struct kunit *test)
{
	struct faux_device *fdev = faux_with_mask(test, "sc-c-bad");
	struct streamclass_init_data init = { .size = sizeof(init), .dma_buffer_size = PAGE_SIZE };
	struct streamclass_init_data old = { .size = STREAMCLASS_INIT_DATA_SIZE_VER0 - 1 };
	static u64 not_a_handle[16] __aligned(16);

	KUNIT_EXPECT_PTR_EQ(test, streamclass_register_device(NULL, &init), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, streamclass_register_device(&fdev->dev, NULL), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_PTR_EQ(test, streamclass_register_device(&fdev->dev, &old), ERR_PTR(-EINVAL));
	KUNIT_EXPECT_EQ(test, streamclass_check_init_data(&init), 0);
	KUNIT_EXPECT_EQ(test, streamclass_unregister_device(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, streamclass_unregister_device(&not_a_handle[8]), -EINVAL);
	KUNIT_EXPECT_NULL(test, streamclass_get_dma_buffer(&not_a_handle[8]));
	KUNIT_EXPECT_NULL(test, streamclass_get_dma_buffer(NULL));
	faux_device_destroy(fdev);
}

/* Every edu device is registered; its buffer sits below edu's 28-bit mask, at a
 * bus address that is the physical one without an IOMMU and an IOVA with one.
 */
static void c_edu_pci_buffer(struct kunit *test)
{
	struct pci_dev *pdev = NULL;
	int seen = 0;

	while ((pdev = pci_get_device(0x1234, 0x11e8, pdev))) {
		void *ext = pci_get_drvdata(pdev);
		u32 len = 0;
		dma_addr_t dma;
		void *buf;

		KUNIT_ASSERT_PTR_EQ(test, pdev->dev.driver, &edu_driver.driver);
		buf = streamclass_get_dma_buffer(ext);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		dma = streamclass_get_physical_address(ext, NULL, buf, STREAMCLASS_DMA_BUFFER, &len);
		KUNIT_EXPECT_EQ(test, len, EDU_BUFFER_SIZE);
		KUNIT_EXPECT_LE(test, dma + len, 1ULL << 28);
		KUNIT_EXPECT_EQ(test, pdev->dev.coherent_dma_mask, DMA_BIT_MASK(28));
		if (device_iommu_mapped(&pdev->dev))
			KUNIT_EXPECT_NE(test, dma, (dma_addr_t)virt_to_phys(buf));
		else
			KUNIT_EXPECT_EQ(test, dma, (dma_addr_t)virt_to_phys(buf));
		kunit_info(test, "%s: buffer %u bytes at bus address %pad (%s), mask %#llx\n",
			   pci_name(pdev), len, &dma,
			   device_iommu_mapped(&pdev->dev) ? "IOVA" : "physical",
			   pdev->dev.coherent_dma_mask);
		seen++;
	}
	if (!seen)
		kunit_skip(test, "no edu device");
}

/* Moves a frame between @dma and the edu's internal buffer; polls. */
static int edu_dma(void __iomem *bar0, dma_addr_t dma, bool to_ram)
{
	int i;

	lo_hi_writeq(to_ram ? EDU_DMA_BUF : dma, bar0 + EDU_DMA_SRC);
	lo_hi_writeq(to_ram ? dma : EDU_DMA_BUF, bar0 + EDU_DMA_DST);
	lo_hi_writeq(EDU_FRAME, bar0 + EDU_DMA_COUNT);
	lo_hi_writeq(EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0), bar0 + EDU_DMA_CMD);
	for (i = 0; i < 400; i++) {	/* edu takes about 100 ms of virtual time */
		if (!(readl(bar0 + EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		msleep(5);
	}
	return -ETIMEDOUT;
}

/*
 * Real device DMA both ways through the class-provided buffer: per frame, a
 * pattern (frame number, data, checksum) in the first page goes to the edu,
 * comes back into the second page, and must match byte for byte. edu clamps
 * addresses to its 28-bit mask, so a buffer above it would come back corrupt.
 */
static void c_edu_dma_roundtrip(struct kunit *test)
{
	struct pci_dev *pdev = NULL;
	int seen = 0;

	while ((pdev = pci_get_device(0x1234, 0x11e8, pdev))) {
		struct edu_ext *ext = pci_get_drvdata(pdev);
		u32 *buf = streamclass_get_dma_buffer(ext);
		u32 *back = buf + EDU_FRAME / 4;
		dma_addr_t dma;
		u32 len, sum;
		int frame, i;

		KUNIT_ASSERT_NOT_NULL(test, buf);
		dma = streamclass_get_physical_address(ext, NULL, buf, STREAMCLASS_DMA_BUFFER, &len);
		KUNIT_ASSERT_EQ(test, len, EDU_BUFFER_SIZE);
		KUNIT_EXPECT_EQ(test, readl(ext->bar0 + EDU_ID) & 0xff, 0xed);
		writel(0x5a5aa5a5, ext->bar0 + EDU_LIVENESS);
		KUNIT_EXPECT_EQ(test, readl(ext->bar0 + EDU_LIVENESS), ~0x5a5aa5a5u);

		for (frame = 1; frame <= 5; frame++) {
			sum = 0;
			buf[0] = frame;
			for (i = 1; i < EDU_FRAME / 4 - 1; i++) {
				buf[i] = frame * 0x01000193u ^ i;
				sum += buf[i];
			}
			buf[EDU_FRAME / 4 - 1] = sum;
			memset(back, 0, EDU_FRAME);
			KUNIT_ASSERT_EQ(test, edu_dma(ext->bar0, dma, false), 0);
			KUNIT_ASSERT_EQ(test, edu_dma(ext->bar0, dma + EDU_FRAME, true), 0);
			KUNIT_ASSERT_EQ_MSG(test, memcmp(buf, back, EDU_FRAME), 0,
					    "%s: frame %d differs after device DMA", pci_name(pdev),
					    frame);
		}
		kunit_info(test, "%s: 5 frames moved by device DMA both ways at %pad, all verified\n",
			   pci_name(pdev), &dma);
		seen++;
	}
	if (!seen)
		kunit_skip(test, "no edu device");
}

static struct kunit_case c_consumer_cases[] = {
	KUNIT_CASE(c_edu_pci_buffer),
	KUNIT_CASE_SLOW(c_edu_dma_roundtrip),
	KUNIT_CASE(c_register_get_buffer_unregister),
	KUNIT_CASE(c_bad_input),
	{}
};

static struct kunit_suite c_consumer_suite = {
	.name = "streamclass_c_consumer",
	.test_cases = c_consumer_cases,
};
kunit_test_suite(c_consumer_suite);

static int __init c_consumer_init(void)
{
	return pci_register_driver(&edu_driver);
}

static void __exit c_consumer_exit(void)
{
	pci_unregister_driver(&edu_driver);
}

module_init(c_consumer_init);
module_exit(c_consumer_exit);

MODULE_DESCRIPTION("Test consumer of streamclass's C API");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("STREAMCLASS");
