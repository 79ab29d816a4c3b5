from import_export import resources

from networks.models import Membership


class MembershipResource(resources.ModelResource):
    class Meta:
        model = Membership
