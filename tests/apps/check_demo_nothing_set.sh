#!/bin/sh
# The demo with the layer installed (implicit) and nothing set, on a driver with its own
# swapchain: the layer passes through, and the demo must end with a clear message (or run on
# the driver's own headless surface where the driver has one), never with a signal.
#   check_demo_nothing_set.sh BUILD_DIR DEMO
set -u
unset VK_INSTANCE_LAYERS VENUS_WSI VENUS_WSI_HIDE VK_ADD_LAYER_PATH
export XDG_DATA_DIRS="$1/share:/usr/share"
out=$(timeout 120 "$2" --frames 20 --size 320x240 2>&1)
status=$?
echo "$out"
echo "demo exit status: $status"
case $status in
   0) echo "$out" | grep -q "20 frames" || { echo "FAIL: no frame summary"; exit 1; } ;;
   1) echo "$out" | grep -q "is not offered here" || { echo "FAIL: no clear message"; exit 1; } ;;
   *) echo "FAIL: the demo ended with status $status"; exit 1 ;;
esac
