from rest_framework.negotiation import BaseContentNegotiation


class AlwaysJSON(BaseContentNegotiation):
    """The API speaks JSON only, whatever the Accept header says.

    A response is cached by path (operations/page_cache.py), not by Accept, so every client
    must get the same answer; refusing `Accept: text/html` with 406 would make the cached
    and the fresh answer differ.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type
