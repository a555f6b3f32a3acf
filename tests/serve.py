"""Runs a server module as ``python -m`` does, and leaves as soon as its own shutdown is over,
without the interpreter's teardown: ``python -m tests.serve collab.devserver -b ... app``.

The tests stop a server before the test database is flushed, and must wait until it has
stopped: a request still running could write after the flush and leave a row to the next
test. What a stopped server still does (finish its requests, then its ``atexit`` handlers,
which flush the logs) is kept. What follows, Python freeing a Django process's objects one by
one, took ~0.5 s of every stop and can write nothing anywhere: it is skipped.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def main() -> None:
    module = sys.argv.pop(1)
    status = [1]

    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status[0])

    # Registered before the server registers anything, so it runs after all of its handlers.
    atexit.register(leave)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as leaving:
        code = leaving.code
        status[0] = 0 if code is None else code if isinstance(code, int) else 1
        raise
    status[0] = 0


if __name__ == "__main__":
    main()
