# Sourced by check_x11.sh and check_vkcube_x11.sh: a private Xvfb for one test.
#   xvfb_start [Xvfb options...]   starts it, sets DISPLAY, XVFB_PID, XVFB_LOG
#   xvfb_stop                      stops it (bounded), idempotent
#   xvfb_log_tail                  the end of its log, for failures
#   xvfb_wait_window PID           waits (30 s) for the server's only top-level window while
#                                  PID lives; sets WINDOW (its id) and WINDOW_W, WINDOW_H
# The caller must have set $tmp (a private directory) and call xvfb_stop from its EXIT trap.

# In the sanitizer builds the tests' LD_PRELOAD carries the sanitizer runtime: it is meant
# for the program under test (run it with 'env ${TEST_LD_PRELOAD:+LD_PRELOAD=...}'), not for
# the X server and the X tools, whose exits LeakSanitizer would otherwise judge.
TEST_LD_PRELOAD=${LD_PRELOAD:-}
unset LD_PRELOAD

. "$(dirname "${BASH_SOURCE[0]}")/proc_lib.sh"

XVFB_PID=
XVFB_LOG=
XVFB_SCREEN=${XVFB_SCREEN:-1280x720x24}

xvfb_start() {
   XVFB_LOG=$tmp/xvfb.log
   local fdfile=$tmp/displayfd
   : >"$fdfile"
   # -displayfd: the server picks a free display number itself (no race with other servers
   # on the machine) and writes it once it accepts connections.
   Xvfb -displayfd 3 -screen 0 "$XVFB_SCREEN" -nolisten tcp -noreset "$@" \
      3>"$fdfile" >"$XVFB_LOG" 2>&1 </dev/null &
   XVFB_PID=$!
   local i
   for i in $(seq 1 100); do   # 10 s
      if grep -q '^[0-9][0-9]*$' "$fdfile" 2>/dev/null; then break; fi
      if ! kill -0 "$XVFB_PID" 2>/dev/null; then
         echo "Xvfb exited before it was ready"; xvfb_log_tail; XVFB_PID=; return 1
      fi
      sleep 0.1
   done
   local num
   num=$(head -n1 "$fdfile")
   if [ -z "$num" ]; then
      echo "Xvfb gave no display number within 10 s"; xvfb_log_tail; return 1
   fi
   export DISPLAY=:$num
   for i in $(seq 1 50); do    # 10 s
      if timeout 5 xdpyinfo >/dev/null 2>&1; then
         echo "Xvfb $DISPLAY (pid $XVFB_PID) ready: $XVFB_SCREEN $*"
         return 0
      fi
      sleep 0.2
   done
   echo "xdpyinfo gets no answer from $DISPLAY"; xvfb_log_tail; return 1
}

xvfb_stop() {
   [ -n "$XVFB_PID" ] || return 0
   kill -TERM "$XVFB_PID" 2>/dev/null || true
   local i
   for i in $(seq 1 30); do    # 3 s, then by force
      kill -0 "$XVFB_PID" 2>/dev/null || break
      sleep 0.1
   done
   kill -KILL "$XVFB_PID" 2>/dev/null || true
   wait "$XVFB_PID" 2>/dev/null || true
   XVFB_PID=
}

xvfb_log_tail() {
   if [ -n "$XVFB_LOG" ] && [ -s "$XVFB_LOG" ]; then
      echo "--- the end of Xvfb's log ($XVFB_LOG):"
      tail -n 20 "$XVFB_LOG"
      echo "---"
   fi
}


xvfb_wait_window() {
   local pid=$1 i line geo rest
   WINDOW= WINDOW_W= WINDOW_H=
   for i in $(seq 1 300); do   # 30 s
      line=$(xwininfo -root -children 2>/dev/null | grep -E '^ +0x[0-9a-f]+ .*[0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+' | head -n1)
      if [ -n "$line" ]; then
         WINDOW=$(echo "$line" | awk '{print $1}')
         geo=$(echo "$line" | grep -oE '[0-9]+x[0-9]+\+-?[0-9]+\+-?[0-9]+' | head -n1)
         WINDOW_W=${geo%%x*}; rest=${geo#*x}; WINDOW_H=${rest%%+*}
         echo "window $WINDOW: $geo"
         return 0
      fi
      kill -0 "$pid" 2>/dev/null || return 1
      sleep 0.1
   done
   return 1
}
