from django.apps import AppConfig


class EmailsConfig(AppConfig):
    """Everything the product sends by email: digests, notifications, join-back links,
    unsubscribe, and the one outgoing path every message takes."""

    name = "emails"
    verbose_name = "Courriels"

    def ready(self) -> None:
        from communities.announcing import install_announcer
        from communities.mailing import install_sender
        from emails.announcements import queue_announcement
        from emails.digest.questions import UnansweredQuestions
        from emails.digest.sections import register_section
        from emails.outgoing import send_base_mail

        # The base app writes invitations and announcements but sits below this one: it is
        # handed the sender and the announcer.
        install_sender(send_base_mail)
        register_section(UnansweredQuestions)
        install_announcer(queue_announcement)
