#!/bin/bash
# vm: needs-project
# vm: arch arm64
# vkcube --wsi display through the layer in the 16 KiB-page arm64 guest with the Khronos
# validation layer on (vkcube --validate), atomic and then legacy KMS
# (VENUS_WSI_KMS=legacy: SetCrtc + PageFlip), two screendumps each; and every scanout
# path probed in turn (venus-wsi-info --probe: a swapchain and 5 FIFO frames per path).
set -euo pipefail
getconf PAGESIZE | tee /job/pagesize.txt
VENUS_WSI=force venus-wsi-info --probe >/job/venus-wsi-info.txt 2>&1 || echo "venus-wsi-info exited $?"
sed -n '/^scanout paths/,$p' /job/venus-wsi-info.txt
VENUS_WSI=force VENUS_WSI_DEBUG=2 vm-present-shots vkcube-atomic --gap 6 --third 1.3 -- \
	vkcube --wsi display --c 1000000 --validate
VENUS_WSI_KMS=legacy VENUS_WSI=force VENUS_WSI_DEBUG=2 vm-present-shots vkcube-legacy --gap 6 --third 1.3 -- \
	vkcube --wsi display --c 1000000 --validate
