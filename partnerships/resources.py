from import_export import resources

from partnerships.models import Partnership


class PartnershipResource(resources.ModelResource):
    class Meta:
        model = Partnership
