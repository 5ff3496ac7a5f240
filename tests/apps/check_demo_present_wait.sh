#!/bin/sh
# venus-wsi-demo --present-wait --present-fence on the mock virtio-gpu display (preloaded, 60 Hz), the layer
# installed (implicit) and forced, the validation layer above it: in FIFO each wait for the
# frame before the last lasts until a flip (the mock completes one per refresh), so the
# demo runs at the refresh and waits most of a frame on average; MAILBOX and IMMEDIATE never
# wait past one; no wait times out, every present's fence (VK_EXT_swapchain_maintenance1)
# signals, nothing is reported, nothing is left in the mock.
#   check_demo_present_wait.sh BUILD_DIR DEMO MOCK_DRM_PRELOAD
set -u
build=$1 demo=$2 mock=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
unset VENUS_WSI_HIDE VK_ADD_LAYER_PATH
export XDG_DATA_DIRS="$build/share:/usr/share" VENUS_WSI=force VW_MOCK_DRM_MODES=640x480@60
export VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation
preload="${LD_PRELOAD:+$LD_PRELOAD }$mock"

for mode in fifo mailbox immediate; do
   env LD_PRELOAD="$preload" VW_MOCK_DRM_REPORT="$work/$mode.report" \
      timeout -k 5 120 "$demo" --display --present-wait --present-fence --mode $mode --frames 120 --size 640x480 \
      >"$work/$mode.out" 2>"$work/$mode.err"
   status=$?
   cat "$work/$mode.out" "$work/$mode.err"
   [ $status -eq 0 ] || fail "$mode: exit status $status"
   grep -q VALIDATION "$work/$mode.err" && fail "$mode: validation messages"
   leaks=$(grep -E '^(leaked_[a-z_]+|pending_flips)=[1-9]' "$work/$mode.report" 2>/dev/null)
   [ -f "$work/$mode.report" ] || fail "$mode: the mock wrote no report"
   [ -z "$leaks" ] || fail "$mode: left behind in the mock: $(echo $leaks)"
   line=$(grep '^venus-wsi-demo: present wait:' "$work/$mode.out")
   waits=$(echo "$line" | sed -n 's/.*wait: \([0-9]*\) waits.*/\1/p')
   timeouts=$(echo "$line" | sed -n 's/.* \([0-9]*\) timed out.*/\1/p')
   avg=$(echo "$line" | sed -n 's/.*, \([0-9.]*\) ms on average.*/\1/p')
   fps=$(sed -n 's/.*(\([0-9.]*\) frames\/s).*/\1/p' "$work/$mode.out")
   [ "$waits" = 118 ] && [ "$timeouts" = 0 ] || fail "$mode: want 118 waits, none timed out: $line"
   grep -q '^venus-wsi-demo: present fences: 120 signalled, 0 not within a second$' "$work/$mode.out" ||
      fail "$mode: want all 120 present fences signalled"
   case $mode in
   # 60 Hz: a frame per 16.7 ms; the wait takes what drawing did not.
   fifo) awk -v a="$avg" -v f="$fps" 'BEGIN { exit !(a >= 4 && f >= 50 && f <= 66) }' ||
         fail "fifo: waits of $avg ms on average at $fps frames/s (want >= 4 ms, 50-66 frames/s)" ;;
   *) awk -v a="$avg" 'BEGIN { exit !(a <= 17) }' ||
         fail "$mode: waits of $avg ms on average, more than a refresh" ;;
   esac
done

[ $failed -eq 0 ] && echo "1 passed, 0 failed" && exit 0
echo "0 passed, 1 failed"
exit 1
