"""Shared timing for the benchmark scripts: wall time medians and per-run peak memory.

Each run is a fresh child process; os.wait4 gives that child's own peak RSS, so the memory
figure belongs to the command measured, not to this script.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def measure(command, runs=5, stdin_path=None, ok_codes=(0,)):
    """Runs `command` (a list) `runs` times; returns (median seconds, max peak RSS in MiB)."""
    walls, peaks = [], []
    for _ in range(runs):
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        started = time.perf_counter()
        child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        walls.append(time.perf_counter() - started)
        stderr = child.stderr.read().decode(errors="replace")
        child.stderr.close()
        if stdin_path:
            stdin.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in ok_codes:
            sys.exit(f"bench: {shlex.join(command)} exited {code}: {stderr.strip()[:500]}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(walls), max(peaks)


def row(cells, widths=(34, 14, 14, 12)):
    """One line of a plain-text table."""
    return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths))


def fmt_seconds(seconds):
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"
