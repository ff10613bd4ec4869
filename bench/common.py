"""Shared pieces of the benchmarks: medians, the fake Yahoo server, generated deals files."""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def median_of(fn: Callable[[], float], runs: int) -> tuple[float, list[float]]:
    """Run ``fn`` (which returns seconds) ``runs`` times; the median and every sample."""
    samples = [fn() for _ in range(runs)]
    return statistics.median(samples), samples


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def row(label: str, value: str) -> None:
    """Print one figure, aligned."""
    print(f"  {label:<58} {value}", flush=True)


@contextlib.contextmanager
def fake_server(port: int, fault: str | None = None, latency: float = 0.0) -> Iterator[str]:
    """The tests' fake Yahoo server in its own process (so its CPU is not counted as ours)."""
    args = [sys.executable, "-m", "tests.fake_yahoo", "--port", str(port),
            "--latency", str(latency)] + (["--fault", fault] if fault else [])  # fmt: skip
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "fake Yahoo on ..."
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROVIDERS = ("coreweave", "nebius", "iren", "cipher", "terawulf", "applied-digital", "nscale")


def generate_deals(path: Path, count: int, seed: int = 1) -> Path:
    """A valid deals file with ``count`` deals over a few providers (about 400 bytes each)."""
    rng = random.Random(seed)
    kinds = ("compute", "hosting", "equity", "debt", "funding", "partnership")
    parties = ("Microsoft", "OpenAI", "Meta", "Google", "AWS", "Oracle", "xAI", "NVIDIA")
    out = ["schema = 1\n"]
    for pid in PROVIDERS:
        out.append(f'[[provider]]\nid = "{pid}"\nname = "{pid.title()}"\ncountry = "US"\n'
                   'role = "neocloud"\n\n')  # fmt: skip
    for i in range(count):
        pid = rng.choice(PROVIDERS)
        out.append(
            f'[[deal]]\nid = "deal-{i}"\ndate = 20{rng.randint(20, 26)}-'
            f"{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
            f'date_kind = "announced"\nprovider = "{pid}"\n'
            f'counterparty = "{rng.choice(parties)}"\nkind = "{rng.choice(kinds)}"\n'
            f"value_usd = {rng.randint(1, 400) * 1e8:.1f}\npower = {rng.randint(10, 900)}.0\n"
            f'power_unit = "MW"\nsummary = "Generated deal number {i} for benchmarks."\n'
            f'source = "bench"\n\n'
        )
    path.write_text("".join(out), encoding="utf-8")
    return path


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid or os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def open_sockets(pid: int | None = None) -> int:
    """How many sockets a process has open."""
    fd_dir = Path(f"/proc/{pid or os.getpid()}/fd")
    count = 0
    for fd in fd_dir.iterdir():
        with contextlib.suppress(OSError):
            if str(fd.readlink()).startswith("socket:"):
                count += 1
    return count
