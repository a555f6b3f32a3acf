"""uvicorn with tracemalloc on, for ``bench.idle --trace``: where an idle connection's memory
goes, seen from inside the server process.

    python -m bench.traced <uvicorn arguments>

Tracing starts at the first SIGUSR1 (starting Django traced takes minutes on a busy
machine), and each SIGUSR1 writes a snapshot to ``$BENCH_TRACE_OUT.<n>.done`` (n = 1, 2,
...): the bench compares the one taken before the storm with the one taken once it settled,
so what is left is what the storm allocated and still holds. Tracing slows the server and
adds memory of its own, so a traced run says where memory goes, never how much the process
holds: that comes from untraced runs.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import tracemalloc
from types import FrameType


def main() -> None:
    out = os.environ["BENCH_TRACE_OUT"]
    taken = 0

    def dump(signum: int, frame: FrameType | None) -> None:
        nonlocal taken
        taken += 1
        if not tracemalloc.is_tracing():
            tracemalloc.start(int(os.environ.get("BENCH_TRACE_FRAMES", "8")))
        tracemalloc.take_snapshot().dump(f"{out}.{taken}")
        # The bench waits for this file to exist, so it appears only once whole.
        os.rename(f"{out}.{taken}", f"{out}.{taken}.done")

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = ["uvicorn", *sys.argv[1:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
