# Shared helpers for the tools/vm scripts. Source it, do not run it.
# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this

VM_TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_REPO_DIR=$(cd "$VM_TOOLS_DIR/../.." && pwd)
VM_CACHE=${VENUS_WSI_VM_CACHE:-${HOME:-/root}/.cache/venus-wsi}
VM_ROOT=$VM_CACHE/rootfs          # the finished guest tree (plain Debian 13 root)
VM_DEBS=$VM_CACHE/debs            # downloaded .deb files, kept across rebuilds
VM_LOGS=$VM_CACHE/logs            # one log per script run
VM_STAMP_NAME=.venus-wsi-vm-stamp # inside the tree, written last

vm_log() { printf '%s vm: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
vm_die() { printf 'vm: error: %s\n' "$*" >&2; exit 1; }

vm_need_root() {
	[ "$(id -u)" = 0 ] || vm_die "$(basename "$0") must run as root (debootstrap, chroot, mounts)"
}

vm_need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			vm_die "'$c' not found; install it (e.g. apt-get install debootstrap qemu-system-x86 qemu-utils)"
	done
}

# Send this script's stdout+stderr to the terminal and to $VM_LOGS/<name>.log.
vm_log_to() {
	mkdir -p "$VM_LOGS"
	VM_LOGFILE=$VM_LOGS/$1.log
	: >"$VM_LOGFILE"
	exec > >(tee -a "$VM_LOGFILE") 2>&1
	vm_log "logging to $VM_LOGFILE"
}

# The Debian mirror: $VENUS_WSI_VM_MIRROR, else the host's apt source, else deb.debian.org.
vm_mirror() {
	if [ -n "${VENUS_WSI_VM_MIRROR:-}" ]; then
		echo "$VENUS_WSI_VM_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -Eo '(https?://[^ ]+/debian)/?( |$)' | grep -v -- '-security' | head -n1 | tr -d ' ' || true)
	echo "${m%/}" | grep . || echo "http://deb.debian.org/debian"
}

# Is a complete guest tree in place?
vm_tree_ready() {
	[ -f "$VM_ROOT/$VM_STAMP_NAME" ]
}

# Fail if anything is still mounted at or below $1 (never rm -rf through a mount).
vm_assert_unmounted() {
	local p
	p=$(readlink -f "$1")
	if awk -v p="$p" '$2 == p || index($2, p "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		vm_die "something is still mounted below $p; unmount it first (grep '$p' /proc/mounts)"
	fi
}

# Print the comment block at the top of the calling script (its usage text).
vm_usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

# The Venus host tree: a Debian 13 root with QEMU 10 (virtio-gpu-gl, Venus),
# virglrenderer + virgl_render_server, host lavapipe and Xvfb (tools/vm/build-venus-host).
VM_VENUS_HOST=$VM_CACHE/venus-host

# Retry a command up to ${VENUS_WSI_VM_ATTEMPTS:-3} times; $1 is a label for the log.
vm_retry() {
	local label=$1 n=1 attempts=${VENUS_WSI_VM_ATTEMPTS:-3}
	shift
	until "$@"; do
		if [ $n -ge "$attempts" ]; then
			vm_log "$label failed $n times, giving up"
			return 1
		fi
		vm_log "$label failed (attempt $n/$attempts), retrying in $((n * 10)) s"
		sleep $((n * 10))
		n=$((n + 1))
	done
}
