"""What every admin page of the portal shares: the municipality scope (access.scoping),
history with revert (django-simple-history), review and publishing actions."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.text import smart_split, unescape_string_literal
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, conditional_str

from access.scoping import ask_confirmation, can_edit, can_view, editable, is_scoped, visible
from portal.formatting import swedish_date
from portal.parties import PartyRowMixin
from portal.review import needs_review_q


class ScopedQuerysetMixin:
    """Rows and choices narrowed to the user's municipalities. For ModelAdmin and inlines."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete" and is_scoped(self.model):
            # The autocomplete offers choices to write into a form: what the user may change
            # (a record they only take part in is read-only to them, not a parent to pick).
            return editable(queryset, request.user)
        return visible(queryset, request.user)

    def scoped_choices(self, db_field, request):
        """Choices to write: what the user may change, not all they may read."""
        model = db_field.related_model
        if not is_scoped(model):
            return None
        return editable(model._default_manager.all(), request.user)

    def _with_scoped_choices(self, db_field, request, kwargs: dict) -> dict:
        if "queryset" not in kwargs:
            choices = self.scoped_choices(db_field, request)
            if choices is not None:
                kwargs["queryset"] = choices
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._with_scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._with_scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedQuerysetMixin):
    """Another municipality's record answers 404 by URL (its versions too) and 403 on its
    history page."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Posten finns inte eller hör inte till dina kommuner.")
        return obj

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_view(obj, request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit(obj, request.user))


class IdsFirstChangeList(ChangeList):
    """A change list that finds its page in two steps: first the page's ids, sorted
    without the columns and joins of `list_select_related`, then those rows with them.
    Sorting 175 000 project participants joined to their projects' texts is what made the
    big lists slow; the page, its order and its rows are the same."""

    def get_results(self, request):
        super().get_results(request)
        if self.show_all and self.can_show_all or not self.multi_page:
            return
        ids = list(self.result_list.values_list("pk", flat=True))
        # The ids are the page of the filtered, searched list: only the user's scope and
        # the order remain to apply.
        page = self.apply_select_related(self.root_queryset.filter(pk__in=ids))
        self.result_list = page.order_by(*self.queryset.query.order_by)


#: The search_fields prefixes Django's admin knows, and the lookups they stand for.
SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "search"}


class RelatedSearchMixin:
    """Django's change-list search, finding the same rows, with the fields of other models
    ("participants__name", "organisation__name") each searched in a subquery of its own
    (`pk__in`) instead of joining those tables into the change list: a search through
    175 000 project participants then needs no DISTINCT, and every field can use its own
    index. Search fields that name their lookup are left to Django."""

    def _search_lookup(self, field_name: str) -> tuple[str, bool] | None:
        """(the ORM lookup, whether it follows a relation), or None for a field that
        names its own lookup."""
        lookup = "icontains"
        if field_name[:1] in SEARCH_PREFIXES:
            lookup, field_name = SEARCH_PREFIXES[field_name[0]], field_name[1:]
        opts = self.model._meta
        parts = field_name.split(LOOKUP_SEP)
        for part in parts:
            try:
                field = opts.get_field(opts.pk.name if part == "pk" else part)
            except FieldDoesNotExist:
                return None
            if hasattr(field, "path_infos"):
                opts = field.path_infos[-1].to_opts
        return f"{field_name}{LOOKUP_SEP}{lookup}", len(parts) > 1

    def get_search_results(self, request, queryset, search_term):
        lookups = [self._search_lookup(str(name)) for name in self.get_search_fields(request)]
        if not search_term or not lookups or None in lookups:
            return super().get_search_results(request, queryset, search_term)
        own = [lookup for lookup, related in lookups if not related]
        related = [lookup for lookup, related in lookups if related]
        if not related:
            return super().get_search_results(request, queryset, search_term)
        term_queries = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            alternatives = [(lookup, bit) for lookup in own]
            alternatives += [self._related_search_q(lookup, bit) for lookup in related]
            term_queries.append(Q.create(alternatives, connector=Q.OR))
        return queryset.filter(Q.create(term_queries)), False

    def _related_search_q(self, lookup: str, bit: str) -> Q:
        """The other table is searched alone, and only the ids that match are carried
        over: "organisation_id IN (organisations by that name)", "id IN (the projects
        of the participants by that name)"."""
        first, rest = lookup.split(LOOKUP_SEP, 1)
        field = self.model._meta.get_field(first)
        related = field.related_model
        if field.concrete and (field.many_to_one or field.one_to_one):
            matching = related._base_manager.filter(**{rest: bit})
            return Q(**{f"{first}__in": matching.values(field.target_field.name)})
        if field.concrete and field.many_to_many:
            matching = related._base_manager.filter(**{rest: bit}).values("pk")
            links = field.remote_field.through._base_manager.filter(
                **{f"{field.m2m_reverse_field_name()}__in": matching}
            )
            return Q(pk__in=links.values(field.m2m_field_name()))
        if field.one_to_many and field.field.target_field.primary_key:
            matching = related._base_manager.filter(**{rest: bit})
            return Q(pk__in=matching.values(field.field.name))
        return Q(pk__in=self.model._base_manager.filter(**{lookup: bit}).values("pk"))


class SwedishHistoryHelper(HistoricalRecordContextHelper):
    """A history's changes as a reader would write them: a list as its names, an empty
    value as "–" (not "[]" or "None"), yes and no, dates in Swedish."""

    def stringify_delta_change_values(self, change, old, new):
        def text(value) -> str:
            if value is None or value == "" or value == []:
                return "–"
            if isinstance(value, bool):
                return "ja" if value else "nej"
            if isinstance(value, datetime.date):
                return swedish_date(value)
            if isinstance(value, list):
                return ", ".join(text(item) for item in value)
            return conditional_str(value)

        old_short, new_short = self.get_obj_diff_display().common_shorten_repr(text(old), text(new))
        return conditional_escape(old_short), conditional_escape(new_short)


class PortalAdmin(RelatedSearchMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    """The base of the portal's ModelAdmins: scoped, with history and revert, searching
    other models' fields in subqueries, and change lists paged by their ids first."""

    def get_historical_record_context_helper(self, request, historical_record):
        return SwedishHistoryHelper(self.model, historical_record)

    def get_changelist(self, request, **kwargs):
        return IdsFirstChangeList

    class Media:
        js = ["js/admin-a11y.js"]
        css = {"all": ["css/admin.css"]}

    # The history page lists each version's changes by the fields' Swedish names, old → new
    # (simple-history's own "Ändringar" column). Each row compares itself with the version
    # before it, so pages are short.
    history_list_per_page = 25

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history judges the old version by its own data; the record as it is now
        must be the user's too, or a version from before it moved to another municipality
        would let its old coordinator read it and move it back."""
        current = self.get_object(request, unquote(object_id))  # 404 outside the scope
        if request.method == "POST":
            allowed = self.has_change_permission(request, current)
        else:
            allowed = self.has_view_permission(request, current)
        if not allowed:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "granskning"
    parameter_name = "granskning"

    def lookups(self, request, model_admin):
        return [("behovs", "Behöver granskas"), ("aktuell", "Granskad senaste året")]

    def queryset(self, request, queryset):
        if self.value() == "behovs":
            return queryset.filter(needs_review_q())
        if self.value() == "aktuell":
            return queryset.exclude(needs_review_q())
        return queryset


def reviewer_name(user) -> str:
    return user.get_full_name() or user.get_username()


class ReviewAdminMixin:
    """ "Markera som granskad": today's date and the reviewer's name on each chosen record."""

    @admin.action(description="Markera som granskad", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        rows = editable(queryset, request.user)
        today: datetime.date = timezone.localdate()
        count = 0
        for obj in rows:
            obj.reviewed_on = today
            obj.reviewed_by = reviewer_name(request.user)
            obj._change_reason = "Markerad som granskad"
            obj.save(update_fields=["reviewed_on", "reviewed_by", "updated_at"])
            count += 1
        self.message_user(request, f"{count} markerade som granskade {today:%Y-%m-%d}.")


class PublishAdminMixin:
    """Publishing is a deliberate step: new records are drafts until published."""

    def _set_published(self, request, queryset, published: bool, reason: str) -> int:
        count = 0
        for obj in editable(queryset, request.user).filter(is_published=not published):
            obj.is_published = published
            obj._change_reason = reason
            obj.save()
            count += 1
        return count

    @admin.action(description="Publicera", permissions=["change"])
    def publish(self, request, queryset):
        count = self._set_published(request, queryset, True, "Publicerad")
        self.message_user(request, f"{count} publicerade.", messages.SUCCESS)

    @admin.action(description="Gör till utkast (avpublicera)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = self._set_published(request, queryset, False, "Gjord till utkast")
        self.message_user(request, f"{count} gjorda till utkast.", messages.SUCCESS)


class SwedishPartiesAdminMixin:
    """For the partnership and project admins: a Swedish municipality or region named as a
    party by someone who does not coordinate it waits for its coordinators' word
    (portal.parties, the admin page "Att bekräfta")."""

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            row = inline_form.instance
            if not isinstance(row, PartyRowMixin) or not inline_form.has_changed():
                continue
            if row.pk is None or "organisation" in inline_form.changed_data:
                ask_confirmation(row, request.user)
        super().save_formset(request, form, formset, change)


class PartyRowAdminMixin:
    """For the admins of party rows themselves (PartnershipParty, ProjectParticipant): the
    same rule as in the inlines; whether a row waits is never typed."""

    readonly_fields = ["awaiting_confirmation"]

    def save_model(self, request, obj, form, change):
        moved = {"organisation", obj.record_field} & set(form.changed_data)
        if not change or moved:
            ask_confirmation(obj, request.user)
        super().save_model(request, obj, form, change)
