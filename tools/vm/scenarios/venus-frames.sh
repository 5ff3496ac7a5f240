#!/bin/bash
# vm: venus
# vm: needs-project
# vm: env VENUS_WSI_VM_XVFB_SCREEN=1280x800x24 VENUS_WSI_VM_WINDOW=1280x800
# vm: vm-run-args --timeout 420
# Frame rates on real Venus at the users' display size (1280x800: QEMU's window is sized to
# fill a 1280x800 Xvfb screen, and the guest's display takes the window's size), all in one boot, no
# display server: the reference loop (venus-wsi-refloop: render, wait, copy rows into a dumb
# buffer, DirtyFB or a page flip, serial), the layer's demo in IMMEDIATE, FIFO and MAILBOX
# and vkcube, the layer in auto (Venus has no swapchain). Each run is measured by vm-measure
# (wall, guest CPU, host CPU); the .check prints the table against the reference loop.
set -uo pipefail
export VK_DRIVER_FILES=/usr/share/vulkan/icd.d/virtio_icd.json
unset VENUS_WSI
cat /sys/class/drm/card*-*/modes >/job/modes.txt 2>/dev/null
head -n 3 /job/modes.txt
s=${VENUS_FRAMES_SECONDS:-15}
vm-frame-runs "$s" 1280x800
# The layer picks path F on Venus (linear host-visible images the present thread copies
# from, no GPU copy); path D (a GPU copy, then the CPU's) beside it, as it was the default:
vm-measure --limit "$s" demo-immediate-copy -- env VENUS_WSI_PATH=copy venus-wsi-demo --display --mode immediate --frames 1000000
# IMMEDIATE with DirtyFB on the buffer on screen instead of page flips, on F and on D (not the
# default: it won clearly in some boots and lost in others; both stay side by side here).
vm-measure --limit "$s" demo-immediate-dirtyfb -- env VENUS_WSI_KMS_UPDATE=dirtyfb venus-wsi-demo --display --mode immediate --frames 1000000
vm-measure --limit "$s" demo-immediate-copy-dirtyfb -- env VENUS_WSI_PATH=copy VENUS_WSI_KMS_UPDATE=dirtyfb venus-wsi-demo --display --mode immediate --frames 1000000
# The CPU copy of each frame cut between the present thread and a helper
# (VENUS_WSI_COPY_THREADS=2; only when asked for until it proves faster here).
vm-measure --limit "$s" demo-immediate-2threads -- env VENUS_WSI_COPY_THREADS=2 venus-wsi-demo --display --mode immediate --frames 1000000
# vkcube writes no statistics when stopped: its frames are the layer's last count on screen.
vm-measure --limit "$s" vkcube -- vkcube --wsi display
# A run that hung (vm-measure's report in its log) fails the boot: the runner then looks for
# the renderer's known stall in the guest's logs and boots again if it was that.
! grep -l "still running 10 s after SIGTERM" /job/*.log
