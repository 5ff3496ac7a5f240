#!/bin/bash
# vm: needs-project
# Debian 13's vkcube --wsi display through the layer on the guest's lavapipe
# (VENUS_WSI=force: lavapipe has a swapchain of its own), with the validation layer on
# (vkcube --validate); two screendumps while it turns; the virtio-gpu commands the kernel
# sends for the layer's buffers are traced. Variants: vkcube-layer@atomic (atomic KMS, the
# default) and vkcube-layer@legacy (VENUS_WSI_KMS=legacy: SetCrtc and page flips).
set -euo pipefail
case ${SCENARIO_VARIANT:-atomic} in
atomic) ;;
legacy) export VENUS_WSI_KMS=legacy ;;
*) echo "vkcube-layer: unknown variant '$SCENARIO_VARIANT' (atomic, legacy)" >&2; exit 2 ;;
esac
export VENUS_WSI=force
vm-trace-virtio-gpu start
vm-present-shots vkcube --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000 --validate
vm-trace-virtio-gpu stop /job/virtio-gpu-trace.txt
# The same without the validation layer, for the frame rate.
vm-present-shots vkcube-plain --gap 6 --third 1.3 -- vkcube --wsi display --c 1000000
