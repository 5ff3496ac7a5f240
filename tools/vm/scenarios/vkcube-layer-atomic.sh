#!/bin/bash
# vm: needs-project
# Debian 13's vkcube --wsi display through the layer on the guest's lavapipe
# (VENUS_WSI=force: lavapipe has a swapchain of its own), atomic KMS, with the
# validation layer on (vkcube --validate); two screendumps while it turns; the virtio-gpu
# commands the kernel sends for the layer's buffers are traced.
set -euo pipefail
vm-trace-virtio-gpu start
VENUS_WSI=force vm-present-shots vkcube --gap 6 -- vkcube --wsi display --c 1000000 --validate
vm-trace-virtio-gpu stop /job/virtio-gpu-trace.txt
# The same without the validation layer, for the frame rate.
VENUS_WSI=force vm-present-shots vkcube-plain --gap 6 -- vkcube --wsi display --c 1000000
