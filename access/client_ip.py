"""The client address that django-axes locks out (settings.AXES_CLIENT_IP_CALLABLE).

Behind TRUSTED_PROXY_COUNT reverse proxies, each of which appends the address it
received the request from to X-Forwarded-For (nginx: ``$proxy_add_x_forwarded_for``),
the header reads ``<whatever the client sent>, <client>, <proxy 1>, …`` and the client
is the entry TRUSTED_PROXY_COUNT places from the right: the one the outermost proxy
wrote. Everything to the left of it came from the client and is ignored, so a client
cannot choose its address by sending the header itself. Without a proxy (0) the header
is ignored entirely and the address is the one the connection came from (REMOTE_ADDR).

django-ipware is deliberately not used: its proxy count describes the exact length of
the chain, so an honest request (one entry) and one with a forged entry (two) cannot
both be read right, and its lenient parser lets an unclosed quote in the forged part
swallow the entry the proxy appended.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def parse_ip(value: str | None) -> str | None:
    """A valid IP address in canonical form, or None. IPv4-mapped IPv6 becomes IPv4."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote_addr = parse_ip(request.META.get("REMOTE_ADDR"))
    if proxies < 1:
        return remote_addr
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < proxies:
        # Not through every trusted proxy (the header is missing or too short), so
        # the connection's own address is the best there is.
        return remote_addr
    return parse_ip(hops[-proxies]) or remote_addr
