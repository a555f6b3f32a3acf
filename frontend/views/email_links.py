"""Pages reached from emails: the join-back landing page, the preferences, and unsubscribe.

The landing page's GET only looks (mail scanners fetch links); its POST, from the "Continuer"
button, uses the link and signs its owner in. Unsubscribe accepts a POST without cookies or
CSRF token (RFC 8058: the mail client posts ``List-Unsubscribe=One-Click`` directly)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from communities.errors import ServiceError
from communities.models import User
from emails import actions, joinlinks, preferences, unsubscribe
from emails.joinlinks import Checked, Refusal
from frontend.email_forms import FreshLinkForm, PreferencesForm

_STATUS = {Refusal.UNKNOWN: 404, Refusal.USED: 410, Refusal.EXPIRED: 410,
           Refusal.LEFT_SPACE: 403, Refusal.INACTIVE: 403}


def _dead(request: HttpRequest, token: str, checked: Checked,
          form: FreshLinkForm | None = None) -> HttpResponse:
    assert checked.refusal is not None
    return render(request, "frontend/email_pages/join_dead.html",
                  {"refusal": checked.refusal.value, "token": token,
                   "form": form or FreshLinkForm()},
                  status=_STATUS[checked.refusal])


def _someone_else(request: HttpRequest, checked: Checked) -> bool:
    return bool(request.user.is_authenticated and checked.link is not None
                and request.user.pk != checked.link.user_id)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    checked = joinlinks.check(token)
    if not checked.usable:
        return _dead(request, token, checked)
    assert checked.link is not None
    if _someone_else(request, checked):
        # Never switch accounts silently: the person signed in must sign out first.
        return render(request, "frontend/email_pages/join_other_person.html", {"token": token},
                      status=409)
    if request.method != "POST":
        return render(request, "frontend/email_pages/join.html",
                      {"token": token, "link": checked.link,
                       "action": actions.describe(checked.link)})
    used = joinlinks.consume(token)
    if not used.usable:
        return _dead(request, token, used)
    assert used.link is not None
    if not request.user.is_authenticated or request.user.pk != used.link.user_id:
        login(request, used.link.user, backend="django.contrib.auth.backends.ModelBackend")
    outcome = actions.perform(link=used.link, user=used.link.user)
    if outcome is not None:
        (messages.success if outcome.ok else messages.error)(request, outcome.message)
    return redirect(used.link.target)


@never_cache
@require_POST
def fresh_link(request: HttpRequest, token: str) -> HttpResponse:
    form = FreshLinkForm(request.POST)
    if not form.is_valid():
        return _dead(request, token, joinlinks.check(token), form=form)
    joinlinks.send_fresh_link(raw_token=token, email=form.cleaned_data["email"])
    return render(request, "frontend/email_pages/fresh_link_sent.html")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences_page(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    choices = preferences.choices_of(me)
    form = PreferencesForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            preferences.set_preferences(user=me, digest=form.cleaned_data["digest"],
                                        notifications=form.cleaned_data["notifications"],
                                        spaces=form.per_space(),
                                        announcements=form.cleaned_data["announcements"])
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Vos préférences de courriel sont enregistrées."))
            return redirect("emails:preferences")
    return render(request, "frontend/email_pages/preferences.html", {"form": form},
                  status=400 if form.is_bound else 200)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    scope = unsubscribe.scope_of(token)
    if scope is None:
        return render(request, "frontend/email_pages/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        unsubscribe.apply(scope)
        return render(request, "frontend/email_pages/unsubscribed.html", {"scope": scope})
    return render(request, "frontend/email_pages/unsubscribe.html",
                  {"scope": scope, "token": token})
