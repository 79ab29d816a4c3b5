"""The data-quality rules behind the admin page "Datakvalitet".

One function per rule: it takes the user and returns the findings in the user's scope (a
national editor sees all; a coordinator what concerns their municipalities' records, and
the people and organisations tied to them). Each costs a fixed number of queries, however
many rows there are: the rules that compare records with each other (duplicates, the same
partnership from both sides, broken links) read the rows they need once and compare them
in Python, then narrow to the user's scope with one more query.
"""

import contextlib
import contextvars
import datetime
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.admin.utils import quote
from django.db.models import Count, F, Q, Window
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from access.roles import is_national_editor
from access.scoping import editable, is_scoped, municipality_ids
from contacts.models import Organisation, OrganisationKind, OrganisationName, Person
from networks.models import Membership, Network
from partnerships.models import Partnership, PartnershipKind, PartnershipParty, PartyRole
from portal.formatting import format_count_of
from portal.models import Municipality, Survey
from portal.names import NAME_PREFIXES, NAME_SUFFIXES, fold, organisation_name_keys
from portal.review import ReviewedModel, needs_review_q
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
class BulkLink:
    """A change list filtered to exactly a rule's records of one kind, where the admin's
    actions work on all of them at once."""

    label: str
    url: str


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    explanation: str
    find: Callable[..., list[Finding]]
    #: The count line, "1 pågående samarbete saknar aktivitetsgrad" / "705 pågående
    #: samarbeten saknar aktivitetsgrad": what one finding is, and what several are.
    one: str = "fynd"
    many: str = "fynd"
    record_heading: str = "Post"
    detail_heading: str = "Vad som gäller"
    date_heading: str = ""
    #: For a rule that can find very many records: counts them in the database, and `find`
    #: then takes `limit` and `offset`, so that neither the admin index nor a page builds
    #: them all.
    count: Callable[..., int] | None = None
    #: The rule's records as filtered change lists (for the user), built without queries.
    bulk_links: Callable[..., list[BulkLink]] | None = None

    def heading(self, count: int) -> str:
        return format_count_of(count, self.one, self.many)


@dataclass
class RuleResult:
    rule: Rule
    findings: list[Finding] = field(default_factory=list)
    total: int | None = None

    @property
    def count(self) -> int:
        return len(self.findings) if self.total is None else self.total

    @property
    def heading(self) -> str:
        return self.rule.heading(self.count)


_PK_PLACEHOLDER = "__pk__"


@functools.lru_cache(maxsize=64)
def _change_url_pattern(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[_PK_PLACEHOLDER], urlconf=urlconf)


def change_url(model, pk) -> str:
    """The record's admin change page. A rule may link thousands of records: the URL is
    reversed once per model (and script prefix) and the pk put in its place."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
    pattern = _change_url_pattern(name, get_script_prefix(), get_urlconf())
    return pattern.replace(_PK_PLACEHOLDER, quote(str(pk)), 1)


def changelist_url(model, **filters) -> str:
    """The model's admin change list with the given filters, as the admin's own filter
    links write them."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _page(queryset, limit: int | None, offset: int):
    if limit is not None:
        return queryset[offset : offset + limit]
    return queryset[offset:] if offset else queryset


SHARED_RECORD = "ändras av den som lade in den eller av en nationell redaktör"


def _link(model, pk, label: str, *, allowed: bool = True, why: str = "") -> RecordLink:
    if not allowed:
        return RecordLink(label, "", why) if why else RecordLink(label)
    return RecordLink(label, change_url(model, pk))


def _owns(user, municipality_id) -> bool:
    return is_national_editor(user) or municipality_id in municipality_ids(user)


#: Above this many candidate ids, _ids_in_scope reads the scope rather than sending them.
MAX_IDS_IN_QUERY = 500


def _ids_in_scope(queryset, ids: Iterable[int], user) -> set[int]:
    """Which of ids the scoped queryset holds: one query, none for a national editor."""
    ids = set(ids)
    if not ids or is_national_editor(user):
        return ids
    if len(ids) > MAX_IDS_IN_QUERY:
        # Thousands of candidates (every shared e-mail address) make a query that takes
        # longer to send than to run: a coordinator's scope is the smaller list.
        return ids & set(queryset.values_list("pk", flat=True))
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


def linked_organisations(user):
    """Organisations tied to the user's records: their municipality's own, the partners of
    their partnerships, participants in their projects, the organisations of their contact
    people. Organisations are shared and readable by every coordinator (access.scoping);
    this is which of them are the coordinator's concern."""
    organisations = Organisation.objects.all()
    if is_national_editor(user):
        return organisations
    return organisations.filter(
        Q(municipality__in=editable(Municipality.objects.all(), user))
        | Q(pk__in=editable(PartnershipParty.objects.all(), user).values("organisation"))
        | Q(pk__in=editable(ProjectParticipant.objects.all(), user).values("organisation"))
        | Q(
            pk__in=editable(Partnership.objects.filter(coordinated_by__isnull=False), user).values(
                "coordinated_by"
            )
        )
        | Q(
            pk__in=editable(Person.objects.filter(organisation__isnull=False), user).values(
                "organisation"
            )
        )
    )


def linked_networks(user):
    """Networks the user's municipalities are members of (all for a national editor)."""
    networks = Network.objects.all()
    if is_national_editor(user):
        return networks
    return networks.filter(pk__in=editable(Membership.objects.all(), user).values("network"))


def _partnership_label(municipality: str, name: str, kind: str) -> str:
    """As Partnership.__str__, from plain values."""
    return f"{municipality} – {name} ({PartnershipKind(kind).label.lower()})"


# ---------------------------------------------------------------------------
# 1. Probable duplicate organisations


def remember_last(function):
    """For a pure function: remembers its last arguments and result in this process, and
    gives that result again while it is called with equal arguments (compared with ==, so
    a changed name is a new computation). The organisation rules
    compare every name with every other in Python; after most edits (a project, a
    partnership) the names are the same as on the last count, and comparing the rows read
    is much cheaper than comparing the names again. The result is shared: callers must
    not change it."""
    last: tuple | None = None

    @functools.wraps(function)
    def remembering(*args):
        nonlocal last
        remembered = last
        if remembered is not None and remembered[0] == args:
            return remembered[1]
        result = function(*args)
        last = (args, result)
        return result

    return remembering


#: While quality_report runs: what its rules read that more than one of them needs.
_report_reads: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "quality_report_reads", default=None
)


def _organisation_names():
    """{pk: (name, country_id, country name, kind)} and every other or former name as
    (organisation_id, name, is_former). Two queries, once per quality_report."""
    reads = _report_reads.get()
    if reads is None:
        return _read_organisation_names()
    if "organisation_names" not in reads:
        reads["organisation_names"] = _read_organisation_names()
    return reads["organisation_names"]


def _read_organisation_names():
    organisations = {
        pk: (name, country_id, country_name, kind)
        for pk, name, country_id, country_name, kind in (
            Organisation.objects.order_by().values_list(
                "pk", "name", "country_id", "country__name", "kind"
            )
        )
    }
    other_names = list(
        OrganisationName.objects.order_by().values_list("organisation_id", "name", "is_former")
    )
    return organisations, other_names


def _names_of(organisations, other_names):
    """Each name with its organisation: (organisation_id, name, is_former), where is_former
    is None for the organisation's own name."""
    for pk, (name, *_rest) in organisations.items():
        yield pk, name, None
    yield from other_names


@functools.lru_cache(maxsize=100_000)
def _name_keys(name: str) -> frozenset[str]:
    """portal.names.organisation_name_keys, remembered: the rules read every name of
    every organisation on each count, and a name's keys never change."""
    return frozenset(organisation_name_keys(name))


def _name_clusters(organisations, other_names):
    """_equal_name_clusters of every organisation, remembered while the names stay the
    same."""
    return _equal_name_clusters(organisations, other_names)


@remember_last
def _equal_name_clusters(organisations, other_names):
    """Organisations in one country whose names are equal after normalising, as clusters:
    ({cluster: its organisation ids}, {cluster: {(organisation_id, name): is_former}} for
    the names that matched). No queries."""
    by_key: dict[tuple, set[int]] = defaultdict(set)
    names_by_key: dict[tuple, list[tuple[int, str, bool | None]]] = defaultdict(list)
    for organisation_id, name, is_former in _names_of(organisations, other_names):
        country_id = organisations[organisation_id][1]
        for key in _name_keys(name):
            by_key[(country_id, key)].add(organisation_id)
            names_by_key[(country_id, key)].append((organisation_id, name, is_former))

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
    return clusters, matched_names


def _organisation_findings(organisations, groups, user) -> list[Finding]:
    """A finding for each (organisation ids, detail) that concerns the user, each
    organisation linked where the user may change it. Two queries (none for a national
    editor)."""
    candidates = set().union(*(ids for ids, _detail in groups))
    in_scope = _ids_in_scope(linked_organisations(user), candidates, user)
    # Organisations are shared: a coordinator may change only some of them (access.scoping).
    changeable = _ids_in_scope(editable(Organisation.objects.all(), user), candidates, user)
    findings = []
    for ids, detail in groups:
        if not ids & in_scope:
            continue
        members = sorted(ids, key=lambda pk: (organisations[pk][0].casefold(), pk))
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
        findings.append(Finding(records, detail))
    return sorted(findings, key=lambda finding: finding.records[0].label.casefold())


def _quoted_names(organisations, names: dict[tuple[int, str], bool | None]) -> str:
    """ "”Gamleby”, ”Gamleby City Council” (tidigare namn för Nyby Local Municipality)"."""
    quoted = []
    for (organisation_id, name), is_former in sorted(
        names.items(), key=lambda item: item[0][1].casefold()
    ):
        if is_former is None:
            quoted.append(f"”{name}”")
        else:
            kind = "tidigare namn" if is_former else "annat namn"
            quoted.append(f"”{name}” ({kind} för {organisations[organisation_id][0]})")
    return ", ".join(quoted)


def duplicate_organisations(user) -> list[Finding]:
    """Organisations in the same country whose names, former names or other names are
    equal after normalising. Four queries: organisations, other names, scope (two)."""
    organisations, other_names = _organisation_names()
    clusters, matched_names = _name_clusters(organisations, other_names)
    groups = [
        (ids, "Lika namn: " + _quoted_names(organisations, matched_names[cluster]))
        for cluster, ids in clusters.items()
    ]
    return _organisation_findings(organisations, groups, user)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say what kind of body or which tier a place is, joining words and articles,
# and company forms: no help in telling one place from another. Folded (portal.names.fold).
GENERIC_WORDS = frozenset(
    word for phrase in (*NAME_SUFFIXES, *NAME_PREFIXES) for word in phrase.split()
) | _word_set(
    """
    kommun kommune kommuna kommunen kommuns kommunes municipality municipalities municipal
    municipalite municipio municipiul comune commune ville gemeente gemeinde gmina miasto
    mesto grad opstina opcina obcina kunta kaupunki varos kozseg ayuntamiento concello
    city town village borough council district region regional county province provincia
    oblast prefecture department departement landkreis kreis lan landsting fylke
    fylkeskommune voivodeship wojewodztwo powiat megye zupanija kraj rajon raion rayon
    okrug kerulet stad stads stadt local metropolitan government administration
    the of de la le les du des del della di da do dos das der die den von van zu am an
    and och og und et e y i en for in at on a o mi
    ab as asa aps gmbh ltd inc oy sa srl bv
    """
)
# Words that make a name a region's (or a county's, a province's) rather than a town's:
# "Kisumu County" and "Kisumu City Council" are two bodies of one place.
REGIONAL_WORDS = _word_set(
    """
    region regional county province provincia oblast prefecture department departement
    landkreis kreis lan landsting fylke fylkeskommune voivodeship wojewodztwo powiat megye
    zupanija kraj
    """
)
LOCAL_WORDS = _word_set(
    """
    kommun kommune kommuna kommunen municipality municipal municipalite municipio comune
    commune ville gemeente gemeinde gmina miasto mesto grad opstina opcina obcina kunta
    kaupunki varos kozseg ayuntamiento concello city town village borough stad stadt
    """
)
# Districts are numbered up to some twenty or thirty: Roman numerals of i, v and x only,
# so that "mix", "liv" or "DC" stay words.
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"x": 10, "v": 5, "i": 1}
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th|e|er|eme|a|ste)?")
_WORD = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")


def _roman_value(word: str) -> int:
    values = [_ROMAN_VALUES[letter] for letter in word]
    return sum(
        -value if index + 1 < len(values) and value < values[index + 1] else value
        for index, value in enumerate(values)
    )


@functools.lru_cache(maxsize=100_000)
def _folded_word(written: str) -> tuple[str, int | None, bool]:
    """A word as compared (folded), the number it is if it is one ("22", "22nd", "xxii"; a
    single i, v or x only where it stands, see name_words), and whether it is distinctive."""
    word = fold(written)
    match = _ORDINAL.fullmatch(word)
    if match:
        return word, int(match.group(1)), False
    if len(word) > 1 and _ROMAN.fullmatch(word):
        return word, _roman_value(word), False
    distinctive = word not in GENERIC_WORDS and len(word) > 1 and not _DIGIT.search(word)
    return word, None, distinctive


@dataclass(frozen=True)
class NameWords:
    """What is left of a name to tell places apart: its distinctive words (folded), the
    numbers in it ("Budapest XXII" → 22), and whether it names a region or a town."""

    words: frozenset[str]
    numbers: frozenset[int]
    tier: str  # "region", "lokal" or "" when the name does not say
    spellings: tuple[tuple[str, str], ...]  # (folded word, as written, lower case)


@functools.lru_cache(maxsize=100_000)
def name_words(name: str) -> NameWords:
    """ "Budapest XXII – Budafok-Tétény" → budafok, budapest, teteny and 22. Words are
    compared folded (case, diacritics, punctuation); words with digits that are not a
    number, and single letters, count for nothing. A single "i", "v" or "x" is a number
    at the end of the name or before punctuation ("Budapest V", "Budapest I – Vár"), and
    otherwise a word like the "i" of "Företagarna i Växjö"."""
    words, numbers, spellings = set(), set(), {}
    regional = local = False
    text = unicodedata.normalize("NFC", name).casefold()
    matches = list(_WORD.finditer(text))
    for index, match in enumerate(matches):
        written = match.group()
        word, number, distinctive = _folded_word(written)
        if distinctive:
            words.add(word)
            # The spelling with diacritics is the one to show: "tetény", not "teteny".
            if spellings.get(word, word) == word:
                spellings[word] = written
            continue
        regional = regional or word in REGIONAL_WORDS
        local = local or word in LOCAL_WORDS
        if number is None and word in _ROMAN_VALUES:
            following = matches[index + 1].start() if index + 1 < len(matches) else None
            if following is None or text[match.end() : following].strip():
                number = _ROMAN_VALUES[word]
        if number is not None:
            numbers.add(number)
    tier = "region" if regional else "lokal" if local else ""
    return NameWords(frozenset(words), frozenset(numbers), tier, tuple(sorted(spellings.items())))


def _kind_family(kind: str) -> str:
    """Organisations of one family can be one organisation: a municipality and a region
    (the names' tier words tell them apart), and "annan" goes with any."""
    if kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.REGION):
        return "plats"
    return "" if kind == OrganisationKind.OTHER else kind


def _same_kind(first: str, second: str) -> bool:
    return not first or not second or first == second


def _same_place(smaller: NameWords, larger: NameWords) -> bool:
    """Whether two names whose words are equal, or the smaller's words (two or more)
    within the larger's, probably name one place. With one distinctive word the numbers
    and the tier must agree, a name that does not say being a town's ("Comune di Padova",
    "Padova"); with more, only numbers or tiers that both names give must agree
    ("Budapest XXII – Budafok-Tétény", "Budafok-Tétény (Budapest)")."""
    if len(smaller.words) < 2:
        return (
            smaller.words == larger.words
            and smaller.numbers == larger.numbers  # "Budapest XI" is a part of "Budapest"
            and (smaller.tier or "lokal") == (larger.tier or "lokal")  # "Kisumu County"
        )
    if smaller.numbers and larger.numbers and smaller.numbers != larger.numbers:
        return False  # "Budapest XXII – Budafok", "Budapest XI – Budafok"
    return not (smaller.tier and larger.tier and smaller.tier != larger.tier)


@remember_last
def _distinctive_word_groups(organisations, other_names) -> list[tuple[set[int], str]]:
    """same_distinctive_words before the user's scope: (organisation ids, detail) for each
    finding, remembered while the names stay the same. No queries."""
    # (country, words, numbers, tier, kind family) → {(organisation_id, name): is_former}
    groups: dict[tuple, dict[tuple[int, str], bool | None]] = defaultdict(dict)
    described: dict[tuple, NameWords] = {}
    for organisation_id, name, is_former in _names_of(organisations, other_names):
        words = name_words(name)
        if not words.words:
            continue
        _name, country_id, _country, kind = organisations[organisation_id]
        key = (country_id, words.words, words.numbers, words.tier, _kind_family(kind))
        groups[key][(organisation_id, name)] = is_former
        described.setdefault(key, words)
    by_word: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    by_words: dict[tuple[int, frozenset[str]], list[tuple]] = defaultdict(list)
    for key in groups:
        by_words[key[:2]].append(key)
        for word in key[1]:
            by_word[(key[0], word)].append(key)

    def candidates(key):
        """The other groups in the key's country whose words are the key's, or (for two
        words or more) include all of the key's."""
        country, words = key[0], key[1]
        if len(words) < 2:
            others = by_words[key[:2]]
        else:
            rarest = min(words, key=lambda word: len(by_word[(country, word)]))
            others = by_word[(country, rarest)]
        for other in others:
            if other != key and words <= other[1]:
                yield other

    found: dict[frozenset[int], tuple[NameWords, dict]] = {}

    def add(keys: tuple) -> None:
        names = {item: former for key in keys for item, former in groups[key].items()}
        ids = frozenset(organisation_id for organisation_id, _name in names)
        if len(ids) < 2:
            return  # one organisation's names
        shared = described[keys[0]]
        if ids not in found or len(shared.words) > len(found[ids][0].words):
            found[ids] = (shared, names)

    order = {key: index for index, key in enumerate(groups)}
    for key, names in groups.items():
        if len(names) > 1:
            add((key,))
        for other in candidates(key):
            if other[1] == key[1] and order[other] < order[key]:
                continue  # the same two groups, the other way round
            if _same_kind(key[4], other[4]) and _same_place(described[key], described[other]):
                add((key, other))

    # Leave out what duplicate_organisations finds: its clusters (the same computation,
    # remembered).
    clusters, _matched = _name_clusters(organisations, other_names)
    cluster_of = {pk: cluster for cluster, ids in clusters.items() for pk in ids}
    findings = []
    for ids, (shared, names) in found.items():
        if len({cluster_of.get(pk, -pk) for pk in ids}) == 1:
            continue  # all of them one finding of duplicate_organisations
        spellings = {}
        for key_words in (name_words(name) for (_pk, name) in names):
            for word, written in key_words.spellings:
                if word in shared.words and spellings.get(word, word) == word:
                    spellings[word] = written
        detail = "Samma särskiljande ord: " + ", ".join(
            spellings[word] for word in sorted(shared.words)
        )
        if any(is_former is not None for is_former in names.values()):
            # The records are named by their names; say which other name matched.
            detail += ". Namn: " + _quoted_names(organisations, names)
        findings.append((set(ids), detail))
    return findings


def same_distinctive_words(user) -> list[Finding]:
    """Organisations in one country whose names (other and former names included) have the
    same distinctive words, or where one name's distinctive words, two or more, are all in
    the other's: "Budapest XXII – Budafok-Tétény" and "Budafok-Tétény (Budapest)". Only
    organisations of one kind (a municipality or a region; "annan" with any): "University
    of Novi Sad" is not the city of Novi Sad. Those duplicate_organisations already finds
    are left out. Four queries: organisations, other names, scope (two).

    Names with the same words, numbers, tier and kind are one group (a dict lookup); a
    group whose words are within another's is found through an index from word to groups,
    starting from the rarest word, so that no name is compared with every other."""
    organisations, other_names = _organisation_names()
    findings = _distinctive_word_groups(organisations, other_names)
    return _organisation_findings(organisations, findings, user)


# ---------------------------------------------------------------------------
# 2. People with the same e-mail address


def _email_key(email: str) -> str:
    """What two addresses must share to be one: any case, no surrounding space. Compared
    in Python: casefold is not SQL's LOWER ("ß" is "ss", the Kelvin sign "k")."""
    return email.strip().casefold()


def people_with_same_email(user) -> list[Finding]:
    """Two contact people with one address (any case) are probably one person. Three
    queries: every address, the people who share one, scope. Of the twenty thousand
    addresses only the first holder of each is kept until a second one turns up (no list
    per address: fewer objects for the garbage collector to go through)."""
    first_holder: dict[str, int] = {}
    shared: set[int] = set()
    for pk, email in Person.objects.exclude(email="").order_by().values_list("pk", "email"):
        key = _email_key(email)
        holder = first_holder.setdefault(key, pk)
        if holder != pk:
            shared.add(holder)
            shared.add(pk)
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, name, email, organisation in (
        Person.objects.filter(pk__in=shared)
        .order_by("name", "pk")
        .values_list("pk", "name", "email", "organisation__name")
    ):
        label = f"{name}, {organisation}" if organisation else name
        groups[_email_key(email)].append((pk, label, email))
    candidate_ids = {pk for people in groups.values() for pk, _label, _email in people}
    in_scope = _ids_in_scope(editable(Person.objects.all(), user), candidate_ids, user)
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
    One query, which reads only the partner rows of a municipality, partner and kind that
    occur more than once (a window count): a few dozen of thousands."""
    groups: dict[tuple, dict[int, str]] = defaultdict(dict)
    partner_names: dict[tuple, str] = {}
    partners = editable(PartnershipParty.objects.filter(role=PartyRole.PARTNER), user)
    alike = Window(
        Count("pk"),
        partition_by=[
            F("partnership__municipality_id"),
            F("organisation_id"),
            F("partnership__kind"),
        ],
    )
    # The window over the narrow rows only; the names are joined to the few left.
    repeated = partners.annotate(rows_alike=alike).filter(rows_alike__gt=1).values("pk")
    for (
        partnership_id,
        name,
        kind,
        municipality_id,
        municipality,
        organisation_id,
        organisation,
    ) in (
        PartnershipParty.objects.filter(pk__in=repeated)
        .order_by("pk")
        .values_list(*_PARTY_FIELDS[:-1], "organisation_id", "organisation__name")
    ):
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


def _live_without_activity_level(user):
    today = timezone.localdate()
    return editable(Partnership.objects.live(on=today).filter(activity_level=""), user).exclude(
        start_date__gt=today
    )


def count_live_without_activity_level(user) -> int:
    """One COUNT query."""
    return _live_without_activity_level(user).count()


def live_without_activity_level(user, limit: int | None = None, offset: int = 0) -> list[Finding]:
    """Ongoing partnerships, and those with no known period, without an activity level.
    Planned ones have had no activity to judge. One query; `limit` from `offset`."""
    partnerships = (
        _live_without_activity_level(user)
        .select_related("municipality")
        .order_by(*Partnership._meta.ordering, "pk")
    )
    return [
        Finding(
            (_link(Partnership, partnership.pk, str(partnership)),),
            f"{partnership.status_display}, {partnership.period_display or 'period saknas'}",
        )
        for partnership in _page(partnerships, limit, offset)
    ]


def live_without_activity_level_links(user) -> list[BulkLink]:
    """The partnership change list with exactly the rule's partnerships, where the actions
    "Sätt aktivitetsgrad: …" set a level on all of them at once."""
    return [
        BulkLink(
            "Öppna dem i samarbetslistan och sätt aktivitetsgrad på alla",
            changelist_url(Partnership, status="levande", activity_level__exact=""),
        )
    ]


def ended_without_reason_or_date(user) -> list[Finding]:
    """Ended partnerships that do not say why they ended, or when. One query."""
    partnerships = editable(
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


def _not_reviewed_by_model(user, *, published_only: bool = True):
    """(model, its records that need review in the user's scope), one queryset per model;
    municipalities only with a published page unless not `published_only`."""
    for model in reviewed_models():
        if not (is_scoped(model) or is_national_editor(user)):
            continue  # a shared record is a national editor's to review
        records = model._default_manager.filter(needs_review_q())
        if model is Municipality and published_only:
            records = records.filter(is_published=True)
        yield model, editable(records, user)


@dataclass(frozen=True)
class NotReviewedCounts:
    """Records not reviewed for REVIEW_INTERVAL in a user's scope: `by_model` as the rule
    counts them (a municipality only when its page is published), by model label, and
    `municipality_pages`, every municipality page, published or not, as the admin front
    page's "Att granska" lists them."""

    by_model: dict[str, int]
    municipality_pages: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_model.values())


def not_reviewed_counts(user) -> NotReviewedCounts:
    """One COUNT query per reviewed model (the municipalities' two counts in one), once
    within shared_reads: the front page's "Att granska" and the rule share them."""
    reads = _report_reads.get()
    if reads is None:
        return _count_not_reviewed_by_model(user)
    if "not_reviewed_counts" not in reads:
        reads["not_reviewed_counts"] = _count_not_reviewed_by_model(user)
    return reads["not_reviewed_counts"]


def _count_not_reviewed_by_model(user) -> NotReviewedCounts:
    by_model, municipality_pages = {}, 0
    for model, records in _not_reviewed_by_model(user, published_only=False):
        if model is Municipality:
            found = records.aggregate(
                every=Count("pk"), published=Count("pk", filter=Q(is_published=True))
            )
            by_model[model._meta.label_lower] = found["published"]
            municipality_pages = found["every"]
        else:
            by_model[model._meta.label_lower] = records.count()
    return NotReviewedCounts(by_model, municipality_pages)


def count_not_reviewed(user) -> int:
    """One COUNT query per reviewed model."""
    return not_reviewed_counts(user).total


def not_reviewed(user, limit: int | None = None, offset: int = 0) -> list[Finding]:
    """Records never reviewed or last reviewed before REVIEW_INTERVAL, the longest unreviewed
    first within each kind; at most `limit`, from `offset`. A municipality only when its
    page is published. One query per reviewed model, and from `offset` one COUNT for each
    kind the offset passes into."""
    findings = []
    for model, records in _not_reviewed_by_model(user):
        if limit is not None and len(findings) >= limit:
            break
        if offset:
            skipped = records.count()
            if skipped <= offset:
                offset -= skipped
                continue
        records = records.order_by(
            F("reviewed_on").asc(nulls_first=True), *model._meta.ordering, "pk"
        )
        if any(field.name == "municipality" for field in model._meta.fields):
            records = records.select_related("municipality")
        records = _page(records, None if limit is None else limit - len(findings), offset)
        offset = 0
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


def not_reviewed_links(user) -> list[BulkLink]:
    """Each reviewed kind's change list filtered with NeedsReviewFilter (access.admin_base),
    municipalities to the published ones, as the rule counts them."""
    links = []
    for model in reviewed_models():
        if not (is_scoped(model) or is_national_editor(user)):
            continue
        filters = {"granskning": "behovs"}
        if model is Municipality:
            filters["is_published__exact"] = "1"
        kind = (
            "publicerade kommunsidor"
            if model is Municipality
            else str(model._meta.verbose_name_plural)
        )
        links.append(
            BulkLink(f"{kind.capitalize()} som behöver granskas", changelist_url(model, **filters))
        )
    return links


# ---------------------------------------------------------------------------
# 6. Contact people


def published_without_contact(user) -> list[Finding]:
    """Published municipality pages with nobody to contact. One query."""
    municipalities = editable(
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


def _contacts_without_email_or_phone(user):
    return editable(
        Person.objects.filter(email="").filter(Q(phone="") | Q(phone__isnull=True)), user
    )


def count_contacts_without_email_or_phone(user) -> int:
    """One COUNT query."""
    return _contacts_without_email_or_phone(user).count()


def contacts_without_email_or_phone(
    user, limit: int | None = None, offset: int = 0
) -> list[Finding]:
    """Contact people with neither e-mail nor phone, by name. One query; `limit` from
    `offset`."""
    people = (
        _contacts_without_email_or_phone(user)
        .select_related("organisation")
        .order_by(*Person._meta.ordering, "pk")
    )
    return [
        Finding(
            (_link(Person, person.pk, person.name),),
            str(person.organisation) if person.organisation else "",
        )
        for person in _page(people, limit, offset)
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
        return lambda user: editable(model.objects.all(), user)

    return [
        (Municipality, "website", scoped(Municipality), lambda record: record.public_name),
        (Organisation, "website", linked_organisations, str),
        (
            Project,
            "website",
            lambda user: editable(Project.objects.select_related("municipality"), user),
            _review_label,
        ),
        (Network, "website", linked_networks, str),
        (
            Story,
            "url",
            lambda user: editable(Story.objects.select_related("municipality"), user),
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
        one="trolig dubblett bland organisationer",
        many="troliga dubbletter bland organisationer",
        record_heading="Organisationer",
        detail_heading="Namn som liknar varandra",
    ),
    Rule(
        "samma-sarskiljande-ord",
        "Organisationer med samma särskiljande ord i namnet",
        "Organisationer i samma land vars namn har samma särskiljande ord, fast namnen inte "
        "är lika: ”Budapest XXII – Budafok-Tétény” och ”Budafok-Tétény (Budapest)”. Ord som "
        "”kommun”, ”City”, ”Region” och ”of”, siffror och romerska siffror räknas inte, men "
        "två namn med olika nummer (”Budapest XI”, ”Budapest XXII”) är olika platser, och "
        "en region är inte samma sak som en stad med samma namn. Bara organisationer av "
        "samma typ jämförs (kommun eller region med varandra, ”Annan organisation” med alla). "
        "Är de samma organisation, "
        "slå ihop dem; annars behöver du inte göra något.",
        same_distinctive_words,
        one="trolig dubblett med samma särskiljande ord",
        many="troliga dubbletter med samma särskiljande ord",
        record_heading="Organisationer",
        detail_heading="Varför",
    ),
    Rule(
        "samma-e-post",
        "Kontaktpersoner med samma e-postadress",
        "En person ska bara finnas en gång. Personer med samma e-postadress (oavsett "
        "stora och små bokstäver) är troligen samma person: behåll en och koppla den överallt.",
        people_with_same_email,
        one="e-postadress delas av flera kontaktpersoner",
        many="e-postadresser delas av flera kontaktpersoner",
        record_heading="Kontaktpersoner",
        detail_heading="Gemensam e-postadress",
    ),
    Rule(
        "samma-par-tva-ganger",
        "Samma samarbete registrerat två gånger",
        "Två samarbeten av samma slag mellan samma kommun och samma partner. Ta bort det ena "
        "eller flytta uppgifterna till det andra.",
        same_pair_twice,
        one="samarbete är registrerat två gånger",
        many="samarbeten är registrerade två gånger",
        record_heading="Samarbeten",
    ),
    Rule(
        "fran-bada-hall",
        "Samarbeten mellan svenska kommuner registrerade från båda hållen",
        "Ett samarbete mellan två svenska kommuner ska vara en post som visas på båda "
        "kommunernas sidor, aldrig två som kan säga olika saker. Slå ihop dem för hand "
        "tillsammans med den andra kommunen.",
        registered_from_both_sides,
        one="samarbete mellan svenska kommuner är registrerat från båda hållen",
        many="samarbeten mellan svenska kommuner är registrerade från båda hållen",
        record_heading="Samarbeten",
    ),
    Rule(
        "saknar-aktivitetsgrad",
        "Pågående samarbeten utan aktivitetsgrad",
        "Pågående vänorter och samarbeten, och de utan känd period, ska ange hur aktiva de "
        "är: aktiv, sporadisk eller vilande.",
        live_without_activity_level,
        one="pågående samarbete saknar aktivitetsgrad",
        many="pågående samarbeten saknar aktivitetsgrad",
        record_heading="Samarbete",
        detail_heading="Status och period",
        count=count_live_without_activity_level,
        bulk_links=live_without_activity_level_links,
    ),
    Rule(
        "avslutade-utan-orsak",
        "Avslutade samarbeten utan orsak eller slutdatum",
        "Ett avslutat samarbete ska säga varför det upphörde och när.",
        ended_without_reason_or_date,
        one="avslutat samarbete saknar orsak eller slutdatum",
        many="avslutade samarbeten saknar orsak eller slutdatum",
        record_heading="Samarbete",
        detail_heading="Vad som saknas",
    ),
    Rule(
        "inte-granskade",
        "Inte granskade på 12 månader",
        "Publicerade kommunsidor, samarbeten och projekt som aldrig har granskats eller inte "
        "har granskats det senaste året. Granska posten och markera den som granskad.",
        not_reviewed,
        one="post har inte granskats på 12 månader",
        many="poster har inte granskats på 12 månader",
        detail_heading="Typ",
        date_heading="Senast granskad",
        count=count_not_reviewed,
        bulk_links=not_reviewed_links,
    ),
    Rule(
        "sidor-utan-kontaktperson",
        "Publicerade kommunsidor utan kontaktperson",
        "Varje publicerad kommunsida ska ha minst en kontaktperson.",
        published_without_contact,
        one="publicerad kommunsida saknar kontaktperson",
        many="publicerade kommunsidor saknar kontaktperson",
        record_heading="Kommun",
    ),
    Rule(
        "kontakter-utan-e-post-och-telefon",
        "Kontaktpersoner utan e-post och telefon",
        "En kontaktperson utan både e-postadress och telefonnummer går inte att kontakta.",
        contacts_without_email_or_phone,
        one="kontaktperson saknar både e-post och telefon",
        many="kontaktpersoner saknar både e-post och telefon",
        record_heading="Kontaktperson",
        detail_heading="Organisation",
        count=count_contacts_without_email_or_phone,
    ),
    Rule(
        "trasiga-lankar",
        "Webbadresser som svarar med fel",
        "Webbplatser som inte svarade som de ska vid den senaste länkkontrollen "
        "(manage.py check_links). Rätta eller ta bort adressen.",
        broken_links,
        one="webbadress svarar med fel",
        many="webbadresser svarar med fel",
        detail_heading="Adress och svar",
        date_heading="Kontrollerad",
    ),
)


RULES_BY_SLUG = {rule.slug: rule for rule in RULES}


@contextlib.contextmanager
def shared_reads():
    """Within it, what more than one rule needs (for one user) is read once: the
    organisations' names, the not reviewed counts. Nested, the outermost one counts."""
    if _report_reads.get() is not None:
        yield
        return
    reading = _report_reads.set({})
    try:
        yield
    finally:
        _report_reads.reset(reading)


def quality_report(user, *, limit: int | None = None, counts_only: bool = False):
    """Every rule's findings in the user's scope. A rule with its own `count` is counted
    in the database, and builds at most `limit` findings (none with `counts_only`)."""
    results = []
    with shared_reads():
        for rule in RULES:
            if rule.count is None:
                results.append(RuleResult(rule, rule.find(user)))
            else:
                findings = [] if counts_only else rule.find(user, limit=limit)
                results.append(RuleResult(rule, findings, total=rule.count(user)))
    return results
