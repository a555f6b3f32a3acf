from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Boîte de notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communities import events
        from inbox import dispatch
        from inbox.handlers import decisions, discussion, meetings

        decisions.register()
        discussion.register()
        meetings.register()
        # After commit, the events of each transaction reach the handlers in one batch.
        events.add_listener(dispatch.on_committed)
