"""Forms laid out as people expect (a checkbox before its label, a group of radios in a
fieldset named by its legend, labels without a trailing colon) and emails that look like the
app (the same mark and colours)."""

from __future__ import annotations

import email
import re
from email.policy import default as default_policy
from typing import Any

from django import forms
from django.core import mail
from django.template.loader import render_to_string
from django.test import TestCase

from meetings.services.scheduling import schedule_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days


class _Sample(forms.Form):
    title = forms.CharField(label="Titre", help_text="Un titre court.")
    notify = forms.BooleanField(label="Aviser les membres", required=False)
    mode = forms.ChoiceField(label="Formule", widget=forms.RadioSelect,
                             choices=[("virtual", "Virtuelle"), ("hybrid", "Hybride")])


def _field(name: str) -> str:
    return render_to_string("frontend/includes/field.html", {"field": _Sample()[name]})


def test_labels_carry_no_trailing_colon() -> None:
    for name in ("title", "notify"):
        label = re.search(r"<label[^>]*>([^<]*)</label>", _field(name))
        assert label and not label.group(1).rstrip().endswith(":"), label


def test_a_checkbox_comes_before_its_label() -> None:
    html = _field("notify")
    assert 'class="field field-check' in html
    assert html.index('type="checkbox"') < html.index("<label")


def test_radios_are_a_fieldset_named_by_its_legend() -> None:
    html = _field("mode")
    assert "<fieldset" in html and "<legend>Formule</legend>" in html
    # Each radio inside its own label, before the words.
    assert re.search(r'<label for="id_mode_0"><input type="radio"[^>]*>\s*Virtuelle', html)


def test_a_text_field_links_its_help() -> None:
    html = _field("title")
    assert 'id="id_title_helptext"' in html and 'aria-describedby="id_title_helptext"' in html


def test_meeting_emails_wear_the_same_brand_as_the_app(people: People, settings: Any) -> None:
    # Meeting emails are queued as tasks: run them at once so the outbox holds them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule_meeting(actor=people.facilitator, space=people.space,
                         title="Rencontre d'automne", starts_at=in_days(5),
                         ends_at=in_days(5, 15), mode="virtual",
                         video_url="https://meet.example/a")
    message = next(m for m in mail.outbox if m.to == [people.member.email])
    whole = email.message_from_bytes(message.message().as_bytes(), policy=default_policy)
    part = whole.get_body(preferencelist=("html",))
    assert part is not None
    html = part.get_content()  # type: ignore[attr-defined]
    assert "Espace MUNI" in html and "background:#0b4f6c" in html
    assert "Rencontre d&#x27;automne" in html or "Rencontre d'automne" in html
