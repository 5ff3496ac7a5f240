#!/bin/bash
# vm: venus
# vm: needs-project
# VENUS_WSI=auto takes over exactly because the driver lacks VK_KHR_swapchain: the Venus
# driver alone lists no VK_KHR_swapchain; through the installed layer (VENUS_WSI_DEBUG=1)
# the layer says so and implements WSI on Venus; on lavapipe (which has a swapchain) it
# passes through; with VENUS_WSI=off it passes through on Venus too.
set -uo pipefail
export VENUS_WSI_DEBUG=1
venus=/usr/share/vulkan/icd.d/virtio_icd.json
lvp=/usr/share/vulkan/icd.d/lvp_icd.json
unset VENUS_WSI
DISABLE_VENUS_WSI=1 VK_DRIVER_FILES=$venus vulkaninfo 2>/dev/null |
	sed -n '/^Device Extensions/,/^$/p' >/job/auto-venus-driver-extensions.txt
VK_DRIVER_FILES=$venus vulkaninfo --summary >/job/auto-venus.log 2>&1
VK_DRIVER_FILES=$lvp vulkaninfo --summary >/job/auto-lavapipe.log 2>&1
VENUS_WSI=off VK_DRIVER_FILES=$venus vulkaninfo --summary >/job/auto-venus-off.log 2>&1
grep -h "venus-wsi:" /job/auto-*.log | sort | uniq -c
exit 0
