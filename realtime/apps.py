from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self) -> None:
        from communities.events import install_publisher
        from communities.models import Event
        from realtime import publish

        def publish_after_commit(event: Event, *, stream_label: str) -> None:
            # Looked up at each call, not bound once, so a test that swaps the module's
            # publisher (to lose a notification on purpose) is obeyed.
            publish.publish_event(event, stream_label=stream_label)

        install_publisher(publish_after_commit)
