# Guest side, sourced (`. vm-stop.sh`) by the scripts that run a program in the background and
# must stop it: stopping that can never hang the boot.
#   vm_gone PID               true once PID has exited (gone, or every thread a zombie)
#   vm_threads PID            each thread's name, state, wait channel, system call, kernel stack
#   vm_stop PID NAME LOG      SIGTERM; 10 s on, the threads into LOG and SIGKILL; 5 s on, give up.
#                             Sets VM_STOP_STATUS: PID's exit status, or 125 when it would not go.
# A program in an uninterruptible wait in the kernel ignores even SIGKILL: under virtio-gpu that
# is a wait for the host (a control queue it stopped reading, a fence it never signals), so
# vm_stop then prints the line VM_HOST_STALL_LINE below, which the Venus runner treats as a
# host-side fault (vm-run --retry-on): the boot is stopped and booted again.

VM_HOST_STALL_LINE="vm-stop: stuck in an uninterruptible kernel wait: the host stopped answering"

# Every thread, not only the first: a process whose first thread has exited while another
# waits on in the kernel shows that first one as a zombie, and `wait` would block.
vm_gone() {
	local t stat
	for t in /proc/"$1"/task/*; do
		{ read -r stat <"$t/stat"; } 2>/dev/null || continue
		stat=${stat##*) }
		[ "${stat%% *}" = Z ] || return 1
	done
	return 0
}

vm_threads() {
	local t
	for t in /proc/"$1"/task/*; do
		printf '  thread %s (%s) state %s wchan %s syscall %s\n' "${t##*/}" "$(cat "$t/comm" 2>/dev/null)" \
			"$(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f1)" "$(cat "$t/wchan" 2>/dev/null)" \
			"$(cut -d' ' -f1-3 "$t/syscall" 2>/dev/null)"
		sed 's/^/    /' "$t/stack" 2>/dev/null
	done
}

vm_stop() {
	local pid=$1 name=$2 log=$3 report
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do vm_gone "$pid" && break; sleep 0.1; done
	if ! vm_gone "$pid"; then
		report=$(vm_threads "$pid")
		{
			echo "vm-stop: $name: still running 10 s after SIGTERM: its threads:"
			echo "$report"
		} | tee -a "$log"
		kill -KILL "$pid" 2>/dev/null
		for _ in $(seq 50); do vm_gone "$pid" && break; sleep 0.1; done
	fi
	if vm_gone "$pid"; then
		wait "$pid" 2>/dev/null
		VM_STOP_STATUS=$?
		return 0
	fi
	VM_STOP_STATUS=125
	if echo "$report" | grep -q ' state D '; then
		echo "$VM_HOST_STALL_LINE ($name, pid $pid, after SIGKILL)" | tee -a "$log"
	else
		echo "vm-stop: $name: still there 5 s after SIGKILL; left behind" | tee -a "$log"
	fi
	return 1
}
