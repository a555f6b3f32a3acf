"""What a member wrote, without the message they quote or their signature, for each mail
client our members use, in French and in English."""

from __future__ import annotations

import pytest

from replies.inbound import read_incoming
from replies.quoting import reply_text
from tests.replies.helpers import CLIENTS, reply_mail, sample

EXPECTED = {
    "gmail_fr": "Merci Florence, je serai là jeudi avec deux collègues.",
    "gmail_en": "Thanks Florence, I will be there on Thursday with two colleagues.",
    "outlook_fr": "Bonjour,\n\nJe confirme ma présence à la rencontre.",
    "outlook_en": "I agree with the proposal, let's go ahead.",
    "apple_fr": "Parfait, merci! On se voit jeudi.",
    "apple_en": "Perfect, see you Thursday.",
    "thunderbird_fr": "Oui, bonne idée : je propose qu'on regarde aussi les trottoirs et les "
                      "traverses piétonnes, en particulier près des écoles.",
    "thunderbird_en": "Sounds good. I suggest we also look at sidewalks and pedestrian "
                      "crossings, especially near schools.",
}


def test_every_client_sample_has_an_expectation():
    assert sorted(EXPECTED) == CLIENTS


@pytest.mark.parametrize("client", CLIENTS)
def test_quoted_text_and_signature_are_removed(client):
    mail = read_incoming(sample(client, sender="marc@exemple.qc.ca",
                                recipient="reply+x@localhost"))
    assert reply_text(mail.text) == EXPECTED[client]


def _html_only(client: str) -> str:
    """The sample's HTML part alone, as clients set to HTML-only send it."""
    from email import message_from_bytes
    from email.policy import default

    message = message_from_bytes(sample(client, sender="m@e.ca", recipient="r@e.ca"),
                                 policy=default)
    part = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
    assert part is not None
    return part.get_content()


@pytest.mark.parametrize(("client", "expected"), [
    ("gmail_fr", "Merci Florence, je serai là jeudi avec deux collègues."),
    ("gmail_en", "Thanks Florence, I will be there on Thursday with two colleagues."),
    ("outlook_fr", "Bonjour,\nJe confirme ma présence à la rencontre."),
])
def test_html_only_mail_is_turned_into_text_without_the_quote(client, expected):
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient="reply+x@localhost", body="",
                     html=_html_only(client))
    assert reply_text(read_incoming(raw).text) == expected


def test_html_never_brings_scripts_styles_or_markup_along():
    html = ("<html><head><style>body{color:red}</style><script>alert(1)</script></head>"
            "<body><p>Bonjour <b>à tous</b>&nbsp;!</p><img src='https://pisteur.exemple/x.gif'>"
            "<script>document.cookie</script><p>Deuxième paragraphe</p></body></html>")
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient="reply+x@localhost", body="",
                     html=html)
    text = reply_text(read_incoming(raw).text)
    assert text == "Bonjour à tous !\n\nDeuxième paragraphe"


def test_an_answer_written_below_the_quote_is_kept():
    text = ("Le 2025-06-05 à 13:30, Florence Animatrice a écrit :\n"
            "> Bonjour\n> La rencontre aura lieu jeudi.\n\nTrès bien, merci.\n")
    assert reply_text(text) == "Très bien, merci."


def test_a_list_the_member_wrote_is_not_taken_for_a_signature():
    text = ("Mes trois points :\n- trottoirs\n- traverses\n- écoles\n\n"
            "On Thu, Jun 5, 2025 at 1:30 PM Florence <n@e.ca> wrote:\n> Bonjour\n")
    assert reply_text(text) == "Mes trois points :\n- trottoirs\n- traverses\n- écoles"


def test_a_reply_that_is_only_a_quote_is_empty():
    text = "\n\nLe jeu. 5 juin 2025 à 13 h 30, Florence <n@e.ca> a écrit :\n> Bonjour\n"
    assert reply_text(text) == ""


def test_format_flowed_paragraphs_are_joined_back():
    raw = (b"From: marc@exemple.qc.ca\r\nTo: reply+x@localhost\r\nMessage-ID: <f@e>\r\n"
           b"Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n"
           b"Une longue phrase qui conti \r\nnue ici.\r\nNouvelle ligne.\r\n")
    # delsp=yes: the space before a soft break is not part of the text.
    assert read_incoming(raw).text.startswith("Une longue phrase qui continue ici.\n"
                                              "Nouvelle ligne.")


@pytest.mark.parametrize(("text", "expected"), [
    # Outlook (Windows), French, older versions.
    ("Je valide.\n\n-----Message d'origine-----\nDe : Espace <n@e.ca>\nEnvoyé : 5 juin 2025 "
     "13:30\nÀ : Marc\nObjet : Test\n\nBonjour\n", "Je valide."),
    ("Approved.\n\n-----Original Message-----\nFrom: Espace <n@e.ca>\nSent: June 5, 2025 "
     "1:30 PM\nTo: Marc\nSubject: Test\n\nHello\n", "Approved."),
    # Outlook for Mac, French: "Date :" between "De :" and "À :".
    ("Entendu.\n\nDe : Espace collaboratif <n@e.ca>\nDate : jeudi, 5 juin 2025 à 13:30\n"
     "À : Marc Membre <marc@e.ca>\nObjet : Nouveau message\n\nBonjour\n", "Entendu."),
    # Yahoo Mail, French, indented header.
    ("D'accord avec toi.\n\n    Le jeudi 5 juin 2025, 13 h 30 min 12 s UTC−4, Florence "
     "Animatrice <n@e.ca> a écrit :\n\n Bonjour\n", "D'accord avec toi."),
    # Outlook for iOS, French.
    ("Oui\n\nObtenir Outlook pour iOS\n________________________________\nDe : Espace <n@e.ca>"
     "\nEnvoyé : jeudi, juin 5, 2025 1:30 PM\nÀ : Marc\nObjet : Test\n\nBonjour\n", "Oui"),
    # A closing word that is part of the message stays.
    ("Salut,\nJe serai là.\nMerci\n", "Salut,\nJe serai là.\nMerci"),
])
def test_other_clients_headers_and_trailers(text, expected):
    assert reply_text(text) == expected


def test_a_line_longer_than_rfc_5322_allows_is_kept_whole():
    # Long lines are set aside while the quote patterns run (some are quadratic in a line's
    # length: 90,000 characters of "Le Le Le …" took 80 s) and put back afterwards.
    long_line = "Le " * 2_000 + "fin."
    text = f"Début\n{long_line}\nSuite\n\nOn Thu, Jun 5, 2025 at 1:30 PM F <n@e.ca> wrote:\n> x\n"
    assert reply_text(text) == f"Début\n{long_line}\nSuite"


def test_only_the_start_of_a_huge_html_body_is_read():
    html = "<p>Ma réponse</p>" + "<div><p>remplissage</p></div>" * 100_000
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient="reply+x@localhost", body="",
                     html=html)
    text = read_incoming(raw).text
    assert text.startswith("Ma réponse")
    assert len(text) < len(html) / 5  # the whole body would give about 1.3 million characters


def test_a_point_by_point_answer_keeps_the_points_it_answers():
    text = ("Le 2025-06-05 à 13:30, Florence Animatrice a écrit :\n> Qui vient jeudi ?\n"
            "Moi.\n> Qui apporte les plans ?\nJe m'en charge.\n> Merci à tous.\n")
    # Blank lines between, or Markdown would read each answer as part of the quote above it.
    assert reply_text(text) == ("> Qui vient jeudi ?\n\nMoi.\n\n> Qui apporte les plans ?\n\n"
                                "Je m'en charge.")


def test_a_quote_the_member_wrote_inside_the_answer_is_kept():
    text = ("Voici ce que dit le guide :\n> Les trottoirs font 1,5 m.\n\nC'est trop étroit.\n\n"
            "On Thu, Jun 5, 2025 at 1:30 PM F <n@e.ca> wrote:\n> Bonjour\n> Qui a le guide ?\n")
    assert reply_text(text) == ("Voici ce que dit le guide :\n\n> Les trottoirs font 1,5 m."
                                "\n\nC'est trop étroit.")


def test_nested_lists_and_indented_code_keep_their_indentation():
    text = ("Le plan :\n- trottoirs\n  - largeur\n    1. 1,8 m\n\nLa formule :\n\n"
            "    largeur = 2 * fauteuil\n    + marge\n\n"
            "Le jeu. 5 juin 2025 à 13 h 30, F <n@e.ca> a écrit :\n> x\n")
    assert reply_text(text) == ("Le plan :\n- trottoirs\n  - largeur\n    1. 1,8 m\n\n"
                                "La formule :\n\n    largeur = 2 * fauteuil\n    + marge")


def test_an_indented_line_of_prose_or_signature_is_not_kept_indented():
    assert reply_text("Oui.\n    pas du code\n") == "Oui.\npas du code"
    assert reply_text("Oui.\n\n  Cordialement,\n  Marc\n") == "Oui."


def test_the_members_markdown_goes_through_untouched():
    text = ("Voir **le guide** : https://exemple.qc.ca/guide et `la grille`.\n\n"
            "1. trottoirs\n2. traverses\n\nOn Thu, Jun 5, 2025 at 1:30 PM F <n@e.ca> wrote:\n> x")
    assert reply_text(text) == ("Voir **le guide** : https://exemple.qc.ca/guide et "
                                "`la grille`.\n\n1. trottoirs\n2. traverses")
