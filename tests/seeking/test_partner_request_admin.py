"""Partner requests in the admin: a coordinator keeps only their municipalities' requests and
never enters a seeker abroad; a national editor may. Publishing, the derived status filter,
the sought regions and history, and the model's own rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import Municipality
from seeking.models import PartnerRequest, SoughtKind
from tests.admin.formdata import change_form_data
from tests.factories import admin_url
from tests.seeking.factories import days_from_today, foreign_organisation, make_partner_request

pytestmark = pytest.mark.django_db


def add_data(municipality: Municipality | None, **overrides) -> dict:
    data = {
        "title": "Vi söker en vänort i Japan",
        "slug": "vanort-i-japan",
        "kind": SoughtKind.TWIN_TOWN,
        "municipality": municipality.pk if municipality else "",
        "description": "Skolutbyte.",
        "valid_until": days_from_today(60).isoformat(),
        "countries": ["JP"],
        "world_regions": ["norden"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def vaxjo_request():
    return make_partner_request(title="Växjös hemliga sökning")


@pytest.fixture
def abroad_request():
    return make_partner_request(title="Kisumus sökning", organisation=foreign_organisation("KE"))


def test_a_coordinator_adds_a_request_for_their_municipality(trollhattan_client):
    trollhattan = Municipality.objects.get(slug="trollhattan")
    response = trollhattan_client.post(admin_url(PartnerRequest, "add"), add_data(trollhattan))
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner_request = PartnerRequest.objects.get(slug="vanort-i-japan")
    assert partner_request.municipality == trollhattan
    assert partner_request.is_published is False  # a draft until published
    assert partner_request.world_regions == ["norden"]
    assert [c.code for c in partner_request.countries.all()] == ["JP"]
    entry = partner_request.history.earliest()
    assert entry.history_type == "+" and entry.history_user == trollhattan_client.user


def test_the_coordinators_form_has_no_seeker_abroad(trollhattan_client):
    response = trollhattan_client.get(admin_url(PartnerRequest, "add"))
    form = response.context["adminform"].form
    assert "organisation" not in form.fields
    assert list(form.fields["municipality"].queryset) == [
        Municipality.objects.get(slug="trollhattan")
    ]


def test_a_coordinator_cannot_enter_a_seeker_abroad(trollhattan_client):
    """A forged POST with an organisation and no municipality: the organisation is not a
    field of the coordinator's form, and the municipality is required."""
    organisation = foreign_organisation("KE")
    response = trollhattan_client.post(
        admin_url(PartnerRequest, "add"), add_data(None, organisation=organisation.pk)
    )
    assert response.status_code == 200
    assert "Välj kommunen som söker." in response.content.decode()
    assert not PartnerRequest.objects.filter(organisation=organisation).exists()


def test_saving_a_seeker_abroad_as_a_coordinator_is_refused_in_save(rf, make_coordinator):
    """The rule holds in save_model too, whatever form reaches it."""
    from django.contrib import admin
    from django.core.exceptions import PermissionDenied

    user = make_coordinator("trollhattan", username="kim")
    request = rf.post("/")
    request.user = user
    model_admin = admin.site._registry[PartnerRequest]
    partner_request = PartnerRequest(
        title="Smuggel",
        slug="smuggel",
        kind=SoughtKind.TWIN_TOWN,
        organisation=foreign_organisation("KE"),
        valid_until=days_from_today(10),
    )
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, partner_request, form=None, change=False)
    assert partner_request.pk is None


def test_the_form_refuses_a_seeker_abroad_unless_allowed():
    from seeking.admin import ONLY_EDITORS_ABROAD, PartnerRequestForm

    organisation = foreign_organisation("KE")
    data = add_data(None, organisation=organisation.pk)
    form = PartnerRequestForm(data=data)
    assert not form.is_valid()
    assert ONLY_EDITORS_ABROAD in form.errors["organisation"]


def test_a_coordinator_cannot_add_a_request_for_another_municipality(trollhattan_client):
    vaxjo = Municipality.objects.get(slug="vaxjo")
    response = trollhattan_client.post(admin_url(PartnerRequest, "add"), add_data(vaxjo))
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not PartnerRequest.objects.filter(slug="vanort-i-japan").exists()


def test_a_coordinator_sees_only_their_municipalities_requests(
    trollhattan_client, vaxjo_request, abroad_request
):
    own = make_partner_request(
        title="Trollhättans sökning", municipality=Municipality.objects.get(slug="trollhattan")
    )
    response = trollhattan_client.get(admin_url(PartnerRequest, "changelist"))
    assert list(response.context["cl"].result_list) == [own]
    content = response.content.decode()
    assert "Växjös hemliga sökning" not in content and "Kisumus sökning" not in content


@pytest.mark.parametrize("view", ["change", "delete"])
@pytest.mark.parametrize("record", ["vaxjo_request", "abroad_request"])
def test_another_municipalitys_or_a_foreign_request_answers_404(
    trollhattan_client, request, view, record
):
    partner_request = request.getfixturevalue(record)
    response = trollhattan_client.get(admin_url(PartnerRequest, view, partner_request.pk))
    assert response.status_code == 404
    assert partner_request.title not in response.content.decode()


def test_a_forged_post_cannot_change_or_take_over_vaxjos_request(trollhattan_client, vaxjo_request):
    url = admin_url(PartnerRequest, "change", vaxjo_request.pk)
    response = trollhattan_client.post(url, {"title": "Kapad", "slug": vaxjo_request.slug})
    assert response.status_code == 404
    vaxjo_request.refresh_from_db()
    assert vaxjo_request.title == "Växjös hemliga sökning"


def test_a_coordinator_cannot_move_their_request_to_vaxjo(trollhattan_client):
    own = make_partner_request(municipality=Municipality.objects.get(slug="trollhattan"))
    url = admin_url(PartnerRequest, "change", own.pk)
    data = change_form_data(
        trollhattan_client.get(url), municipality=str(Municipality.objects.get(slug="vaxjo").pk)
    )
    response = trollhattan_client.post(url, data)
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    own.refresh_from_db()
    assert own.municipality.slug == "trollhattan"


def test_history_of_vaxjos_request_is_forbidden(trollhattan_client, vaxjo_request):
    response = trollhattan_client.get(admin_url(PartnerRequest, "history", vaxjo_request.pk))
    assert response.status_code == 403


def test_the_publish_action_only_reaches_own_requests(trollhattan_client, vaxjo_request):
    own = make_partner_request(
        municipality=Municipality.objects.get(slug="trollhattan"), is_published=False
    )
    PartnerRequest.objects.filter(pk=vaxjo_request.pk).update(is_published=False)
    trollhattan_client.post(
        admin_url(PartnerRequest, "changelist"),
        {"action": "publish", "_selected_action": [own.pk, vaxjo_request.pk]},
    )
    own.refresh_from_db()
    vaxjo_request.refresh_from_db()
    assert own.is_published is True
    assert vaxjo_request.is_published is False


def test_autocomplete_offers_a_coordinator_only_their_municipalities(trollhattan_client):
    response = trollhattan_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "seeking",
            "model_name": "partnerrequest",
            "field_name": "municipality",
            "term": "",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Trollhättans Stad"]


def test_a_national_editor_enters_a_request_from_abroad(national_editor_client):
    organisation = foreign_organisation("KE")
    response = national_editor_client.post(
        admin_url(PartnerRequest, "add"),
        add_data(None, organisation=organisation.pk, world_regions=[], is_published="on"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner_request = PartnerRequest.objects.get(organisation=organisation)
    assert partner_request.is_from_abroad
    assert partner_request.world_regions == []


def test_a_national_editor_must_choose_exactly_one_seeker(national_editor_client):
    organisation = foreign_organisation("KE")
    vaxjo = Municipality.objects.get(slug="vaxjo")
    for data, message, not_also in [
        (add_data(None), "Ange vem som söker", "Ange bara en som söker"),
        (add_data(vaxjo, organisation=organisation.pk), "Ange bara en som söker", None),
    ]:
        response = national_editor_client.post(admin_url(PartnerRequest, "add"), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count(message) == 1  # said once, not again by the constraint
        assert not_also is None or not_also not in page
    assert not PartnerRequest.objects.filter(slug="vanort-i-japan").exists()


def test_the_database_refuses_two_seekers_or_none():
    from django.db import IntegrityError, transaction

    for fields in (
        {
            "municipality": Municipality.objects.get(slug="vaxjo"),
            "organisation": foreign_organisation(),
        },
        {},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PartnerRequest.objects.create(
                title="Fel", slug="fel", kind="vanort", valid_until=days_from_today(1), **fields
            )


def test_a_swedish_organisation_is_not_a_seeker_abroad():
    partner_request = PartnerRequest(
        title="Svensk",
        slug="svensk",
        kind="vanort",
        organisation=foreign_organisation("SE", "Växjö Energi AB"),
        valid_until=days_from_today(10),
    )
    with pytest.raises(ValidationError) as error:
        partner_request.full_clean()
    assert "Organisationen finns i Sverige" in str(error.value)


def test_the_last_day_must_lie_ahead_and_within_two_years():
    vaxjo = Municipality.objects.get(slug="vaxjo")
    for valid_until, message in [
        (days_from_today(-1), "Dagen har redan passerat"),
        (days_from_today(800), "högst två år framåt"),
    ]:
        partner_request = PartnerRequest(
            title="Datum", slug="datum", kind="vanort", municipality=vaxjo, valid_until=valid_until
        )
        with pytest.raises(ValidationError) as error:
            partner_request.full_clean()
        assert message in str(error.value)


def test_an_expired_request_can_still_be_edited_without_moving_its_date():
    partner_request = make_partner_request(valid_until=days_from_today(-10))
    partner_request = PartnerRequest.objects.get(pk=partner_request.pk)
    partner_request.is_published = False
    partner_request.full_clean()  # the stored last day may lie in the past


def test_the_status_filter_is_derived_from_the_date(admin_client):
    current = make_partner_request(title="Aktuell sökning")
    expired = make_partner_request(title="Utgången sökning", valid_until=days_from_today(-1))
    url = admin_url(PartnerRequest, "changelist")
    assert list(admin_client.get(url + "?status=aktuell").context["cl"].result_list) == [current]
    assert list(admin_client.get(url + "?status=utgangen").context["cl"].result_list) == [expired]
    content = admin_client.get(url).content.decode()
    assert "Utgången" in content and "Aktuell" in content


def test_editing_the_regions_keeps_the_rest(admin_client):
    partner_request = make_partner_request(regions=["norden", "ovriga_europa"], countries=["JP"])
    url = admin_url(PartnerRequest, "change", partner_request.pk)
    form = admin_client.get(url)
    assert sorted(form.context["adminform"].form.initial["world_regions"]) == [
        "norden",
        "ovriga_europa",
    ]
    data = change_form_data(form, world_regions=["ovriga_varlden"])
    response = admin_client.post(url, data)
    assert response.status_code == 302
    partner_request.refresh_from_db()
    assert partner_request.world_regions == ["ovriga_varlden"]
    assert [c.code for c in partner_request.countries.all()] == ["JP"]
    assert partner_request.valid_until >= datetime.date.today() - datetime.timedelta(days=1)
