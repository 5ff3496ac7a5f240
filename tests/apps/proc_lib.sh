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
