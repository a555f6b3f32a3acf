"""The settings the test suite runs with: the development switches ``make run`` sets (debug
mode and a key, here a fresh one per run), given here because pytest-django loads the settings
before any conftest. Servers and commands the tests start inherit them from the
environment."""

import os
import secrets

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "tests-" + secrets.token_urlsafe(40))

from collab.settings import *  # noqa: F403
