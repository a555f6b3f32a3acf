"""The server-rendered pages, through Django's test client on the embedded database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Event, Invitation, Membership, Message, Role, Thread, User
from communities.services.discussion import MAX_BODY_CHARS, post_message, start_thread
from communities.services.spaces import invite_member
from tests.conftest import People

PO_FILE = Path(settings.BASE_DIR) / "frontend" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def thread(people: People) -> Thread:
    posted = start_thread(actor=people.member, space=people.space, title="Bancs accessibles",
                          body="Qui a un **guide** des bancs ?")
    post_message(actor=people.other_member, thread=posted.thread, body="Oui, *voici* le nôtre.")
    return posted.thread


def page_urls(people: People, thread: Thread) -> list[str]:
    return [
        reverse("my-spaces"),
        reverse("space", args=[people.space.slug]),
        reverse("thread", args=[people.space.slug, thread.pk]),
        reverse("members", args=[people.space.slug]),
    ]


# --- reading ------------------------------------------------------------------------------------


def test_my_spaces_lists_role_description_and_link(people: People) -> None:
    response = client_for(people.facilitator).get(reverse("my-spaces"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Réseau Municipalités accessibles" in html
    assert "accessibilité universelle" in html
    assert "Animation" in html or "animation" in html
    assert reverse("space", args=["rma"]) in html


def test_space_page_lists_threads_by_latest_activity(people: People, thread: Thread) -> None:
    older = start_thread(actor=people.member, space=people.space, title="Trottoirs",
                         body="Hiver").thread
    post_message(actor=people.member, thread=thread, body="Relance")
    response = client_for(people.member).get(reverse("space", args=["rma"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Bancs accessibles") < html.index(older.title)
    assert "3 messages" in html and "Marc Membre" in html
    config = re.search(r'<script id="live-config" type="application/json">(.*?)</script>', html)
    assert config is not None and f'"after": {people.space.event_head}' in config.group(1)
    assert 'aria-live="polite"' in html
    assert 'name="title"' in html and 'name="body"' in html


def test_thread_page_shows_sanitised_messages_in_order(people: People, thread: Thread) -> None:
    post_message(actor=people.member, thread=thread,
                 body="<script>alert(1)</script> [lien](javascript:alert(1)) **fin**")
    response = client_for(people.facilitator).get(
        reverse("thread", args=["rma", thread.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>guide</strong>" in html and "<em>voici</em>" in html
    assert html.index("guide") < html.index("voici") < html.index("<strong>fin</strong>")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript' not in html


def test_message_headings_stay_below_the_page_title(people: People, thread: Thread) -> None:
    post_message(actor=people.member, thread=thread, body="# Bilan\n\n## Suite\n\ntexte")
    response = client_for(people.member).get(reverse("thread", args=["rma", thread.pk]))
    html = response.content.decode()
    assert "<h3>Bilan</h3>" in html and "<h4>Suite</h4>" in html, html[html.find("Bilan") - 80:]
    assert html.count("<h1") == 1
    assert "Noémie Membre" in html and "Ville de Gatineau" in html
    assert 'name="body"' in html


def test_dates_are_shown_in_toronto_time(people: People, thread: Thread) -> None:
    message = thread.messages.first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        created_at=datetime(2026, 1, 15, 17, 5, tzinfo=UTC))
    html = client_for(people.member).get(reverse("thread", args=["rma", thread.pk])).content
    assert "15 janvier 2026, 12\xa0h\xa005" in html.decode()


def test_members_page_lists_name_organisation_and_role(people: People) -> None:
    html = client_for(people.member).get(reverse("members", args=["rma"])).content.decode()
    assert "Florence Animatrice" in html and "Ville de Laval" in html and "Animation" in html
    assert "olivier" not in html.lower()
    # A plain member sees no management forms and no email addresses.
    assert "Inviter une personne" not in html and "Changer le rôle" not in html
    assert "@exemple.qc.ca" not in html
    assert reverse("leave-space", args=["rma"]) in html


def test_facilitator_sees_management_forms(people: People) -> None:
    html = client_for(people.facilitator).get(reverse("members", args=["rma"])).content.decode()
    assert "Inviter une personne" in html and "Changer le rôle" in html
    assert reverse("remove-member", args=["rma", people.member.pk]) in html


def test_outsider_gets_404_everywhere(people: People, thread: Thread) -> None:
    client = client_for(people.outsider)
    for url in page_urls(people, thread)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("thread", args=["rma", thread.pk]),
                       {"body": "intrus"}).status_code == 404
    assert client.get(reverse("space", args=["inexistant"])).status_code == 404
    assert not Message.objects.filter(body="intrus").exists()


def test_thread_under_the_wrong_space_is_404(people: People, thread: Thread) -> None:
    assert client_for(people.member).get(
        reverse("thread", args=["autre", thread.pk])).status_code == 404


def test_staff_reads_any_space(people: People, thread: Thread) -> None:
    client = client_for(people.staff)
    for url in page_urls(people, thread):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(people: People, thread: Thread) -> None:
    client = client_for(None)
    for url in page_urls(people, thread):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_login_form_signs_in_and_logout_is_a_post(people: People) -> None:
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'for="id_username"' in page.content.decode()
    wrong = client.post(reverse("login"), {"username": "marc@exemple.qc.ca", "password": "non"})
    assert wrong.status_code == 200 and "form-errors" in wrong.content.decode()
    response = client.post(reverse("login"), {"username": "marc@exemple.qc.ca",
                                              "password": "mot-de-passe-solide-42"})
    assert response.status_code == 302 and response["Location"] == reverse("my-spaces")
    assert client.get(reverse("my-spaces")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("my-spaces")).status_code == 302


# --- writing ------------------------------------------------------------------------------------


def test_new_thread_form_creates_thread_and_event(people: People) -> None:
    response = client_for(people.member).post(
        reverse("space", args=["rma"]), {"title": "Parcs inclusifs", "body": "Des **idées** ?"})
    created = Thread.objects.get(title="Parcs inclusifs")
    assert response.status_code == 302
    assert response["Location"] == reverse("thread", args=["rma", created.pk])
    assert created.messages.get().html == "<p>Des <strong>idées</strong> ?</p>"
    assert Event.objects.filter(space=people.space, kind="thread.created").count() == 1
    follow = client_for(people.member).get(response["Location"])
    assert follow.status_code == 200


def test_reply_form_posts_message_and_redirects_to_it(people: People, thread: Thread) -> None:
    client = client_for(people.facilitator)
    response = client.post(reverse("thread", args=["rma", thread.pk]), {"body": "Merci !"})
    message = Message.objects.get(body="Merci !")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.pk}")
    event = Event.objects.get(space=people.space, seq=people.space.event_head + 1)
    assert event.kind == "message.created"
    assert "Votre message est publié." in client.get(response["Location"]).content.decode()


def test_empty_reply_shows_french_error_and_writes_nothing(people: People, thread: Thread) -> None:
    count = Message.objects.count()
    response = client_for(people.member).post(
        reverse("thread", args=["rma", thread.pk]), {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le message est vide." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_body_helptext id_body_error"' in html
    assert 'id="id_body_error"' in html
    assert Message.objects.count() == count


def test_too_long_reply_keeps_the_text(people: People, thread: Thread) -> None:
    body = "Un long texte. " * (MAX_BODY_CHARS // 10)
    response = client_for(people.member).post(
        reverse("thread", args=["rma", thread.pk]), {"body": body})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le message dépasse 20 000 caractères" in html
    assert body.strip()[:200] in html and html.count("Un long texte.") >= MAX_BODY_CHARS // 10


def test_thread_without_title_keeps_the_body(people: People) -> None:
    response = client_for(people.member).post(
        reverse("space", args=["rma"]), {"title": "", "body": "Mon texte précieux"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Donnez un titre au fil de discussion." in html
    assert "Mon texte précieux" in html
    assert not Thread.objects.exists()


# --- members ------------------------------------------------------------------------------------


def test_facilitator_invites_by_email(people: People, mailoutbox: list,
                                      django_capture_on_commit_callbacks) -> None:
    client = client_for(people.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members", args=["rma"]),
                               {"email": "Nouvelle@Exemple.qc.ca", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("nouvelle@exemple.qc.ca", "member")
    assert Event.objects.filter(kind="invitation.sent").count() == 1
    assert len(mailoutbox) == 1
    assert "nouvelle@exemple.qc.ca" in client.get(reverse("members", args=["rma"])).content.decode()


def test_refused_invitation_shows_the_service_message(people: People) -> None:
    client = client_for(people.facilitator)
    taken = client.post(reverse("members", args=["rma"]),
                        {"email": "marc@exemple.qc.ca", "role": "member"})
    assert taken.status_code == 400
    assert "Cette personne fait déjà partie de l&#x27;espace." in taken.content.decode()
    assert 'value="marc@exemple.qc.ca"' in taken.content.decode()
    admin = client.post(reverse("members", args=["rma"]), {"email": "a@b.ca", "role": "admin"})
    assert "Seule l&#x27;administration de l&#x27;espace peut inviter" in admin.content.decode()
    assert not Invitation.objects.exists()


def test_member_cannot_invite_change_roles_or_remove(people: People) -> None:
    client = client_for(people.member)
    refused = client.post(reverse("members", args=["rma"]), {"email": "x@y.ca", "role": "member"})
    assert refused.status_code == 403
    assert "Seules les personnes qui animent" in refused.content.decode()
    client.post(reverse("change-role", args=["rma", people.other_member.pk]),
                {f"member-{people.other_member.pk}-role": "facilitator"})
    client.post(reverse("remove-member", args=["rma", people.other_member.pk]))
    assert Membership.objects.get(user=people.other_member).role == Role.MEMBER
    assert not Invitation.objects.exists()


def test_facilitator_changes_a_role(people: People) -> None:
    response = client_for(people.facilitator).post(
        reverse("change-role", args=["rma", people.member.pk]),
        {f"member-{people.member.pk}-role": "facilitator"})
    assert response.status_code == 302
    assert Membership.objects.get(user=people.member).role == Role.FACILITATOR
    assert Event.objects.filter(kind="member.role_changed").count() == 1


def test_facilitator_cannot_grant_admin(people: People) -> None:
    response = client_for(people.facilitator).post(
        reverse("change-role", args=["rma", people.member.pk]),
        {f"member-{people.member.pk}-role": "admin"})
    assert response.status_code == 400
    assert "Seule l&#x27;administration de l&#x27;espace peut donner" in response.content.decode()
    assert Membership.objects.get(user=people.member).role == Role.MEMBER


def test_remove_asks_for_confirmation_then_removes(people: People) -> None:
    client = client_for(people.facilitator)
    url = reverse("remove-member", args=["rma", people.member.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Retirer Marc Membre" in confirm.content.decode()
    assert Membership.objects.filter(user=people.member).exists()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(user=people.member).exists()
    assert Event.objects.filter(kind="member.removed").count() == 1
    assert client_for(people.member).get(reverse("space", args=["rma"])).status_code == 404


def test_member_leaves_after_confirming(people: People) -> None:
    client = client_for(people.member)
    url = reverse("leave-space", args=["rma"])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("my-spaces")
    assert not Membership.objects.filter(user=people.member).exists()
    assert Event.objects.filter(kind="member.left").count() == 1


def test_last_facilitator_cannot_leave(people: People) -> None:
    response = client_for(people.facilitator).post(reverse("leave-space", args=["rma"]))
    assert response.status_code == 400
    assert "dernière personne à animer" in response.content.decode()
    assert Membership.objects.filter(user=people.facilitator).exists()


# --- invitations --------------------------------------------------------------------------------


@pytest.fixture
def token(people: People) -> str:
    return invite_member(actor=people.facilitator, space=people.space,
                         email="nadia@exemple.qc.ca", role=Role.MEMBER).token


def test_anonymous_accepts_by_creating_an_account(people: People, token: str) -> None:
    client = Client()
    url = reverse("accept-invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Florence Animatrice vous invite" in page.content.decode()
    response = client.post(url, {"display_name": "Nadia Nouvelle",
                                 "password": "un-mot-de-passe-solide-7",
                                 "password_confirmation": "un-mot-de-passe-solide-7"})
    assert response.status_code == 302
    assert response["Location"] == reverse("space", args=["rma"])
    user = User.objects.get(email="nadia@exemple.qc.ca")
    assert user.display_name == "Nadia Nouvelle"
    assert Membership.objects.filter(user=user, space=people.space, role=Role.MEMBER).exists()
    assert client.get(response["Location"]).status_code == 200  # signed in
    assert Event.objects.filter(kind="member.joined").count() == 1


def test_mismatched_or_weak_password_keeps_the_name(people: People, token: str) -> None:
    url = reverse("accept-invitation", args=[token])
    mismatch = Client().post(url, {"display_name": "Nadia", "password": "un-mot-de-passe-7",
                                   "password_confirmation": "autre-chose-9"})
    assert mismatch.status_code == 400
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.content.decode()
    assert 'value="Nadia"' in mismatch.content.decode()
    weak = Client().post(url, {"display_name": "Nadia", "password": "123",
                               "password_confirmation": "123"})
    assert weak.status_code == 400 and "trop court" in weak.content.decode()
    assert not User.objects.filter(email="nadia@exemple.qc.ca").exists()


def test_signed_in_person_accepts_with_one_button(people: People) -> None:
    raw = invite_member(actor=people.facilitator, space=people.space,
                        email=people.outsider.email).token
    client = client_for(people.outsider)
    url = reverse("accept-invitation", args=[raw])
    page = client.get(url).content.decode()
    assert "Accepter" in page and "password" not in page
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=people.outsider, space=people.space).exists()


def test_used_expired_and_unknown_tokens_get_a_clear_page(people: People, token: str) -> None:
    Invitation.objects.update(accepted_at=timezone.now())
    used = Client().get(reverse("accept-invitation", args=[token]))
    assert used.status_code == 410
    assert "Cette invitation a déjà été utilisée." in used.content.decode()
    assert Client().post(reverse("accept-invitation", args=[token]),
                         {"display_name": "X"}).status_code == 410
    Invitation.objects.update(accepted_at=None, expires_at=timezone.now() - timedelta(days=1))
    expired = Client().get(reverse("accept-invitation", args=[token]))
    assert expired.status_code == 410 and "Cette invitation a expiré." in expired.content.decode()
    unknown = Client().get(reverse("accept-invitation", args=["pas-un-jeton"]))
    assert unknown.status_code == 404
    assert "Ce lien d&#x27;invitation n&#x27;est pas valide." in unknown.content.decode()


# --- security and languages ---------------------------------------------------------------------


def test_every_page_has_a_strict_csp(people: People, thread: Thread, token: str) -> None:
    client = client_for(people.member)
    urls = [*page_urls(people, thread), reverse("leave-space", args=["rma"])]
    responses = [client.get(url) for url in urls]
    responses += [Client().get(reverse("login")),
                  Client().get(reverse("accept-invitation", args=[token]))]
    for response in responses:
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "ws://testserver" in directives["connect-src"]
        html = response.content.decode()
        # No inline code: every <script> is external or a JSON data block, no on* handlers.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+\s*=", html)


def test_pages_have_landmarks_skip_link_and_one_h1(people: People, thread: Thread) -> None:
    client = client_for(people.facilitator)
    for url in page_urls(people, thread):
        html = client.get(url).content.decode()
        assert '<html lang="fr-ca">' in html
        assert 'href="#contenu"' in html and '<main id="contenu"' in html
        assert "<header" in html and "<nav" in html and "<footer" in html
        assert html.count("<h1") == 1, url
        assert reverse("set_language") in html


def test_english_when_the_browser_asks_for_it(people: People, thread: Thread) -> None:
    client = Client(headers={"accept-language": "en"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Sign in" in page
    client.force_login(people.member)
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    # A signed-in person's saved language (French) wins over the browser...
    assert "Répondre" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # ...until they pick one with the switcher.
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert '<html lang="en">' in html and "Reply" in html and "Répondre" not in html
    error = client.post(reverse("thread", args=["rma", thread.pk]), {"body": ""})
    assert "The message is empty." in error.content.decode()


def test_language_switcher_sets_the_cookie(people: People) -> None:
    client = client_for(people.member)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My spaces" in client.get("/").content.decode()


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines))


def test_english_catalogue_is_complete() -> None:
    text = PO_FILE.read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", text, re.M), "fuzzy entries left"
    pairs = re.findall(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
                       r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', text + "\n", re.M)
    entries = [(_unquote(msgid), re.split(r"^msgstr", strs, flags=re.M)[1:])
               for msgid, strs in pairs]
    translated = [(msgid, strs) for msgid, strs in entries if msgid]  # skip the header
    assert len(translated) > 150
    empty = [msgid for msgid, strs in translated
             if any(not _unquote(s.split(" ", 1)[1]) for s in strs)]
    assert not empty, empty
    # Spot-check that the English really is English.
    assert dict((m, _unquote(s[0].split(" ", 1)[1])) for m, s in translated)[
        "Le message est vide."] == "The message is empty."
