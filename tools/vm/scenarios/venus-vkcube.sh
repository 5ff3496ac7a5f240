#!/bin/bash
# vm: venus
# vm: needs-project
# vkcube --wsi display on real Venus through the installed layer in its default mode
# (VENUS_WSI unset = auto): nothing but the installed package; the layer must take over
# because Venus has no VK_KHR_swapchain. Only the virtio ICD is offered to the loader (the
# guest also has lavapipe). Once with the Khronos validation layer (vkcube --validate),
# once without for the frame rate; two shots each; the virtio-gpu commands traced.
set -euo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
vm-trace-virtio-gpu start
vm-present-shots vkcube --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000 --validate
vm-trace-virtio-gpu stop /job/virtio-gpu-trace.txt
vm-present-shots vkcube-plain --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000
