#!/bin/bash
# vm: venus
# vm: needs-project
# The layer's own demo on the display on real Venus, in each present mode, in the default
# auto mode (the layer takes over because Venus has no swapchain); two shots each. Then FIFO
# paced by present wait (VK_KHR_present_id + VK_KHR_present_wait, as latency-minded apps do),
# each present with a fence (VK_EXT_swapchain_maintenance1).
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
for mode in fifo mailbox immediate relaxed; do
	vm-present-shots "demo-$mode" --gap 3 -- venus-wsi-demo --display --mode "$mode" --frames 100000
done
vm-present-shots demo-fifo-present-wait --gap 3 -- \
	venus-wsi-demo --display --mode fifo --present-wait --present-fence --frames 100000
