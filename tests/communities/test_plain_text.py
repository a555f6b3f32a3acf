"""Markdown is how messages are stored, never what readers see: wherever a message is shown as
words only, ``plain_text`` gives its text without the syntax and mentions as "@Name"."""

from __future__ import annotations

import pytest

from communities.markdown import plain_fragment, plain_line, plain_text

pytestmark = pytest.mark.django_db(databases=[])


def test_emphasis_links_and_code_read_as_their_words() -> None:
    assert plain_text("**gras**, *italique*, _souligné_ et `code`") == (
        "gras, italique, souligné et code")
    assert plain_text("Voir [le guide](https://exemple.qc.ca/guide).") == "Voir le guide."


def test_bound_and_bare_mentions_read_as_at_name() -> None:
    assert plain_text("Merci @**Chantal Bélanger|12** et @**Marc**") == (
        "Merci @Chantal Bélanger et @Marc")


def test_a_name_with_markdown_characters_keeps_them_as_letters() -> None:
    assert plain_text("Salut @**_Jean_ [Roy]|7**") == "Salut @_Jean_ [Roy]"


def test_blocks_are_lines_without_their_markers() -> None:
    source = "# Titre\n\n> une citation\n\n- un\n- deux\n\n1. trois\n\n```\nx = 1\n```"
    assert plain_text(source) == "Titre\nune citation\nun\ndeux\ntrois\nx = 1"


def test_text_that_only_looks_like_syntax_is_kept() -> None:
    assert plain_text("5 * 3 = 15 et a_b_c") == "5 * 3 = 15 et a_b_c"
    assert plain_text("<b>pas du HTML</b>") == "<b>pas du HTML</b>"


def test_plain_line_is_one_line_cut_with_an_ellipsis() -> None:
    assert plain_line("**Un**\n\ndeux trois", 100) == "Un deux trois"
    assert plain_line("**abcdefghij** klm", 5) == "abcde…"


def test_a_search_fragment_cut_in_the_middle_of_the_syntax_loses_it() -> None:
    assert plain_fragment("t **gras** et @**Chantal|12** [lien](https://x.ca)") == (
        "t gras et @Chantal lien")
    assert plain_fragment("Chantal|12** et *italique") == "Chantal et italique"
    assert plain_fragment("&gt; cité\n- point") == "cité\npoint"
