"""The admin page "Att bekräfta": records of other municipalities that name one of the
user's municipalities as a Swedish party and wait for its word (portal.parties).

A coordinator confirms (the record then shows on their municipality's page, in its filter
and figures) or declines (the party row is removed from the other municipality's record,
with history). A national editor answers for every municipality.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from access.roles import is_national_editor
from access.scoping import municipality_ids
from partnerships.models import PartnershipParty, PartyRole
from projects.models import ProjectParticipant

#: The two kinds of party row, by the name the page's forms use.
KINDS = {"projekt": ProjectParticipant, "samarbete": PartnershipParty}
RECORD_FIELD = {ProjectParticipant: "project", PartnershipParty: "partnership"}


def awaiting_confirmation(model, user):
    """Party rows of `model` waiting for one of the user's municipalities."""
    field = RECORD_FIELD[model]
    rows = model.objects.filter(party_municipality__isnull=False, awaiting_confirmation=True)
    if not is_national_editor(user):
        rows = rows.filter(party_municipality__in=municipality_ids(user))
    return rows.select_related("organisation__municipality", f"{field}__municipality").order_by(
        f"{field}__municipality__short_name", "pk"
    )


def awaiting_count(user) -> int:
    """Both kinds of row waiting for the user's municipalities, in one query."""
    projects, partnerships = (
        awaiting_confirmation(model, user).order_by().values("pk") for model in KINDS.values()
    )
    return projects.union(partnerships, all=True).count()


def party_confirm(*, row, user) -> None:
    """The municipality taking part says yes: the record shows on its page."""
    _check(row, user)
    row.awaiting_confirmation = False
    row._change_reason = "Bekräftad av den deltagande kommunen"
    row.save(update_fields=["awaiting_confirmation"])


def party_decline(*, row, user) -> bool:
    """The municipality says it does not take part: its row leaves the record. A
    partnership left without a partner (a pair of two Swedish municipalities the other
    declined) is made a draft, for its owner to correct. True when that happened."""
    _check(row, user)
    record = getattr(row, RECORD_FIELD[type(row)])
    with transaction.atomic():
        row._change_reason = "Avböjd av den deltagande kommunen"
        row.delete()
        if (
            isinstance(row, PartnershipParty)
            and record.is_published
            and not record.parties.filter(role=PartyRole.PARTNER).exists()
        ):
            record.is_published = False
            record._change_reason = "Utkast: den enda parten avböjde"
            record.save()
            return True
    return False


def _check(row, user) -> None:
    if not row.awaiting_confirmation:
        raise PermissionDenied("Raden väntar inte på bekräftelse.")
    if not is_national_editor(user) and row.party_municipality_id not in municipality_ids(user):
        raise PermissionDenied("Du samordnar inte den kommunen.")


@require_http_methods(["GET", "POST"])
def confirmations_view(request):
    user = request.user
    if request.method == "POST":
        _answer(request)
        return HttpResponseRedirect(reverse("confirmations"))
    groups = [
        (label, kind, list(awaiting_confirmation(model, user)))
        for label, kind, model in (
            ("Projekt", "projekt", ProjectParticipant),
            ("Samarbeten", "samarbete", PartnershipParty),
        )
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Att bekräfta",
        "groups": groups,
        "total": sum(len(rows) for _, _, rows in groups),
    }
    return TemplateResponse(request, "admin/confirmations.html", context)


def _answer(request) -> None:
    """One row (kind, id, answer) or every row at once; anything else changes nothing."""
    user = request.user
    answer = request.POST.get("answer")
    if answer not in ("bekrafta", "avboj", "bekrafta-alla"):
        messages.error(request, "Okänt svar; inget ändrades.")
        return
    if answer == "bekrafta-alla":
        with transaction.atomic():
            count = 0
            for model in KINDS.values():
                for row in awaiting_confirmation(model, user):
                    party_confirm(row=row, user=user)
                    count += 1
        messages.success(request, f"{count} bekräftade.")
        return
    model = KINDS.get(request.POST.get("kind", ""))
    row_id = request.POST.get("id", "")
    row = (
        awaiting_confirmation(model, user).filter(pk=row_id).first()
        if model and row_id.isdigit()
        else None
    )
    if row is None:
        messages.error(
            request, "Raden finns inte eller väntar inte på din kommuns svar; inget ändrades."
        )
        return
    record = getattr(row, RECORD_FIELD[model])
    if answer == "bekrafta":
        party_confirm(row=row, user=user)
        messages.success(request, f"{row.organisation.municipality} deltar i {record}: bekräftat.")
    else:
        drafted = party_decline(row=row, user=user)
        note = (
            " Samarbetet har ingen partner kvar och har gjorts till utkast hos "
            f"{record.municipality}."
            if drafted
            else ""
        )
        messages.success(
            request, f"{row.organisation.municipality} togs bort som part i {record}.{note}"
        )
