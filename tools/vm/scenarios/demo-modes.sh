#!/bin/bash
# vm: needs-project
# The layer's own demo on the display (VK_KHR_display through the layer) in each present
# mode, two screendumps each, with the layer forced on over the guest's lavapipe.
set -euo pipefail
for mode in fifo mailbox immediate relaxed; do
	VENUS_WSI=force vm-present-shots "demo-$mode" --gap 3 -- \
		venus-wsi-demo --display --mode "$mode" --frames 100000
done
