#!/usr/bin/env bash
# Runs vw-x11-test on a private Xvfb (1280x720x24, no TCP, killed on the way out).
#   check_x11.sh [--no-shm] [--kill-server] [--expect-method NAME] -- APP [APP ARGS...]
# --no-shm          the server without MIT-SHM (-extension MIT-SHM)
# --kill-server     once the app has frames on screen (its --ready-file appears), kill the
#                   server with SIGKILL: the app must see errors, not hang or crash
# --expect-method   the layer must show the frames with this method: its statistics
#                   (VENUS_WSI_STATS_FILE, checked by the app) and its VENUS_WSI_DEBUG line
#                   'x11 presentation: NAME' on stderr
# APP_TIMEOUT (seconds, default 150) bounds the app.
set -u
here=$(cd "$(dirname "$0")" && pwd)
no_shm=0 kill_server=0 method=
while [ $# -gt 0 ]; do
   case $1 in
   --no-shm) no_shm=1 ;;
   --kill-server) kill_server=1 ;;
   --expect-method) method=$2; shift ;;
   --) shift; break ;;
   *) echo "check_x11.sh: unknown option $1"; exit 2 ;;
   esac
   shift
done
[ $# -ge 1 ] || { echo "usage: check_x11.sh [--no-shm] [--kill-server] [--expect-method NAME] -- APP ARGS..."; exit 2; }

tmp=$(mktemp -d /tmp/vw-x11.XXXXXX)
app_pid=
cleanup() {
   stop_timed "$app_pid"
   xvfb_stop
   rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
. "$here/xvfb_lib.sh"

xvfb_args=()
[ $no_shm -eq 1 ] && xvfb_args+=(-extension MIT-SHM)
xvfb_start "${xvfb_args[@]}" || exit 1
if [ $no_shm -eq 1 ]; then
   if xdpyinfo | grep -q 'MIT-SHM'; then echo "FAIL: MIT-SHM still offered"; exit 1; fi
   echo "MIT-SHM is off"
fi

app=("$@")
if [ -n "$method" ]; then
   export VENUS_WSI_STATS_FILE=$tmp/stats
   export VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-1}
   app+=(--expect-method "$method")
fi
[ $kill_server -eq 1 ] && app+=(--ready-file "$tmp/ready")

echo "running: ${app[*]}"
start=$(date +%s.%N)
timeout -k 5 "${APP_TIMEOUT:-150}" env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} \
   "${app[@]}" 2>"$tmp/stderr" &
app_pid=$!
if [ $kill_server -eq 1 ]; then
   for i in $(seq 1 300); do   # 30 s for the first frames
      [ -e "$tmp/ready" ] && break
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 0.1
   done
   if [ -e "$tmp/ready" ]; then
      sleep 0.5
      echo "killing Xvfb (pid $XVFB_PID) with SIGKILL while the app presents"
      kill -KILL "$XVFB_PID"
      wait "$XVFB_PID" 2>/dev/null
      XVFB_PID=
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
   if grep -Eq "x11 presentation: $method([^a-z-]|\$)" "$tmp/stderr"; then
      echo "stderr names 'x11 presentation: $method'"
   else
      echo "FAIL: no 'x11 presentation: $method' on stderr (VENUS_WSI_DEBUG=$VENUS_WSI_DEBUG)"
      status=1
   fi
fi
if [ $status -ne 0 ]; then
   [ $kill_server -eq 1 ] && [ -z "$XVFB_PID" ] && echo "(Xvfb was killed on purpose; its log:)"
   xvfb_log_tail
fi
exit $status
