#!/bin/bash
# vm: venus
# vm: needs-project
# The layer's own demo on the display on real Venus, in each present mode, in the default
# auto mode (the layer takes over because Venus has no swapchain); two shots each.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
for mode in fifo mailbox immediate relaxed; do
	vm-present-shots "demo-$mode" --gap 3 -- venus-wsi-demo --display --mode "$mode" --frames 100000
done
