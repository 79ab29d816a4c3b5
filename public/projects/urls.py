from django.urls import path

from public.projects import views
from public.projects.downloads import ProjectDownloadView

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    ProjectDownloadView.urlpattern(),
    path("<slug:slug>/", views.project_detail, name="detail"),
]

story_urlpatterns = (
    [path("", views.StoryListView.as_view(), name="list")],
    "stories",
)
