"""Digests: who gets one for which period (``periods``), what goes in it (``sections``, read
from the event log for a whole batch at once by ``batch``), and the claim that makes each
(member, period) go out exactly once (``claims``, ``sending``)."""
