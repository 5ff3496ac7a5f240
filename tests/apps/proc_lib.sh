# Sourced by the test scripts' server libraries (xvfb_lib.sh, weston_lib.sh).
# Stops a program started under timeout(1) in the background: TERM first, which timeout
# passes on to the program (a KILL would end timeout alone and orphan the program).
stop_timed() {
   local pid=$1 i
   [ -n "$pid" ] || return 0
   kill -TERM "$pid" 2>/dev/null || return 0
   for i in $(seq 1 20); do    # 2 s
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.1
   done
   kill -KILL "$pid" 2>/dev/null || true
}

# Runs a window test app (the words after the first argument) bounded by APP_TIMEOUT
# (seconds, default 150), its stderr kept in $tmp/stderr and printed after it ends. When
# KILL_FN is not empty, it is called once the app creates $tmp/ready (its frames are on
# screen; the app gets --ready-file from the caller), to kill the display server under it.
# Sets APP_PID while it runs (for the caller's cleanup: stop_timed "$APP_PID") and
# APP_STATUS, and prints the exit status and whether the app hung or died.
#   run_window_app KILL_FN APP [ARGS...]
run_window_app() {
   local kill_fn=$1 start end i
   shift
   echo "running: $*"
   start=$(date +%s.%N)
   timeout -k 5 "${APP_TIMEOUT:-150}" env ${TEST_LD_PRELOAD:+LD_PRELOAD="$TEST_LD_PRELOAD"} \
      "$@" 2>"$tmp/stderr" &
   APP_PID=$!
   if [ -n "$kill_fn" ]; then
      for i in $(seq 1 300); do   # 30 s for the first frames
         [ -e "$tmp/ready" ] && break
         kill -0 "$APP_PID" 2>/dev/null || break
         sleep 0.1
      done
      if [ -e "$tmp/ready" ]; then
         sleep 0.5
         "$kill_fn"
      else
         echo "the app never got frames on screen"
      fi
   fi
   wait "$APP_PID"
   APP_STATUS=$?
   APP_PID=
   end=$(date +%s.%N)
   cat "$tmp/stderr" >&2
   awk -v s="$start" -v e="$end" -v st="$APP_STATUS" 'BEGIN { printf "app exit status %d after %.1f s\n", st, e - s }'
   if [ $APP_STATUS -eq 124 ] || [ $APP_STATUS -eq 137 ]; then echo "FAIL: the app hung (killed by timeout)"; fi
   if [ $APP_STATUS -gt 128 ] && [ $APP_STATUS -ne 137 ]; then echo "FAIL: the app died of signal $((APP_STATUS - 128))"; fi
}

# Whether FILE holds the layer's VENUS_WSI_DEBUG line 'KIND presentation: METHOD'; prints
# which, returns 1 when it does not.
#   expect_method_line FILE KIND METHOD
expect_method_line() {
   if grep -Eq "$2 presentation: $3([^a-z-]|\$)" "$1"; then
      echo "stderr names '$2 presentation: $3'"
   else
      echo "FAIL: no '$2 presentation: $3' on stderr (VENUS_WSI_DEBUG=${VENUS_WSI_DEBUG:-})"
      return 1
   fi
}
