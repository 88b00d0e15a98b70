"""Shared parts of the benchmark scripts: the binary under test, the peers (installed from the
registries on first use into target/peers), servers started and stopped, wall-time medians and
per-run peak memory.

Each measured run is a fresh child process; peak memory comes from one more run under GNU time,
so the figure belongs to the command measured, not to this script.
"""
import contextlib
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.environ.get("TITANCARD_PEERS", os.path.join(ROOT, "target", "peers"))
SECRET = "whsec_bench"


def tool():
    """The binary measured: TITANCARD_WH_BIN, or this checkout's release build (built here)."""
    given = os.environ.get("TITANCARD_WH_BIN")
    if given:
        return given
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "titancard-wh",
                    "--example", "bench_receiver"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "titancard-wh")


def bare_receiver():
    """A minimal hyper server answering 200 (examples/bench_receiver.rs), built with tool()."""
    return os.path.join(ROOT, "target", "release", "examples", "bench_receiver")


def cargo_peer(binary, crate):
    """A tool from crates.io, installed into target/peers/cargo on first use."""
    path = os.path.join(PEERS, "cargo", "bin", binary)
    if not os.path.exists(path):
        print(f"installing {crate} from crates.io into {PEERS}/cargo ...", file=sys.stderr)
        subprocess.run(["cargo", "install", "--quiet", "--locked", crate, "--root",
                        os.path.join(PEERS, "cargo")], check=True)
    return path


def oha():
    return cargo_peer("oha", "oha")


def nginx():
    """Debian's nginx, installed with apt-get on first use (the benchmarks run as root)."""
    if not shutil.which("nginx"):
        print("installing nginx from Debian ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=False,
                       stdout=subprocess.DEVNULL)
        if not shutil.which("nginx"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True,
                           stdout=subprocess.DEVNULL)
    return shutil.which("nginx")


def python_with(*packages):
    """A Python (the peers' venv) that has `packages` from PyPI."""
    venv = os.path.join(PEERS, "bench-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    missing = [p for p in packages
               if subprocess.run([python, "-c", f"import {p}"], capture_output=True).returncode]
    if missing:
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *missing], check=True)
    return python


def measure(command, runs=5, stdin_path=None, ok_codes=(0,)):
    """Runs `command` (a list) `runs` times; returns (median seconds, peak RSS in MiB)."""
    walls = []
    for _ in range(runs):
        started = time.perf_counter()
        code, stderr = run_once(command, stdin_path)
        walls.append(time.perf_counter() - started)
        if code not in ok_codes:
            sys.exit(f"bench: {shlex.join(command)} exited {code}: {stderr.strip()[:500]}")
    return statistics.median(walls), peak_mib(command, stdin_path)


def run_once(command, stdin_path=None, preexec_fn=None, cwd=None):
    """Runs `command` once: (exit code, stderr). Popen and wait4 rather than subprocess.run,
    whose pipe-reading threads add a millisecond to every run (start-up is measured in ms)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    # stderr to a file, not a pipe: a chatty child cannot fill a pipe nobody reads yet.
    with tempfile.TemporaryFile() as stderr:
        try:
            child = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL,
                                     stderr=stderr, preexec_fn=preexec_fn, cwd=cwd)
            _, status, _ = os.wait4(child.pid, 0)
        finally:
            if stdin_path:
                stdin.close()
        stderr.seek(0)
        return os.waitstatus_to_exitcode(status), stderr.read().decode(errors="replace")


def peak_mib(command, stdin_path=None, preexec_fn=None, cwd=None):
    """The peak RSS of one run of `command`, in MiB, as GNU time reports it.

    Not os.wait4 on our own child: Linux carries the high-water mark of the process that forked
    it (this Python, some 20 MiB) into the child's, so small figures would all read 20 MiB.
    """
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], check=True,
                       stdout=subprocess.DEVNULL)
    _, stderr = run_once([gnu_time, "-f", "%M", *command], stdin_path, preexec_fn, cwd)
    return int(stderr.strip().splitlines()[-1]) / 1024


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def started(command, env=None):
    """Starts a server whose first stdout line says where it listens (`listening on URL`, or the
    JSON `listening` line), with `env` added to the environment; yields (URL, pid); stops it."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env={**os.environ, **(env or {})})
    try:
        first = child.stdout.readline().decode().strip()
        url = first.removeprefix("listening on ")
        if first.startswith("{"):
            url = json.loads(first)["url"]
        if not url.startswith("http"):
            sys.exit(f"bench: {shlex.join(command)} printed {first!r}")
        # Keep reading what it prints, so that a full pipe never blocks it.
        drain = subprocess.Popen(["cat"], stdin=child.stdout, stdout=subprocess.DEVNULL)
        yield url, child.pid
    finally:
        child.terminate()
        child.wait()
        with contextlib.suppress(NameError):
            drain.wait()


@contextlib.contextmanager
def server(command):
    """`started`, yielding the URL alone."""
    with started(command) as (url, _):
        yield url


@contextlib.contextmanager
def nginx_static_200():
    """`nginx_static_200_process`, yielding the URL alone."""
    with nginx_static_200_process() as (url, _):
        yield url


@contextlib.contextmanager
def nginx_static_200_process():
    """nginx answering every POST /webhook with 200 and a small JSON body: the floor for a
    receiver that does nothing. Yields (URL, the master's pid)."""
    binary = nginx()
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as out:
            out.write(f"""
daemon off;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log crit;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work};
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location /webhook {{ default_type application/json; return 200 '{{"received":true}}'; }}
  }}
}}
""")
        child = subprocess.Popen([binary, "-c", conf, "-p", work], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/webhook", child.pid
        finally:
            child.terminate()
            child.wait()


def delivery(binary, event="connection.created"):
    """A signed delivery as `send` makes it: (body bytes, [header lines])."""
    out = subprocess.run([binary, "send", event, "--dry-run", "--format", "json", "--secret",
                          SECRET], check=True, capture_output=True, text=True).stdout
    request = json.loads(out)["requests"][0]
    return request["body"].encode(), [f"{name}: {value}" for name, value in request["headers"]]


def run_oha(url, count, concurrency, body_path, headers):
    """oha against `url`: requests per second, p50 and p99 latency in milliseconds."""
    command = [oha(), "-n", str(count), "-c", str(concurrency), "--no-tui", "--output-format",
               "json", "-m", "POST", "-D", body_path]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    percentiles = data["latencyPercentiles"]
    return (data["summary"]["requestsPerSec"], percentiles["p50"] * 1000,
            percentiles["p99"] * 1000)


def row(cells, widths=(34, 14, 14, 12)):
    """One line of a plain-text table."""
    return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths))


def fmt_seconds(seconds):
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def cpu_line():
    """The CPU, its cores, and whether it has SHA extensions (SHA-256 speed differs by ~3x)."""
    model, sha = "unknown CPU", False
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name") and model == "unknown CPU":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags") and " sha_ni" in line:
                sha = True
    extensions = "with SHA extensions" if sha else "without SHA extensions"
    return f"{model}, {os.cpu_count()} cores, {extensions}, load {os.getloadavg()[0]:.1f}"
