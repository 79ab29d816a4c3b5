"""Content-Security-Policy for every response (Django 5.2 has none built in; 6.0 will).

The policy is a dict of directive to sources in settings.CONTENT_SECURITY_POLICY; paths that
start with one of settings.CSP_RELAXED_PATHS (the admin) get CONTENT_SECURITY_POLICY_RELAXED.
A response that already carries the header (set by a view) keeps its own.
"""

from django.conf import settings

HEADER = "Content-Security-Policy"


def policy_header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def policy_for_path(path: str) -> str:
    if any(path.startswith(prefix) for prefix in settings.CSP_RELAXED_PATHS):
        return policy_header(settings.CONTENT_SECURITY_POLICY_RELAXED)
    return policy_header(settings.CONTENT_SECURITY_POLICY)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy_for_path(request.path)
        return response
