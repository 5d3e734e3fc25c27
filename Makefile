# SPDX-License-Identifier: GPL-2.0
# streamclass: the entry points a user types. ./Kbuild (not this file) lists
# the modules; the scripts in scripts/ do the work and cache the kernel build
# in ${XDG_CACHE_HOME:-~/.cache}/streamclass.
#
#   make demo                 build everything, boot, show streamclass at work
#   make check                the full test run: "N passed, N failed" last
#   make check SCENARIO="capture iommu"   just those boots (make scenarios lists them)
#   make scenarios            the scenarios and their last wall times
#   make check-external EXT=/path/to/folder   test your own module in our VM
#   make modules KDIR=/path/to/linux-build    build against your kernel
#   make bench                the benchmark (non-debug kernel)
#
# KDIR=/path/to/linux-build (with rust/*.rmeta) skips the test-kernel build.

export KDIR KSRC EXT QEMU_ACCEL SCENARIO

.PHONY: all modules check scenarios demo check-external bench clean

# With KDIR given, nothing is installed: the build only checks its tools.
all modules:
	@if [ -z "$$KDIR" ]; then scripts/provision.sh; fi
	@KDIR=$${KDIR:-$$(scripts/build-kernel.sh test)} scripts/build-modules.sh

check:
	@scripts/check.sh

scenarios:
	@scripts/check.sh --list

demo:
	@scripts/demo.sh

check-external:
	@scripts/check-external.sh

bench:
	@scripts/bench.sh

clean:
	rm -rf build
	find . -type f -not -path './.git/*' \( -name '*.o' -o -name '*.ko' -o \
		-name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' -o -name '*.rmeta' -o \
		-name 'modules.order' -o -name 'Module.symvers' -o -name '*.d' -o \
		-name 'streamclass_rust_exports.h' \) -delete
