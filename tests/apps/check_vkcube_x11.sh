#!/usr/bin/env bash
# vkcube (xcb) on a private Xvfb: two xwd dumps of its window some time apart must show a
# drawn cube (many colours, much of the window unlike its background corner) that turns
# (the dumps differ), and vkcube must end by itself, successfully, after its frame count.
#   check_vkcube_x11.sh VKCUBE XWD_TOOL [--frames N] [--expect-method NAME]
# --expect-method: the layer's VENUS_WSI_DEBUG line 'x11 presentation: NAME' and its
# statistics line (VENUS_WSI_STATS_FILE) must name the method.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: check_vkcube_x11.sh VKCUBE XWD_TOOL [--frames N] [--expect-method NAME]"; exit 2; }
vkcube=$1 tool=$2
shift 2
frames=1000 method=
while [ $# -gt 0 ]; do
   case $1 in
   --frames) frames=$2; shift ;;
   --expect-method) method=$2; shift ;;
   *) echo "check_vkcube_x11.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done

tmp=$(mktemp -d /tmp/vw-vkcube-x11.XXXXXX)
cube_pid=
cleanup() {
   stop_timed "$cube_pid"
   xvfb_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/xvfb_lib.sh"
xvfb_start || exit 1

if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
fi
fail=0
bad() { echo "FAIL: $*"; fail=1; }

echo "running: $vkcube --c $frames"
timeout -k 5 120 env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} \
   "$vkcube" --c "$frames" >"$tmp/out" 2>&1 &
cube_pid=$!

# vkcube's window is the only top-level window on this server.
shots=0
if ! xvfb_wait_window "$cube_pid"; then
   bad "no vkcube window appeared"
else
   win=$WINDOW w=$WINDOW_W h=$WINDOW_H
   sleep 0.4
   timeout 15 xwd -silent -id "$win" -out "$tmp/a.xwd" && shots=$((shots + 1))
   sleep 0.5
   timeout 15 xwd -silent -id "$win" -out "$tmp/b.xwd" && shots=$((shots + 1))
   [ $shots -eq 2 ] || bad "xwd could not dump the window twice while vkcube ran ($shots dumps; did vkcube's $frames frames end that soon? FIFO should hold it to 60 frames/s)"
fi
wait "$cube_pid"
status=$?
cube_pid=
cat "$tmp/out"
echo "vkcube exit status $status"
[ $status -eq 0 ] || bad "vkcube exited with status $status$( [ $status -eq 124 ] && echo ' (hung: killed by timeout)')"

if [ $shots -eq 2 ]; then
   for s in a b; do
      read -r _ colours _ unlike < <("$tool" stats "$tmp/$s.xwd" 0 0 "$w" "$h") || { bad "cannot read dump $s"; continue; }
      echo "dump $s: $colours colours, ${unlike} per mille unlike the background corner"
      [ "$colours" -ge 16 ] || bad "dump $s: only $colours colours: no cube drawn"
      [ "$unlike" -ge 50 ] && [ "$unlike" -le 950 ] || bad "dump $s: $unlike per mille of the window unlike its corner: no cube on a background"
   done
   read -r _ differ < <("$tool" diff "$tmp/a.xwd" "$tmp/b.xwd" 0 0 "$w" "$h") || bad "cannot compare the dumps"
   echo "the dumps 0.5 s apart differ in ${differ:-?} per mille of the window"
   [ "${differ:-0}" -ge 5 ] || bad "the cube does not turn: the dumps are (nearly) the same"
fi

if [ -n "$method" ]; then
   if grep -Eq "x11 presentation: $method([^a-z-]|\$)" "$tmp/out"; then echo "stderr names 'x11 presentation: $method'"
   else bad "no 'x11 presentation: $method' in vkcube's output (VENUS_WSI_DEBUG=$VENUS_WSI_DEBUG)"; fi
   if [ -s "$tmp/stats" ]; then
      cat "$tmp/stats"
      pattern="(^| )backend=x11( .*)? method=$method( |\$)"
      grep -Ev "$pattern" "$tmp/stats" | grep -q . && bad "a statistics line without backend=x11 and method=$method"
      grep -Eq "$pattern" "$tmp/stats" || bad "no statistics line with backend=x11 and method=$method"
   else
      bad "no statistics in VENUS_WSI_STATS_FILE"
   fi
fi
[ $fail -eq 0 ] || xvfb_log_tail
[ $fail -eq 0 ] && echo "vkcube on X11: passed"
exit $fail
