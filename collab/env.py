"""Typed environment readers that name the faulty variable instead of failing obscurely."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


class StrictEnv(environ.FileAwareEnv):
    """django-environ's reader (with ``<NAME>_FILE`` secrets), with errors that say which
    variable is wrong and what was expected, in French first."""

    def get_value(self, var: str, cast: Any = None, default: Any = environ.Env.NOTSET,
                  parse_default: bool = False) -> Any:
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError) as error:
            expected = getattr(cast, "__name__", str(cast))
            raise ImproperlyConfigured(
                f"Variable d'environnement {var} invalide (attendu : {expected}) : {error} / "
                f"Invalid environment variable {var} (expected {expected})."
            ) from error

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:  # type: ignore[override]
        raw = self.ENVIRON.get(var)
        if raw is not None and raw.strip().lower() not in {
            "1", "0", "true", "false", "yes", "no", "on", "off", "oui", "non", ""
        }:
            raise ImproperlyConfigured(
                f"Variable d'environnement {var} invalide : « {raw} » n'est pas un booléen "
                f"(true/false). / Invalid boolean in {var}."
            )
        if raw is not None and raw.strip().lower() in {"oui", "non"}:
            return raw.strip().lower() == "oui"
        return bool(super().bool(var, default=default))

    def db_url(self, var: str = "DATABASE_URL", default: Any = environ.Env.NOTSET,  # type: ignore[override]
               engine: Any = None) -> dict[str, Any]:
        raw = self.ENVIRON.get(var)
        if raw is not None:
            scheme = raw.split(":", 1)[0]
            if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
                raise ImproperlyConfigured(
                    f"{var} doit commencer par postgres:// ou sqlite:/// (reçu « {scheme} »). / "
                    f"{var} must be a postgres:// or sqlite:/// URL."
                )
        return dict(super().db_url(var, default=default, engine=engine))


env = StrictEnv()

KEY_REQUIRED = (
    "SECRET_KEY (ou SECRET_KEY_FILE) est requis : donnez une clé secrète longue et aléatoire ; "
    "en développement, « make run » en crée une. / SECRET_KEY (or SECRET_KEY_FILE) is "
    "required; in development, `make run` creates one."
)
