"""Who reaches what of a committee, across the personas: the facilitator who created it, a
space member in it, a space member not in it, a member removed from the space, an outsider.
The committee's name and content never reach those outside it, on any page or endpoint."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Space
from communities.services.committees import create_committee, set_committee_visibility
from communities.services.discussion import start_thread
from communities.services.spaces import remove_member
from docs_store.services import upload_document
from tests.clients import api_client_for, client_for
from tests.conftest import make_user

NAME = "Comité de planification"
SECRET = "Budget confidentiel"


@pytest.fixture
def setting(people):
    removed = make_user("remi@exemple.qc.ca", "Rémi Retiré")
    from communities.models import Membership

    Membership.objects.create(space=people.space, user=removed)
    committee = create_committee(actor=people.facilitator, space=people.space, name=NAME,
                                 members=[people.member.pk, removed.pk])
    posted = start_thread(actor=people.member, space=committee, title=SECRET,
                          body="Les chiffres de la rencontre d'automne")
    remove_member(actor=people.facilitator, space=people.space, member=removed)
    return {"committee": committee, "thread": posted.thread, "removed": removed}


def committee_pages(committee: Space, thread_id: int) -> list[str]:
    slug = committee.slug
    return [reverse("space", args=[slug]), reverse("thread", args=[slug, thread_id]),
            reverse("members", args=[slug]), reverse("documents", args=[slug]),
            reverse("meetings", args=[slug]), reverse("polls", args=[slug]),
            reverse("questions", args=[slug])]


def api_paths(committee: Space, thread_id: int) -> list[str]:
    return [f"/api/v1/spaces/{committee.slug}/threads", f"/api/v1/spaces/{committee.slug}/events",
            f"/api/v1/threads/{thread_id}"]


def insiders(people):
    return [people.facilitator, people.member]


def outsiders(people, setting):
    return [people.other_member, setting["removed"], people.outsider]


def test_insiders_reach_every_committee_page_and_endpoint(people, setting):
    committee, thread = setting["committee"], setting["thread"]
    for user in insiders(people):
        web, api = client_for(user), api_client_for(user)
        for url in committee_pages(committee, thread.pk):
            assert web.get(url).status_code == 200, (user, url)
        for path in api_paths(committee, thread.pk):
            assert api.get(path).status_code == 200, (user, path)


def test_outsiders_get_not_found_everywhere_and_never_the_name(people, setting):
    committee, thread = setting["committee"], setting["thread"]
    for user in outsiders(people, setting):
        web, api = client_for(user), api_client_for(user)
        for url in committee_pages(committee, thread.pk):
            answer = web.get(url)
            assert answer.status_code == 404, (user, url)
            assert NAME not in answer.content.decode() and SECRET not in answer.content.decode()
        for path in api_paths(committee, thread.pk):
            answer = api.get(path)
            assert answer.status_code == 404, (user, path)
            assert NAME not in answer.content.decode()
        manage = reverse("committee-manage", args=["rma", committee.slug])
        assert web.get(manage).status_code == 404
        assert api.post(f"/api/v1/committees/{committee.slug}/archive").status_code == 404


def test_the_space_pages_show_the_committee_to_its_members_only(people, setting):
    pages = [reverse("space", args=["rma"]), reverse("committees", args=["rma"]),
             reverse("my-spaces"), reverse("search") + "?q=budget",
             reverse("search") + "?q=chiffres&space=rma"]
    for user in insiders(people):
        web = client_for(user)
        assert NAME in web.get(pages[0]).content.decode()
        assert NAME in web.get(pages[2]).content.decode()
        assert SECRET in web.get(pages[3]).content.decode(), "committee threads are searched"
        assert SECRET in web.get(pages[4]).content.decode(), "the space's scope holds them"
    for user in [people.other_member, setting["removed"]]:
        web = client_for(user)
        for url in pages:
            body = web.get(url).content.decode()
            assert NAME not in body and SECRET not in body, (user, url)
    api = api_client_for(people.other_member)
    for path in ["/api/v1/spaces", "/api/v1/spaces/rma/committees", "/api/v1/spaces/rma/events",
                 "/api/v1/search?q=budget"]:
        body = api.get(path).content.decode()
        assert NAME not in body and SECRET not in body, path


def test_a_shown_committee_gives_its_name_never_its_content(people, setting):
    committee = setting["committee"]
    set_committee_visibility(actor=people.facilitator, committee=committee, visible=True)
    web = client_for(people.other_member)
    page = web.get(reverse("committees", args=["rma"])).content.decode()
    assert NAME in page and SECRET not in page
    assert reverse("space", args=[committee.slug]) not in page
    assert web.get(reverse("space", args=[committee.slug])).status_code == 404
    listed = api_client_for(people.other_member).get("/api/v1/spaces/rma/committees").json()
    assert [(c["name"], c["is_member"]) for c in listed] == [(NAME, False)]
    assert client_for(people.outsider).get(reverse("committees", args=["rma"])).status_code == 404


def test_a_committee_document_stays_inside(people, setting):
    import io

    committee = setting["committee"]
    document = upload_document(actor=people.member, space=committee,
                               file=io.BytesIO(b"ordre du jour"), file_name="odj.txt")
    url = reverse("document", args=[committee.slug, document.pk])
    assert client_for(people.member).get(url).status_code == 200
    assert client_for(people.other_member).get(url).status_code == 404
    assert api_client_for(people.other_member).get(
        f"/api/v1/documents/{document.pk}").status_code == 404
