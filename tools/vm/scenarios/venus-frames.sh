#!/bin/bash
# vm: venus
# vm: needs-project
# vm: env VENUS_WSI_VM_XVFB_SCREEN=1280x800x24 VENUS_WSI_VM_WINDOW=1280x800
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
vm-measure refloop-dirtyfb -- venus-wsi-refloop --seconds "$s" --size 1280x800
vm-measure refloop-flip -- venus-wsi-refloop --seconds "$s" --size 1280x800 --variant flip
for mode in immediate fifo mailbox; do
	# A shot of the screen in the middle of the first run: the demo's scene at 1280x800.
	[ $mode = immediate ] && { sleep $((s / 2)); vm-screendump demo-immediate; } &
	vm-measure "demo-$mode" -- timeout -s TERM "$s" venus-wsi-demo --display --mode "$mode" --frames 1000000
	wait
done
# vkcube writes no statistics when stopped: its frames are the layer's last count on screen.
vm-measure vkcube -- timeout -s TERM "$s" vkcube --wsi display
