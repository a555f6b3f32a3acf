"""Every link of a meeting invitation that arrived over SMTP, followed in Chromium by someone
who is not signed in: the landing page, "Continuer", then the meeting (or the space's meetings,
or the preferences) as the member the invitation was for; the "Oui" button also answers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from emails.models import JoinLink
from meetings.mail import MailKind, send_meeting_mail
from meetings.models import Rsvp
from tests.browser.conftest import WAIT_MS, assert_accessible, new_page
from tests.browser.test_email_links import _target_of, browser, mail_server  # noqa: F401
from tests.conftest import People
from tests.emails.helpers import join_links, text_of
from tests.meetings.conftest import schedule
from tests.smtp import Mailbox

# browser and mail_server are the digest tests' fixtures (a server process sending to the
# loopback SMTP server, and Chromium), imported so that pytest finds them here too.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_invitation_link_lands_as_the_member(
        people: People, mail_server: str, browser: Any,  # noqa: F811 (fixtures)
        smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    meeting = schedule(people, invitees=[])
    assert send_meeting_mail(kind=MailKind.INVITATION, meeting_id=meeting.pk,
                             user_ids=[people.member.pk]).sent == {people.member.pk}
    text = text_of(smtp_server.wait_for(1)[0])
    yes = re.search(r"- Oui\s*:\s*(\S+)", text)
    assert yes is not None
    links = join_links(text)
    assert len(links) == 6 and links[0] == yes[1]

    for index, url in enumerate(links):
        page = new_page(browser, mail_server)
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Continuer vers l'Espace collaboratif")
        target = _target_of(url)
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_url(re.compile(re.escape(target) + "$"), timeout=WAIT_MS)
        expect(page.locator(".whoami")).to_have_text("Marc Membre")
        if index == 0:  # "Oui": answered on the member's behalf, said on the meeting page
            expect(page.get_by_text("Votre réponse est enregistrée.")).to_be_visible()
            expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.title)
            assert_accessible(page, "meeting page reached from an invitation")
        page.context.close()
    assert JoinLink.objects.filter(used_at__isnull=False).count() == 6
    # Non, then Peut-être were followed after Oui: the last one used is the answer kept.
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "maybe"
