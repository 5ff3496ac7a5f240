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
vm-measure --limit $((s + 60)) refloop-dirtyfb -- venus-wsi-refloop --seconds "$s" --size 1280x800
vm-measure --limit $((s + 60)) refloop-flip -- venus-wsi-refloop --seconds "$s" --size 1280x800 --variant flip
for mode in immediate fifo mailbox; do
	[ $mode = immediate ] && { sleep $((s / 2)); vm-screendump demo-immediate; } &
	vm-measure --limit "$s" "demo-$mode" -- venus-wsi-demo --display --mode "$mode" --frames 1000000
	wait
done
! grep -l "still running 10 s after SIGTERM" /job/*.log
