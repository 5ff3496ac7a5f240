#!/usr/bin/env bash
# Runs vw-wayland-test on a private headless weston (1280x720, pixman, killed on the way out).
#   check_wayland.sh [--kill-compositor] [--expect-method NAME] -- APP [APP ARGS...]
# --kill-compositor  once the app has frames on screen (its --ready-file appears), kill
#                    weston with SIGKILL: the app must see errors, not hang or crash
# --expect-method    the layer must show the frames with this method: its statistics
#                    (VENUS_WSI_STATS_FILE, checked by the app) and its VENUS_WSI_DEBUG line
#                    'wayland presentation: NAME' on stderr
# APP_TIMEOUT (seconds, default 150) bounds the app.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kill_compositor=0 method=
while [ $# -gt 0 ]; do
   case $1 in
   --kill-compositor) kill_compositor=1 ;;
   --expect-method) method=$2; shift ;;
   --) shift; break ;;
   *) echo "check_wayland.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done
[ $# -ge 1 ] || { echo "usage: check_wayland.sh [--kill-compositor] [--expect-method NAME] -- APP ARGS..."; exit 2; }

tmp=$(mktemp -d /tmp/vw-wayland.XXXXXX)
app_pid=
cleanup() {
   stop_timed "$app_pid"
   weston_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/weston_lib.sh"

weston_start || exit 1

app=("$@")
if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
   app+=(--expect-method "$method")
fi
[ $kill_compositor -eq 1 ] && app+=(--ready-file "$tmp/ready")

echo "running: ${app[*]}"
start=$(date +%s.%N)
timeout -k 5 "${APP_TIMEOUT:-150}" env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} \
   "${app[@]}" 2>"$tmp/stderr" &
app_pid=$!
if [ $kill_compositor -eq 1 ]; then
   for i in $(seq 1 300); do   # 30 s for the first frames
      [ -e "$tmp/ready" ] && break
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 0.1
   done
   if [ -e "$tmp/ready" ]; then
      sleep 0.5
      echo "killing weston (pid $WESTON_PID) with SIGKILL while the app presents"
      kill -KILL "$WESTON_PID"
      wait "$WESTON_PID" 2>/dev/null
      WESTON_PID=
   else
      echo "the app never got frames on screen"
   fi
fi
wait "$app_pid"
status=$?
app_pid=
end=$(date +%s.%N)
cat "$tmp/stderr" >&2
awk -v s="$start" -v e="$end" -v st="$status" 'BEGIN { printf "app exit status %d after %.1f s\n", st, e - s }'
if [ $status -eq 124 ] || [ $status -eq 137 ]; then echo "FAIL: the app hung (killed by timeout)"; fi
if [ $status -gt 128 ] && [ $status -ne 137 ]; then echo "FAIL: the app died of signal $((status - 128))"; fi
if [ -n "$method" ] && [ $status -eq 0 ]; then
   if grep -Eq "wayland presentation: $method([^a-z-]|\$)" "$tmp/stderr"; then
      echo "stderr names 'wayland presentation: $method'"
   else
      echo "FAIL: no 'wayland presentation: $method' on stderr (VENUS_WSI_DEBUG=$VENUS_WSI_DEBUG)"
      status=1
   fi
fi
if [ $status -ne 0 ]; then
   [ $kill_compositor -eq 1 ] && [ -z "$WESTON_PID" ] && echo "(weston was killed on purpose)"
   weston_log_tail
fi
exit $status
