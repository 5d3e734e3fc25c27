#!/bin/sh
# `make check`: provision, build the test kernel and our modules, boot one VM
# per scenario of tests/scenarios (core, then minidriver capture; each without
# and with the Intel IOMMU),
# and judge the console logs (scripts/verdict.awk).
# Env: KDIR to use an existing Rust-enabled kernel build; SCENARIOS to pick.
set -eu
. "$(dirname "$0")/lib.sh"

prepare test

mods=$(our_modules)
logs=
for s in ${SCENARIOS:-base base:iommu capture capture:iommu}; do
	dir=${s%%:*}
	name=$dir
	iommu=0
	case $s in *:iommu) name=$dir-iommu iommu=1 ;; esac
	note "booting scenario $name"
	# shellcheck disable=SC2086
	logs="$logs $(IOMMU=$iommu "$TOP/scripts/run-vm.sh" "$name" "$TOP/tests/scenarios/$dir" $mods)"
done
note "console logs: $TOP/build/logs/"
# shellcheck disable=SC2086
awk -f "$TOP/scripts/verdict.awk" $logs
