"""The data-quality rules behind the admin page "Datakvalitet".

One function per rule: it takes the user and returns the findings in the user's scope (a
national editor sees all; a coordinator what concerns their municipalities' records, and
the people and organisations tied to them). Each costs a fixed number of queries, however
many rows there are: the rules that compare records with each other (duplicates, the same
partnership from both sides, broken links) read the rows they need once and compare them
in Python, then narrow to the user's scope with one more query.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from contacts.models import Organisation, OrganisationName, Person
from networks.models import Membership, Network
from partnerships.models import Partnership, PartnershipKind, PartnershipParty, PartyRole
from portal.models import Municipality, Survey
from portal.names import organisation_name_keys
from portal.review import ReviewedModel, needs_review_q
from portal.roles import is_national_editor
from portal.scoping import editable, is_scoped, municipality_ids, visible
from projects.models import Initiative, Programme, Project, ProjectParticipant, Story
from quality.models import LinkCheck


@dataclass(frozen=True)
class RecordLink:
    """A record named in a finding; url is its admin change page, empty when the user may
    not change it, and then `why` says who can."""

    label: str
    url: str = ""
    why: str = "utanför dina kommuner"


@dataclass(frozen=True)
class Finding:
    records: tuple[RecordLink, ...]
    detail: str = ""
    date: datetime.date | datetime.datetime | None = None


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    explanation: str
    find: Callable[..., list[Finding]]
    record_heading: str = "Post"
    detail_heading: str = "Vad som gäller"
    date_heading: str = ""
    #: For a rule that can find very many records: counts them in the database, and `find`
    #: then takes `limit`, so that neither the admin index nor the page builds them all.
    count: Callable[..., int] | None = None


@dataclass
class RuleResult:
    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.findings) if self.total is None else self.total


def change_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


SHARED_RECORD = "ändras av den som lade in den eller av en nationell redaktör"


def _link(model, pk, label: str, *, allowed: bool = True, why: str = "") -> RecordLink:
    if not allowed:
        return RecordLink(label, "", why) if why else RecordLink(label)
    return RecordLink(label, change_url(model, pk))


def _owns(user, municipality_id) -> bool:
    return is_national_editor(user) or municipality_id in municipality_ids(user)


def _ids_in_scope(queryset, ids: Iterable[int], user) -> set[int]:
    """Which of ids the scoped queryset holds: one query, none for a national editor."""
    ids = set(ids)
    if not ids or is_national_editor(user):
        return ids
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


def linked_organisations(user):
    """Organisations tied to the user's records: their municipality's own, the partners of
    their partnerships, participants in their projects, the organisations of their contact
    people. Organisations are shared and readable by every coordinator (portal.scoping);
    this is which of them are the coordinator's concern."""
    organisations = Organisation.objects.all()
    if is_national_editor(user):
        return organisations
    return organisations.filter(
        Q(municipality__in=visible(Municipality.objects.all(), user))
        | Q(pk__in=visible(PartnershipParty.objects.all(), user).values("organisation"))
        | Q(pk__in=visible(ProjectParticipant.objects.all(), user).values("organisation"))
        | Q(
            pk__in=visible(Partnership.objects.filter(coordinated_by__isnull=False), user).values(
                "coordinated_by"
            )
        )
        | Q(
            pk__in=visible(Person.objects.filter(organisation__isnull=False), user).values(
                "organisation"
            )
        )
    )


def linked_networks(user):
    """Networks the user's municipalities are members of (all for a national editor)."""
    networks = Network.objects.all()
    if is_national_editor(user):
        return networks
    return networks.filter(pk__in=visible(Membership.objects.all(), user).values("network"))


def _partnership_label(municipality: str, name: str, kind: str) -> str:
    """As Partnership.__str__, from plain values."""
    return f"{municipality} – {name} ({PartnershipKind(kind).label.lower()})"


# ---------------------------------------------------------------------------
# 1. Probable duplicate organisations


def duplicate_organisations(user) -> list[Finding]:
    """Organisations in the same country whose names, former names or other names are
    equal after normalising. Three queries: organisations, other names, scope."""
    organisations = {
        pk: (name, country_id, country_name)
        for pk, name, country_id, country_name in Organisation.objects.order_by().values_list(
            "pk", "name", "country_id", "country__name"
        )
    }
    other_names = OrganisationName.objects.order_by().values_list(
        "organisation_id", "name", "is_former"
    )
    by_key: dict[tuple, set[int]] = defaultdict(set)
    names_by_key: dict[tuple, list[tuple[int, str, bool | None]]] = defaultdict(list)

    def add(organisation_id: int, name: str, is_former: bool | None) -> None:
        country_id = organisations[organisation_id][1]
        for key in organisation_name_keys(name):
            by_key[(country_id, key)].add(organisation_id)
            names_by_key[(country_id, key)].append((organisation_id, name, is_former))

    for pk, (name, _country_id, _country_name) in organisations.items():
        add(pk, name, None)
    for organisation_id, name, is_former in other_names:
        add(organisation_id, name, is_former)

    # Union-find: A matching B by one name and B matching C by another is one finding.
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    shared_keys = [key for key, ids in by_key.items() if len(ids) > 1]
    for key in shared_keys:
        first, *others = by_key[key]
        for other in others:
            parent[root(other)] = root(first)
    clusters: dict[int, set[int]] = defaultdict(set)
    matched_names: dict[int, dict[tuple[int, str], bool | None]] = defaultdict(dict)
    for key in shared_keys:
        cluster = root(next(iter(by_key[key])))
        clusters[cluster] |= by_key[key]
        for organisation_id, name, is_former in names_by_key[key]:
            matched_names[cluster][(organisation_id, name)] = is_former

    candidates = set().union(*clusters.values()) if clusters else set()
    in_scope = _ids_in_scope(linked_organisations(user), candidates, user)
    # Organisations are shared: a coordinator may change only some of them (portal.scoping).
    changeable = _ids_in_scope(editable(Organisation.objects.all(), user), candidates, user)
    findings = []
    for cluster, ids in clusters.items():
        if not ids & in_scope:
            continue
        members = sorted(ids, key=lambda pk: organisations[pk][0].casefold())
        records = tuple(
            _link(
                Organisation,
                pk,
                f"{organisations[pk][0]} ({organisations[pk][2]})",
                allowed=pk in changeable,
                why=SHARED_RECORD,
            )
            for pk in members
        )
        names = []
        for (organisation_id, name), is_former in sorted(
            matched_names[cluster].items(), key=lambda item: item[0][1].casefold()
        ):
            if is_former is None:
                names.append(f"”{name}”")
            else:
                kind = "tidigare namn" if is_former else "annat namn"
                names.append(f"”{name}” ({kind} för {organisations[organisation_id][0]})")
        findings.append(Finding(records, "Lika namn: " + ", ".join(names)))
    return sorted(findings, key=lambda finding: finding.records[0].label.casefold())


# ---------------------------------------------------------------------------
# 2. People with the same e-mail address


def people_with_same_email(user) -> list[Finding]:
    """Two contact people with one address (any case) are probably one person. Two queries."""
    by_email: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, name, email, organisation in (
        Person.objects.exclude(email="")
        .order_by("name", "pk")
        .values_list("pk", "name", "email", "organisation__name")
    ):
        label = f"{name}, {organisation}" if organisation else name
        by_email[email.strip().casefold()].append((pk, label, email))
    groups = {email: people for email, people in by_email.items() if len(people) > 1}
    candidate_ids = {pk for people in groups.values() for pk, _label, _email in people}
    in_scope = _ids_in_scope(visible(Person.objects.all(), user), candidate_ids, user)
    findings = []
    for email, people in sorted(groups.items()):
        if not {pk for pk, _label, _email in people} & in_scope:
            continue
        records = tuple(
            _link(Person, pk, label, allowed=pk in in_scope) for pk, label, _email in people
        )
        findings.append(Finding(records, f"E-post: {email}"))
    return findings


# ---------------------------------------------------------------------------
# 3. The same partnership registered twice

_PARTY_FIELDS = (
    "partnership_id",
    "partnership__name",
    "partnership__kind",
    "partnership__municipality_id",
    "partnership__municipality__short_name",
    "organisation__name",
)


def same_pair_twice(user) -> list[Finding]:
    """Two partnerships of one municipality with the same partner and of the same kind.
    One query."""
    groups: dict[tuple, dict[int, str]] = defaultdict(dict)
    partner_names: dict[tuple, str] = {}
    for (
        partnership_id,
        name,
        kind,
        municipality_id,
        municipality,
        organisation_id,
        organisation,
    ) in visible(
        PartnershipParty.objects.filter(role=PartyRole.PARTNER).order_by(), user
    ).values_list(*_PARTY_FIELDS[:-1], "organisation_id", "organisation__name"):
        key = (municipality_id, organisation_id, kind)
        groups[key][partnership_id] = _partnership_label(municipality, name, kind)
        partner_names[key] = organisation
    findings: dict[frozenset, tuple[tuple[RecordLink, ...], list[str], str]] = {}
    for key, partnerships in groups.items():
        if len(partnerships) < 2:
            continue
        ids = frozenset(partnerships)
        records, partners, kind = findings.get(
            ids,
            (
                tuple(
                    _link(Partnership, pk, label)
                    for pk, label in sorted(partnerships.items(), key=lambda item: item[1])
                ),
                [],
                PartnershipKind(key[2]).label.lower(),
            ),
        )
        findings[ids] = (records, sorted([*partners, partner_names[key]]), kind)
    return sorted(
        (
            Finding(records, f"Båda är {kind} med {' och '.join(partners)}.")
            for records, partners, kind in findings.values()
        ),
        key=lambda finding: finding.records[0].label,
    )


def registered_from_both_sides(user) -> list[Finding]:
    """Municipality A's partnership with B's organisation and B's with A's: two records
    of one partnership that can disagree. One query."""
    sides: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for (
        partnership_id,
        name,
        kind,
        municipality_id,
        municipality,
        _organisation,
        other_municipality_id,
    ) in (
        PartnershipParty.objects.filter(
            role=PartyRole.PARTNER, organisation__municipality__isnull=False
        )
        .exclude(organisation__municipality=F("partnership__municipality"))
        .order_by()
        .values_list(*_PARTY_FIELDS, "organisation__municipality_id")
    ):
        sides[(municipality_id, other_municipality_id)][partnership_id] = _partnership_label(
            municipality, name, kind
        )
    findings = []
    for first, second in list(sides):
        if first > second or (second, first) not in sides:
            continue
        if not (_owns(user, first) or _owns(user, second)):
            continue
        records = tuple(
            _link(Partnership, pk, label, allowed=_owns(user, owner))
            for owner, other in ((first, second), (second, first))
            for pk, label in sorted(sides[(owner, other)].items(), key=lambda item: item[1])
        )
        findings.append(
            Finding(
                records,
                "Samma samarbete finns hos båda kommunerna. Behåll ett och låt det visas på "
                "båda sidorna.",
            )
        )
    return sorted(findings, key=lambda finding: finding.records[0].label)


# ---------------------------------------------------------------------------
# 4. Activity level and how it ended


def live_without_activity_level(user) -> list[Finding]:
    """Ongoing partnerships, and those with no known period, without an activity level.
    Planned ones have had no activity to judge. One query."""
    today = timezone.localdate()
    partnerships = (
        visible(Partnership.objects.live(on=today).filter(activity_level=""), user)
        .exclude(start_date__gt=today)
        .select_related("municipality")
    )
    return [
        Finding(
            (_link(Partnership, partnership.pk, str(partnership)),),
            f"{partnership.status_display}, {partnership.period_display or 'period saknas'}",
        )
        for partnership in partnerships
    ]


def ended_without_reason_or_date(user) -> list[Finding]:
    """Ended partnerships that do not say why they ended, or when. One query."""
    partnerships = visible(
        Partnership.objects.finished().filter(Q(end_reason="") | Q(end_date__isnull=True)),
        user,
    ).select_related("municipality")
    findings = []
    for partnership in partnerships:
        missing = [
            text
            for text, is_missing in (
                ("varför det upphörde", not partnership.end_reason.strip()),
                ("slutdatum", partnership.end_date is None),
            )
            if is_missing
        ]
        findings.append(
            Finding(
                (_link(Partnership, partnership.pk, str(partnership)),),
                "Saknar " + " och ".join(missing) + ".",
            )
        )
    return findings


# ---------------------------------------------------------------------------
# 5. Not reviewed for twelve months


def reviewed_models() -> list:
    """Every model with ReviewedModel's reviewed_on, in app order."""
    return [model for model in apps.get_models() if issubclass(model, ReviewedModel)]


def _review_label(record) -> str:
    if isinstance(record, Municipality):
        return record.public_name
    if isinstance(record, Partnership):
        return str(record)
    municipality = getattr(record, "municipality", None)
    return f"{municipality.short_name} – {record}" if municipality else str(record)


def _not_reviewed_by_model(user):
    """(model, its records that need review in the user's scope), one queryset per model."""
    for model in reviewed_models():
        if not (is_scoped(model) or is_national_editor(user)):
            continue  # a shared record is a national editor's to review
        records = model._default_manager.filter(needs_review_q())
        if model is Municipality:
            records = records.filter(is_published=True)
        yield model, visible(records, user)


def count_not_reviewed(user) -> int:
    """One COUNT query per reviewed model."""
    return sum(records.count() for _model, records in _not_reviewed_by_model(user))


def not_reviewed(user, limit: int | None = None) -> list[Finding]:
    """Records never reviewed or last reviewed before REVIEW_INTERVAL, the longest unreviewed
    first within each kind; at most `limit`. A municipality only when its page is published.
    One query per reviewed model."""
    findings = []
    for model, records in _not_reviewed_by_model(user):
        if limit is not None and len(findings) >= limit:
            break
        records = records.order_by(
            F("reviewed_on").asc(nulls_first=True), *model._meta.ordering, "pk"
        )
        if any(field.name == "municipality" for field in model._meta.fields):
            records = records.select_related("municipality")
        if limit is not None:
            records = records[: limit - len(findings)]
        kind = str(model._meta.verbose_name).capitalize()
        for record in records:
            detail = kind
            if record.reviewed_on is not None and record.reviewed_by:
                detail += f", granskad av {record.reviewed_by}"
            findings.append(
                Finding(
                    (_link(model, record.pk, _review_label(record)),), detail, record.reviewed_on
                )
            )
    return findings


# ---------------------------------------------------------------------------
# 6. Contact people


def published_without_contact(user) -> list[Finding]:
    """Published municipality pages with nobody to contact. One query."""
    municipalities = visible(
        Municipality.objects.published().filter(contacts__isnull=True).order_by("short_name"),
        user,
    )
    return [
        Finding(
            (_link(Municipality, municipality.pk, municipality.public_name),),
            "Sidan visar ingen kontaktperson.",
        )
        for municipality in municipalities
    ]


def contacts_without_email_or_phone(user) -> list[Finding]:
    """Contact people with neither e-mail nor phone. One query."""
    people = visible(
        Person.objects.filter(email="")
        .filter(Q(phone="") | Q(phone__isnull=True))
        .select_related("organisation"),
        user,
    )
    return [
        Finding(
            (_link(Person, person.pk, person.name),),
            str(person.organisation) if person.organisation else "",
        )
        for person in people
    ]


# ---------------------------------------------------------------------------
# 7. External links that answered an error


def link_sources() -> list[tuple]:
    """(model, URL field, the user's scope of it, label) for every field with a web address
    that `check_links` checks. Shared reference data (programmes, initiatives, surveys) is
    a national editor's concern only."""

    def national_only(model):
        return lambda user: (
            model.objects.all() if is_national_editor(user) else model.objects.none()
        )

    def scoped(model):
        return lambda user: visible(model.objects.all(), user)

    return [
        (Municipality, "website", scoped(Municipality), lambda record: record.public_name),
        (Organisation, "website", linked_organisations, str),
        (
            Project,
            "website",
            lambda user: visible(Project.objects.select_related("municipality"), user),
            _review_label,
        ),
        (Network, "website", linked_networks, str),
        (
            Story,
            "url",
            lambda user: visible(Story.objects.select_related("municipality"), user),
            _review_label,
        ),
        (Programme, "website", national_only(Programme), str),
        (Initiative, "website", national_only(Initiative), str),
        (Survey, "url", national_only(Survey), str),
    ]


def broken_links(user) -> list[Finding]:
    """Addresses whose last check failed, with the records that use them. One query for
    the checks and one or two per kind of record."""
    failed = {check.url: check for check in LinkCheck.objects.filter(ok=False)}
    if not failed:
        return []
    records_by_url: dict[str, list[RecordLink]] = defaultdict(list)
    for model, field_name, scope, label in link_sources():
        records = list(scope(user).filter(**{f"{field_name}__in": list(failed)}).order_by())
        # Shared records (organisations, networks) are linked only where the user may change
        # them; one query per kind of record with findings, none for a national editor.
        changeable = _ids_in_scope(
            editable(model.objects.all(), user), {record.pk for record in records}, user
        )
        for record in records:
            records_by_url[getattr(record, field_name)].append(
                _link(
                    model,
                    record.pk,
                    label(record),
                    allowed=record.pk in changeable,
                    why=SHARED_RECORD,
                )
            )
    return [
        Finding(
            tuple(sorted(records_by_url[url], key=lambda record: record.label)),
            f"{url}: {failed[url].error}",
            failed[url].checked_at,
        )
        for url in sorted(records_by_url)
    ]


RULES = (
    Rule(
        "dubbletter-organisationer",
        "Troliga dubbletter bland organisationer",
        "Organisationer i samma land vars namn, tidigare namn eller andra namn blir lika när "
        "skiftläge, accenter, skiljetecken och ord som ”kommun”, ”Municipality” eller "
        "”City Council” tas bort. Slå ihop dem till en, eller lägg till ett namn som skiljer dem åt.",
        duplicate_organisations,
        record_heading="Organisationer",
        detail_heading="Namn som liknar varandra",
    ),
    Rule(
        "samma-e-post",
        "Kontaktpersoner med samma e-postadress",
        "En person ska bara finnas en gång. Personer med samma e-postadress (oavsett "
        "stora och små bokstäver) är troligen samma person: behåll en och koppla den överallt.",
        people_with_same_email,
        record_heading="Kontaktpersoner",
        detail_heading="Gemensam e-postadress",
    ),
    Rule(
        "samma-par-tva-ganger",
        "Samma samarbete registrerat två gånger",
        "Två samarbeten av samma slag mellan samma kommun och samma partner. Ta bort det ena "
        "eller flytta uppgifterna till det andra.",
        same_pair_twice,
        record_heading="Samarbeten",
    ),
    Rule(
        "fran-bada-hall",
        "Samarbeten mellan svenska kommuner registrerade från båda hållen",
        "Ett samarbete mellan två svenska kommuner ska vara en post som visas på båda "
        "kommunernas sidor, aldrig två som kan säga olika saker. Slå ihop dem för hand "
        "tillsammans med den andra kommunen.",
        registered_from_both_sides,
        record_heading="Samarbeten",
    ),
    Rule(
        "saknar-aktivitetsgrad",
        "Pågående samarbeten utan aktivitetsgrad",
        "Pågående vänorter och samarbeten, och de utan känd period, ska ange hur aktiva de "
        "är: aktiv, sporadisk eller vilande.",
        live_without_activity_level,
        record_heading="Samarbete",
        detail_heading="Status och period",
    ),
    Rule(
        "avslutade-utan-orsak",
        "Avslutade samarbeten utan orsak eller slutdatum",
        "Ett avslutat samarbete ska säga varför det upphörde och när.",
        ended_without_reason_or_date,
        record_heading="Samarbete",
        detail_heading="Vad som saknas",
    ),
    Rule(
        "inte-granskade",
        "Inte granskade på 12 månader",
        "Publicerade kommunsidor, samarbeten och projekt som aldrig har granskats eller inte "
        "har granskats det senaste året. Granska posten och markera den som granskad.",
        not_reviewed,
        detail_heading="Typ",
        date_heading="Senast granskad",
        count=count_not_reviewed,
    ),
    Rule(
        "sidor-utan-kontaktperson",
        "Publicerade kommunsidor utan kontaktperson",
        "Varje publicerad kommunsida ska ha minst en kontaktperson.",
        published_without_contact,
        record_heading="Kommun",
    ),
    Rule(
        "kontakter-utan-e-post-och-telefon",
        "Kontaktpersoner utan e-post och telefon",
        "En kontaktperson utan både e-postadress och telefonnummer går inte att kontakta.",
        contacts_without_email_or_phone,
        record_heading="Kontaktperson",
        detail_heading="Organisation",
    ),
    Rule(
        "trasiga-lankar",
        "Webbadresser som svarar med fel",
        "Webbplatser som inte svarade som de ska vid den senaste länkkontrollen "
        "(manage.py check_links). Rätta eller ta bort adressen.",
        broken_links,
        detail_heading="Adress och svar",
        date_heading="Kontrollerad",
    ),
)


def quality_report(user, *, limit: int | None = None, counts_only: bool = False):
    """Every rule's findings in the user's scope. A rule with its own `count` is counted
    in the database, and builds at most `limit` findings (none with `counts_only`)."""
    results = []
    for rule in RULES:
        if rule.count is None:
            results.append(RuleResult(rule, rule.find(user)))
        else:
            findings = [] if counts_only else rule.find(user, limit=limit)
            results.append(RuleResult(rule, findings, total=rule.count(user)))
    return results
