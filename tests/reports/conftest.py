from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_french() -> Iterator[None]:
    # A page rendered for an English reader leaves English active in this thread; the
    # report's words are asserted in French, the source language.
    with translation.override("fr-ca"):
        yield
