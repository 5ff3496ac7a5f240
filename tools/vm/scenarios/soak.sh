#!/bin/bash
# vm: needs-project
# vm: env VENUS_WSI_VM_INSTALL_RAW=1
# vm: vm-run-args --timeout 3000
# Leak soak in the guest, run by hand (not in a suite: it takes a while): venus-wsi-soak with
# the layer forced over the guest's lavapipe, on a headless surface and on the real
# virtio-gpu display (the mock linked into the tool is sent to a node nobody opens), every
# present mode, swapchains and instances recreated throughout; open fds, RSS and threads
# must not grow past the warm-up. SOAK_ARGS below sets the length.
set -euo pipefail
SOAK_ARGS="--frames 6000 --recreate-every 500 --reinstance-every 1500 --size 64x64"
VW_MOCK_DRM_PATH=/dev/dri/not-the-mock VENUS_WSI=force \
	/usr/local/libexec/venus-wsi/venus-wsi-soak $SOAK_ARGS
