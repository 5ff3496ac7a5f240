#!/bin/bash
# vm: needs-project
# vm: arch arm64
# The layer's own demo on the display of the 16 KiB-page arm64 guest (VK_KHR_display through
# the layer, forced on over the guest's lavapipe) in each present mode, two screendumps each.
set -euo pipefail
getconf PAGESIZE | tee /job/pagesize.txt
for mode in fifo mailbox immediate relaxed; do
	VENUS_WSI=force VENUS_WSI_DEBUG=2 vm-present-shots "demo-$mode" --gap 3 -- \
		venus-wsi-demo --display --mode "$mode" --frames 100000
done
