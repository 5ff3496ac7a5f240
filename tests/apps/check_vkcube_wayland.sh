#!/usr/bin/env bash
# Debian's vkcube-wayland on a private headless weston: two screenshots (weston-screenshooter)
# some time apart must show a drawn cube in its window (tools/vm/check-vkcube, the window
# where weston's scene graph puts it) that turns, and vkcube must end by itself,
# successfully, after its frame count.
#   check_vkcube_wayland.sh VKCUBE CHECK_VKCUBE [--frames N] [--expect-method NAME]
# --expect-method: the layer's VENUS_WSI_DEBUG line 'wayland presentation: NAME' and its
# statistics line (VENUS_WSI_STATS_FILE) must name the method.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: check_vkcube_wayland.sh VKCUBE CHECK_VKCUBE [--frames N] [--expect-method NAME]"; exit 2; }
vkcube=$1 check=$2
shift 2
frames=300 method=
while [ $# -gt 0 ]; do
   case $1 in
   --frames) frames=$2; shift ;;
   --expect-method) method=$2; shift ;;
   *) echo "check_vkcube_wayland.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done

tmp=$(mktemp -d /tmp/vw-vkcube-wayland.XXXXXX)
cube_pid=
cleanup() {
   stop_timed "$cube_pid"
   weston_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/weston_lib.sh"
weston_start || exit 1

if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
fi
fail=0
bad() { echo "FAIL: $*"; fail=1; }

echo "running: $vkcube --c $frames"
start=$(date +%s.%N)
timeout -k 5 120 env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} \
   "$vkcube" --c "$frames" >"$tmp/out" 2>&1 &
cube_pid=$!
# vkcube names its GPU once it starts; its first frames follow within a second.
for i in $(seq 1 100); do
   grep -q "Selected GPU" "$tmp/out" 2>/dev/null && break
   kill -0 "$cube_pid" 2>/dev/null || break
   sleep 0.1
done
sleep 1.5
shots=0
weston_shoot a && shots=$((shots + 1))
sleep 0.5
weston_shoot b && shots=$((shots + 1))
window=$(weston_window)
[ $shots -eq 2 ] || bad "weston-screenshooter could not shoot twice while vkcube ran ($shots shots)"
wait "$cube_pid"
status=$?
cube_pid=
end=$(date +%s.%N)
cat "$tmp/out"
awk -v s="$start" -v e="$end" -v st="$status" -v f="$frames" \
   'BEGIN { printf "vkcube exit status %d after %.1f s (%d frames: %.1f frames/s)\n", st, e - s, f, f / (e - s) }'
[ $status -eq 0 ] || bad "vkcube exited with status $status$( [ $status -eq 124 ] && echo ' (hung: killed by timeout)')"
if [ $shots -eq 2 ]; then
   where=(--find-window)
   [ -n "$window" ] && where=(--window "$window")
   "$check" "${where[@]}" "$tmp/a.png" "$tmp/b.png" || bad "no turning cube in the screenshots"
fi

if [ -n "$method" ]; then
   if grep -Eq "wayland presentation: $method([^a-z-]|\$)" "$tmp/out"; then echo "stderr names 'wayland presentation: $method'"
   else bad "no 'wayland presentation: $method' in vkcube's output (VENUS_WSI_DEBUG=$VENUS_WSI_DEBUG)"; fi
   if [ -s "$tmp/stats" ]; then
      cat "$tmp/stats"
      pattern="(^| )backend=wayland( .*)? method=$method( |\$)"
      grep -Ev "$pattern" "$tmp/stats" | grep -q . && bad "a statistics line without backend=wayland and method=$method"
      grep -Eq "$pattern" "$tmp/stats" || bad "no statistics line with backend=wayland and method=$method"
   else
      bad "no statistics in VENUS_WSI_STATS_FILE"
   fi
fi
[ $fail -eq 0 ] || weston_log_tail
[ $fail -eq 0 ] && echo "vkcube on Wayland: passed"
exit $fail
