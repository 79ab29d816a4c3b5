from import_export import resources

from contacts.models import Person


class PersonResource(resources.ModelResource):
    class Meta:
        model = Person
