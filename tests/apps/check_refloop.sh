#!/bin/sh
# venus-wsi-refloop against the mock virtio-gpu display (preloaded), with the validation
# layer above it: both variants run clean (no validation message, nothing leaked in the
# mock), the screens the mock saw are the demo's frames, painted again on the CPU (and so
# are the demo's own, through the layer), and its options, failures and signals behave.
#   check_refloop.sh BUILD_DIR REFLOOP CHECKER MOCK_DRM_PRELOAD DEMO
set -u
build=$1 refloop=$2 check=$3 mock=$4 demo=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
export VW_MOCK_DRM_MODES=1280x800@60,640x480@60
export VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation
unset VENUS_WSI
preload="${LD_PRELOAD:+$LD_PRELOAD }$mock"

run() { # name, refloop arguments...: output in $work/name.out and .err, report in .report
   name=$1; shift
   env LD_PRELOAD="$preload" VW_MOCK_DRM_REPORT="$work/$name.report" \
      timeout -k 5 120 "$refloop" "$@" >"$work/$name.out" 2>"$work/$name.err"
   status=$?
   cat "$work/$name.out" "$work/$name.err"
   return $status
}

clean_run() { # name: no validation message, every mock object given back
   grep -q VALIDATION: "$work/$1.err" && fail "$1: validation messages"
   [ -f "$work/$1.report" ] || { fail "$1: the mock wrote no report"; return; }
   leaks=$(grep -E '^(leaked_[a-z_]+|pending_flips)=[1-9]' "$work/$1.report")
   [ -z "$leaks" ] || fail "$1: left behind in the mock: $(echo $leaks)"
}

field() { # name, key: the value of key= on the summary line
   sed -n 's/^venus-wsi-refloop: variant=.*/&/p' "$work/$1.out" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

for variant in dirtyfb flip; do
   dumps=$work/dumps-$variant
   mkdir "$dumps"
   VW_MOCK_DRM_DUMP_DIR=$dumps VW_MOCK_DRM_DUMP_EVERY=20 \
      run "$variant" --frames 60 --size 640x480 --variant "$variant" ||
      fail "$variant: exit status $status"
   clean_run "$variant"
   line=$(grep '^venus-wsi-refloop: variant=' "$work/$variant.out")
   echo "$line" | grep -Eq "^venus-wsi-refloop: variant=$variant size=640x480 frames=60 seconds=[0-9.]+ fps=[0-9.]+ cpu_ms_per_frame=[0-9.]+ submit_ms_per_frame=[0-9.]+ gpu_wait_ms_per_frame=[0-9.]+ copy_ms_per_frame=[0-9.]+ kms_ms_per_frame=[0-9.]+ readback=(cached|uncached)$" ||
      fail "$variant: summary line: $line"
   key=dirtyfbs
   [ "$variant" = flip ] && key=events
   grep -q "^$key=60$" "$work/$variant.report" || fail "$variant: want $key=60 in the mock"
   # Screen update 1 is the mode set; frame N is update N + 2.
   for u in 20 40 60; do
      "$check" "$dumps/screen-0000$u.png" $((u - 2)) || fail "$variant: screen update $u"
   done
   cmp -s "$dumps/screen-000020.png" "$dumps/screen-000040.png" &&
      fail "$variant: two screens 20 frames apart are the same"
done

# The bar is only fair if the demo draws the very same frames: its headless dumps too.
# Frames still queued when the swapchain goes are dropped unshown: ten more than the last
# one checked, so that (FIFO, a few images) it was on screen before the demo could go on.
mkdir "$work/demo"
env XDG_DATA_DIRS="$build/share:/usr/share" VK_INSTANCE_LAYERS= VENUS_WSI=force \
   VENUS_WSI_DUMP_DIR="$work/demo" VENUS_WSI_DUMP_EVERY=20 \
   timeout -k 5 120 "$demo" --frames 50 --size 640x480 || fail "demo: exit status $?"
for n in 20 40; do
   "$check" "$work/demo/sc0-frame0000$n.png" $n || fail "demo: frame $n"
done

# A size the connector does not list: the preferred mode, and a line that says so.
run fallback --frames 3 --size 123x45 || fail "fallback: exit status $status"
grep -q 'lists no 123x45 mode: using the preferred 1280x800' "$work/fallback.out" ||
   fail "fallback: no line about the missing mode"
[ "$(field fallback size)" = 1280x800 ] || fail "fallback: size $(field fallback size)"
clean_run fallback

# --seconds alone: runs for that long, not for the default 600 frames.
run seconds --seconds 0.5 --quiet || fail "seconds: exit status $status"
[ "$(grep -c . "$work/seconds.out")" = 1 ] || fail "seconds: --quiet printed more than the summary"
awk -v s="$(field seconds seconds)" 'BEGIN { exit !(s >= 0.5 && s < 5) }' ||
   fail "seconds: ran $(field seconds seconds) s"

# A TERM in the middle: the loop stops, everything is given back, exit 0.
env LD_PRELOAD="$preload" VW_MOCK_DRM_REPORT="$work/term.report" \
   "$refloop" --seconds 60 --variant flip >"$work/term.out" 2>"$work/term.err" &
pid=$!
sleep 2
kill -TERM $pid
wait $pid
status=$?
cat "$work/term.out" "$work/term.err"
[ $status -eq 0 ] || fail "term: exit status $status"
grep -q ' stopped=signal$' "$work/term.out" || fail "term: the summary does not say a signal stopped it"
clean_run term

# Failures: exit 1 and one line that says why.
one_line_failure() { # name
   [ $status -eq 1 ] || fail "$1: exit status $status, want 1"
   lines=$(grep -v '^general message' "$work/$1.err" | grep -c .)
   [ "$lines" -eq 1 ] && grep -q '^venus-wsi-refloop: ' "$work/$1.err" ||
      fail "$1: want one venus-wsi-refloop line on stderr, got $lines"
}
run nocard --card /nonexistent/card0
one_line_failure nocard
VW_MOCK_DRM_CONNECTED=0 run disconnected
one_line_failure disconnected

[ $failed -eq 0 ] && echo "1 passed, 0 failed" && exit 0
echo "0 passed, 1 failed"
exit 1
