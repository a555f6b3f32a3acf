"""daphne, as ``make run`` and the end-to-end tests start it, with an access log whose paths
are masked (``collab.accesslog``).

daphne builds its access log inside its command line and offers no option to filter it; its
``server_class`` is the hook it gives for such changes. Usage is daphne's own:
``python -m collab.devserver -b 127.0.0.1 -p 8000 collab.asgi:application``."""

from __future__ import annotations

from typing import Any

from daphne.cli import CommandLineInterface
from daphne.server import Server

from collab.accesslog import MaskedActions


class MaskedServer(Server):
    def __init__(self, *args: Any, action_logger: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, action_logger=MaskedActions(action_logger)
                         if action_logger else None, **kwargs)


class MaskedCommandLine(CommandLineInterface):
    server_class = MaskedServer


if __name__ == "__main__":
    MaskedCommandLine.entrypoint()
