"""uvicorn with tracemalloc on, for ``bench.idle --trace``: where an idle connection's memory
goes, seen from inside the server process; or, for ``bench.idle --profile``, where its CPU
goes.

    python -m bench.traced <uvicorn arguments>

Tracing starts at the first SIGUSR1 (starting Django traced takes minutes on a busy
machine), and each SIGUSR1 writes a snapshot to ``$BENCH_TRACE_OUT.<n>.done`` (n = 1, 2,
...): the bench compares the one taken before the storm with the one taken once it settled,
so what is left is what the storm allocated and still holds. Tracing slows the server and
adds memory of its own, so a traced run says where memory goes, never how much the process
holds: that comes from untraced runs.

SIGUSR2 starts a profile of the event loop's thread (cProfile) and, beside it, a stdlib
sampler of every thread (the database threads included, which cProfile does not see); the
next SIGUSR2 writes both to ``$BENCH_TRACE_OUT.profile.done``. A profiled run says where time
goes, never how much: the idle CPU figure comes from unprofiled runs.
"""

from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import runpy
import signal
import sys
import threading
import time
import tracemalloc
from collections import Counter
from types import FrameType
from typing import Any

#: A thread whose innermost frame is one of these is waiting, not working.
_WAITING = {"wait", "select", "poll", "get", "_worker", "run_forever", "run_until_complete",
            "_run_once", "acquire", "sleep", "readline", "accept", "recv_into", "_recv"}


class Collections:
    """Time spent in the garbage collector, per generation: a full collection walks every
    object of the process, so its cost grows with the connections held."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.counts = [0, 0, 0]
        self.started = 0.0
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self.started
            self.counts[info["generation"]] += 1

    def report(self) -> str:
        gc.callbacks.remove(self.callback)
        return "garbage collections by generation: " + ", ".join(
            f"gen{g} {self.counts[g]} in {self.seconds[g] * 1000:.0f} ms" for g in range(3)
        ) + f"; {len(gc.get_objects())} objects tracked"


class Sampler:
    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.stacks: Counter[tuple[str, str]] = Counter()
        self.samples = 0
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        me = threading.get_ident()
        while self.running:
            time.sleep(self.interval)
            self.samples += 1
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                if frame.f_code.co_name in _WAITING:
                    continue
                stack: list[str] = []
                f: FrameType | None = frame
                while f is not None and len(stack) < 12:
                    stack.append(f"{os.path.basename(f.f_code.co_filename)}:{f.f_code.co_name}")
                    f = f.f_back
                self.stacks[(names.get(ident, str(ident)), " <- ".join(stack))] += 1

    def report(self) -> str:
        self.running = False
        self.thread.join()
        lines = [f"{self.samples} samples every {self.interval * 1000:.0f} ms"]
        for (name, stack), count in self.stacks.most_common(40):
            lines.append(f"{count:6d} {name}: {stack}")
        return "\n".join(lines)


def main() -> None:
    out = os.environ["BENCH_TRACE_OUT"]
    taken = 0
    profiling: list[Any] = []

    def dump(signum: int, frame: FrameType | None) -> None:
        nonlocal taken
        taken += 1
        if not tracemalloc.is_tracing():
            tracemalloc.start(int(os.environ.get("BENCH_TRACE_FRAMES", "8")))
        tracemalloc.take_snapshot().dump(f"{out}.{taken}")
        # The bench waits for this file to exist, so it appears only once whole.
        os.rename(f"{out}.{taken}", f"{out}.{taken}.done")

    def profile(signum: int, frame: FrameType | None) -> None:
        if not profiling:
            profiler = cProfile.Profile()
            profiling[:] = [profiler, Sampler(), time.monotonic(), Collections()]
            profiler.enable()
            return
        profiler, sampler, started, collections = profiling
        profiler.disable()
        profiling.clear()
        text = io.StringIO()
        text.write(f"profiled {time.monotonic() - started:.1f} s (event loop thread)\n")
        text.write(collections.report() + "\n")
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(50)
        text.write("\nsampled stacks, every thread:\n")
        text.write(sampler.report())
        with open(f"{out}.profile", "w") as written:
            written.write(text.getvalue())
        os.rename(f"{out}.profile", f"{out}.profile.done")

    signal.signal(signal.SIGUSR1, dump)
    signal.signal(signal.SIGUSR2, profile)
    sys.argv = ["uvicorn", *sys.argv[1:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
