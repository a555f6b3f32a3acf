from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    """Decisions and action items of a space, their register, reminders and digest lines."""

    name = "decisions"

    def ready(self) -> None:
        from decisions.digest import MyActions, OverdueActions
        from emails.digest.sections import register_section

        # Mail knows nothing of decisions: this app tells it what to add to digests.
        register_section(MyActions)
        register_section(OverdueActions)
