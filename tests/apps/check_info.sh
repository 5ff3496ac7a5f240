#!/bin/sh
# venus-wsi-info against the mock display: it must see the display and find paths C and D
# working on this lavapipe (which has host-pointer imports but no dma-buf).
set -eu
out=$(LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$2" "$1" --probe 2>&1)
printf '%s\n' "$out"
printf '%s\n' "$out" | grep -q "WSI on the first device: the venus-wsi layer" || { echo "FAIL: layer not in charge"; exit 1; }
printf '%s\n' "$out" | grep -q "Virtual-1" || { echo "FAIL: no Virtual-1 display"; exit 1; }
printf '%s\n' "$out" | grep -q "C hostptr  works" || { echo "FAIL: path C"; exit 1; }
printf '%s\n' "$out" | grep -q "D copy     works" || { echo "FAIL: path D"; exit 1; }
printf '%s\n' "$out" | grep -q "A export   fails" || { echo "FAIL: path A should fail without dma-buf"; exit 1; }
echo "1 passed, 0 failed"
