from django.shortcuts import get_object_or_404, render

from public.listing import PublicListView
from public.projects.filters import ProjectFilter, StoryFilter
from public.selectors import project_list_queryset, project_queryset, story_queryset
from public.structured_data import project_data


class ProjectListView(PublicListView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    nav = "projekt"
    heading = "Projekt"
    download_url_name = "projects:download"
    row_template = "projects/includes/project_row.html"
    row_kind = "project"

    def get_queryset(self):
        return project_list_queryset().order_by("-start_date", "title")


def project_detail(request, slug):
    project = get_object_or_404(project_queryset(), slug=slug)
    return render(
        request,
        "projects/project_detail.html",
        {"project": project, "structured_data": project_data(request, project), "nav": "projekt"},
    )


class StoryListView(PublicListView):
    filterset_class = StoryFilter
    template_name = "projects/story_list.html"
    nav = "berattelser"
    heading = "Berättelser"

    def get_queryset(self):
        return story_queryset().order_by("initiative__name", "order", "title")
