# In-guest scenario of what the Intel IOMMU changes (sourced by /init, in a
# boot with intel_iommu=on: vm.env): the scenarios whose devices do DMA, each
# in a subshell with only its checks that depend on the IOMMU (the others
# are marked plain and run in that scenario's own boot). edu is in an IOMMU
# group; its coherent buffer, stream buffers (dma-sg, any page), DMABUF
# imports and per-request extensions are mapped through the IOMMU, and
# unmapped at unbind, removal and hot-unplug while the device streams; the
# soak loads and unloads the edu sample through it.
for s in base soak capture stream strmini; do
	(cd "/lib/scenarios/$s" && . ./scenario.sh)
done
