#!/bin/bash
# vm: needs-project
# vm: arch arm64
# vm: vm-run-args --gpu virtio-gpu-pci,xres=1280,yres=800
# venus-frames on the 16 KiB-page arm64 guest, at the users' 1280x800 (QEMU's preferred mode):
# there is no Venus there, so the guest's lavapipe stands in, made to look like Venus
# without host pointers (VENUS_WSI=force VENUS_WSI_HIDE=venus: path D, as on the users'
# Venus). The reference loop with DirtyFB and with flips, the layer's demo in IMMEDIATE,
# FIFO and MAILBOX, 15 s each under vm-measure; the check (venus-frames.check) prints the
# table against the reference loop.
set -uo pipefail
export VENUS_WSI=force VENUS_WSI_HIDE=venus
getconf PAGESIZE | tee /job/pagesize.txt
cat /sys/class/drm/card*-*/modes >/job/modes.txt 2>/dev/null
head -n 3 /job/modes.txt
s=${VENUS_FRAMES_SECONDS:-15}
vm-frame-runs "$s" 1280x800
! grep -l "still running 10 s after SIGTERM" /job/*.log
