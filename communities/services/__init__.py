"""Services: the only code that changes state. Each takes keyword-only, typed arguments,
validates, writes in one transaction and emits its event through ``communities.events``."""
