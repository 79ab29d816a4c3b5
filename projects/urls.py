from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("<slug:slug>/", views.project_detail, name="detail"),
]

story_urlpatterns = (
    [path("", views.StoryListView.as_view(), name="list")],
    "stories",
)
