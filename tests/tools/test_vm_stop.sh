#!/bin/bash
# tools/vm/guest/bin/vm-stop.sh on the host: a program that goes on SIGTERM, one that ignores
# it (stopped with SIGKILL 10 s on, its threads reported), one already gone; vm_gone sees a
# running program as running and an exited one as gone.
#   test_vm_stop.sh SOURCE_DIR
set -u
. "$1/tools/vm/guest/bin/vm-stop.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
check() { # what, condition...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failed=1; fi
}
# Its own default action for SIGTERM: a test run started in the background may have it
# ignored, and a shell cannot undo that for its children.
# It says when it has it (a signal that is ignored meanwhile is lost).
python3 -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_DFL); print("ready", flush=True); time.sleep(100)' \
	>"$work/ready" &
p=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
check "a running program is not gone" eval '! vm_gone '$p
vm_stop "$p" term "$work/term.log" >/dev/null
check "SIGTERM stops it: status $VM_STOP_STATUS" test "$VM_STOP_STATUS" = 143
check "nothing reported for it" test ! -s "$work/term.log"

bash -c 'trap "" TERM; echo ready; while :; do sleep 1; done' >"$work/deaf-ready" &
p=$!
for _ in $(seq 100); do [ -s "$work/deaf-ready" ] && break; sleep 0.1; done
t0=$SECONDS
vm_stop "$p" deaf "$work/deaf.log" >"$work/deaf.out" 2>/dev/null
check "one that ignores SIGTERM is killed: status $VM_STOP_STATUS after $((SECONDS - t0)) s" \
	test "$VM_STOP_STATUS" = 137 -a $((SECONDS - t0)) -ge 9 -a $((SECONDS - t0)) -le 13
check "its threads are in its log" grep -q "deaf: still running 10 s after SIGTERM: its threads:" "$work/deaf.log"
check "with their state" grep -Eq "^  thread [0-9]+ \(bash\) state [A-Z]" "$work/deaf.log"
check "and no host stall claimed (it was not in an uninterruptible wait)" \
	eval '! grep -q "$VM_HOST_STALL_LINE" '"$work/deaf.log"

(exit 3) &
p=$!
for _ in $(seq 100); do vm_gone "$p" && break; sleep 0.1; done
check "an exited program is gone" vm_gone "$p"
vm_stop "$p" done "$work/done.log" >/dev/null
check "its own status is kept: $VM_STOP_STATUS" test "$VM_STOP_STATUS" = 3
exit $failed
