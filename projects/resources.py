from import_export import resources

from projects.models import Project


class ProjectResource(resources.ModelResource):
    class Meta:
        model = Project
