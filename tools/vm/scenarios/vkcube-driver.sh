#!/bin/bash
# The comparison for the vkcube-layer scenarios: the same vkcube --wsi display with the
# layer off (VENUS_WSI=off), on the guest driver's own display WSI. Records what happens;
# when the driver does show the cube, the shots and its frame rate are the peer figures.
set -uo pipefail
export XDG_RUNTIME_DIR=/tmp
t0=$(date +%s.%N)
VENUS_WSI=off timeout 60 vkcube --wsi display --c 300 >/job/vkcube-driver.log 2>&1 &
pid=$!
for _ in $(seq 40); do
	kill -0 $pid 2>/dev/null || break
	sleep 0.5
done
if kill -0 $pid 2>/dev/null; then
	vm-screendump vkcube-driver-1
	sleep 6
	vm-screendump vkcube-driver-2
fi
wait $pid
status=$?
t1=$(date +%s.%N)
echo "$status" >/job/vkcube-driver.status
echo "vkcube with VENUS_WSI=off exited with status $status after $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s:"
tail -n 20 /job/vkcube-driver.log
exit 0
