"""Benchmarks. They run on the development settings, as ``make run`` does (debug mode and a
key of their own for the run), unless the environment says otherwise; the servers they start
set production settings themselves."""

import os
import secrets

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
