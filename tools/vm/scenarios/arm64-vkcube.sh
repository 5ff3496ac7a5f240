#!/bin/bash
# vm: needs-project
# vm: arch arm64
# The arm64 guest with 16 KiB pages (Debian 13 arm64, linux-image-arm64-16k, QEMU aarch64
# virt on TCG; tools/vm/README.md): Debian 13's vkcube --wsi display through the layer on
# the guest's lavapipe (VENUS_WSI=force: lavapipe has a swapchain of its own), atomic KMS,
# two screendumps while it turns. Records the page size, what the layer sees of the device
# (venus-wsi-info: host-pointer alignment, dma-buf support, displays), why it skipped or
# left scanout paths (VENUS_WSI_DEBUG=2) and the virtio-gpu commands it caused, and where
# the layer came from: the packages cross-built for arm64 (install-project), nothing raw.
set -euo pipefail
dpkg-query -W -f='${Package} ${Version} ${Architecture} ${Status}\n' vulkan-layer-venus-wsi \
	venus-wsi-tools >/job/packages.txt 2>&1 || true
dpkg -S /usr/lib/aarch64-linux-gnu/libVkLayer_venus_wsi.so >>/job/packages.txt 2>&1 || true
find /usr/local -name '*venus*' >/job/usr-local.txt 2>&1 || true
getconf PAGESIZE | tee /job/pagesize.txt
VENUS_WSI=force venus-wsi-info >/job/venus-wsi-info.txt 2>&1 || echo "venus-wsi-info exited $?"
grep -E "page size|minImportedHostPointerAlignment|driver:" /job/venus-wsi-info.txt || true
vm-trace-virtio-gpu start
VENUS_WSI=force VENUS_WSI_DEBUG=2 vm-present-shots vkcube --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000
vm-trace-virtio-gpu stop /job/virtio-gpu-trace.txt
