#!/bin/bash
# vm: needs-project
# vm: arch arm64
# vm: vm-run-args --gpu virtio-gpu-pci,xres=800,yres=600
# Path C where 16 KiB pages matter: the users' 800x600 display (QEMU's preferred mode set to
# 800x600), whose 1,920,000-byte frame is no whole number of 16 KiB pages (at 1280x800 it is
# exactly 250). The layer's demo in FIFO on the display of the arm64 guest, each time with
# two screendumps: the path the layer picks itself; path C forced (VENUS_WSI_PATH=hostptr)
# at the driver's own import alignment; path C with a 64 KiB import alignment
# (VENUS_WSI_HOSTPTR_ALIGN=65536: import size rounded up past the dumb buffer, a taller
# buffer, a mapping aligned beyond the page size); path D forced. The demo's mappings of
# /dev/dri/card0 (its dumb buffers) are kept in NAME.maps, its swapchains' statistics in
# NAME.stats (vm-present-shots).
set -euo pipefail
getconf PAGESIZE | tee /job/pagesize.txt
export VENUS_WSI=force VENUS_WSI_DEBUG=2
maps() { # NAME: the demo's mappings of the DRM device, once it has frames on screen
	local pid
	for _ in $(seq 240); do
		if grep -q "frames/s on screen" "/job/$1.log" 2>/dev/null && pid=$(pgrep -x venus-wsi-demo); then
			grep /dev/dri/ "/proc/$pid/maps" >"/job/$1.maps" || true
			return
		fi
		sleep 0.5
	done
}
run() { # NAME, then environment assignments
	local name=$1
	shift
	maps "$name" &
	env "$@" vm-present-shots "$name" --gap 3 -- venus-wsi-demo --display --mode fifo --frames 100000
	wait
}
run demo-auto
run demo-hostptr VENUS_WSI_PATH=hostptr
run demo-hostptr-64k VENUS_WSI_PATH=hostptr VENUS_WSI_HOSTPTR_ALIGN=65536
run demo-copy VENUS_WSI_PATH=copy
