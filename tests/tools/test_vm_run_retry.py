#!/usr/bin/env python3
"""tools/vm/vm-run's --retry-on without a boot: the watch over the job directory's files,
and the retry loop with a stand-in for one boot."""
import importlib.machinery
import importlib.util
import json
import os
import sys
import tempfile
import types

path = os.path.join(sys.argv[1], "tools", "vm", "vm-run")
loader = importlib.machinery.SourceFileLoader("vm_run", path)
vm = importlib.util.module_from_spec(importlib.util.spec_from_loader("vm_run", loader))
loader.exec_module(vm)
failures = 0


def check(what, ok):
    global failures
    print("%s: %s" % ("ok" if ok else "FAILED", what))
    failures += 0 if ok else 1


def write(path, text, mode="a"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


with tempfile.TemporaryDirectory() as job:
    quiet = vm.SilenceWatch(job)
    quiet.since -= 50
    write(os.path.join(job, "console.log"), "[1.0] vm-guest: init started\n")
    check("a file of the job that grew is the guest speaking", quiet.silent_for(every=0) < 1)
    quiet.since -= 50
    check("nothing grown since: silent", quiet.silent_for(every=0) >= 49)
    write(os.path.join(job, "m", "x", "out", "001.log"), "a member's log\n")
    check("a group member's file counts too", quiet.silent_for(every=0) < 1)
    quiet.since -= 50
    quiet.heard()
    check("a control message counts", quiet.silent_for(every=0) < 1)
    quiet.since -= 50
    write(os.path.join(job, "qemu.log"), "virgl: the host still talking\n")
    write(os.path.join(job, "shots", "a.png"), "png")
    check("what the host writes (QEMU's log, screenshots) is not the guest",
          quiet.silent_for(every=0) >= 49)

with tempfile.TemporaryDirectory() as job:
    watch = vm.HostFaultWatch(job, ["stuck in ring seqno wait", "iotlb_to_section: Assertion"])
    write(os.path.join(job, "console.log"), "command 001: echo stuck in ring seqno wait\n")
    write(os.path.join(job, "out", "001.log"), "vkcube: device created\nMESA-VIRTIO: debug: stuck in ri")
    check("the console (which echoes commands) is not watched; half a line is no match",
          watch.scan(every=0) is None)
    write(os.path.join(job, "out", "001.log"), "ng seqno wait with iter at 4096\n")
    check("a text split across two reads is found",
          watch.scan(every=0) == ("stuck in ring seqno wait", "out/001.log"))
    check("what was read is not read again", watch.scan(every=0) is None)
    write(os.path.join(job, "qemu.log"), "qemu: system/physmem.c:2671: iotlb_to_section: Assertion `x' failed.\n")
    check("QEMU's log is watched", watch.scan(every=0) == ("iotlb_to_section: Assertion", "qemu.log"))
    write(os.path.join(job, "facts", "vulkaninfo-summary.txt"), "stuck in ring seqno wait\n")
    check("a scan within 'every' seconds of the last one looks at nothing", watch.scan(every=60) is None)
    check("facts/ is watched", watch.scan(every=0) == ("stuck in ring seqno wait", "facts/vulkaninfo-summary.txt"))
    write(os.path.join(job, "m", "venus-vkcube", "vkcube.log"), "MESA-VIRTIO: debug: stuck in ring seqno wait\n")
    check("a scenario group member's own logs are watched",
          watch.scan(every=0) == ("stuck in ring seqno wait", "m/venus-vkcube/vkcube.log"))

for faults, retries, want_status, want_kept in (
        ([None], 2, 0, 0),
        (["'stall' in out/001.log", None], 2, 0, 1),
        (["'abort' in qemu.log", "'stall' in out/001.log", None], 2, 0, 2),
        (["'stall' in out/001.log"] * 3, 2, vm.EXIT_HOST_FAULT, 2),
        (["'stall' in out/001.log"] * 2, 0, vm.EXIT_HOST_FAULT, 0)):
    with tempfile.TemporaryDirectory() as top:
        job = os.path.join(top, "job")
        boots = []

        def one_boot(args, commands, faults=faults, job=job, boots=boots):
            # What a boot leaves: the job directory emptied and filled again (prepare_job).
            n = len(boots)
            boots.append(n)
            os.makedirs(os.path.join(job, "out"), exist_ok=True)
            fault = faults[n]
            write(os.path.join(job, "out", "001.log"), "boot %d\n" % n, "w")
            status = vm.EXIT_HOST_FAULT if fault else 0
            write(os.path.join(job, "result.json"), json.dumps({"status": status}), "w")
            return status, fault

        vm.boot = one_boot
        status = vm.run(types.SimpleNamespace(job_dir=job, retries=retries), ["true"])
        kept = sorted(n for n in os.listdir(job) if n.startswith("retried-attempt-"))
        what = "faults %s, --retries %d" % ([f is not None for f in faults], retries)
        check(what + ": %d boots, status %d" % (len(boots), status),
              len(boots) == min(len(faults), retries + 1) and status == want_status)
        check(what + ": %d attempts kept" % len(kept), len(kept) == want_kept)
        for i, name in enumerate(kept):
            with open(os.path.join(job, name, "out", "001.log")) as f:
                first = f.read()
            with open(os.path.join(job, name, "retry-reason")) as f:
                reason = f.read().strip()
            check(what + ": %s holds boot %d's files and its reason" % (name, i),
                  first == "boot %d\n" % i and reason == faults[i])
        with open(os.path.join(job, "result.json")) as f:
            result = json.load(f)
        check(what + ": result.json lists the retries", result.get("retried", []) == faults[:want_kept])
        check(what + ": no attempt left beside the job directory", os.listdir(top) == ["job"])

print("%d failed" % failures)
sys.exit(1 if failures else 0)
