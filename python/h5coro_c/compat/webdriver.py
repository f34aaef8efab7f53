"""HTTPDriver: an http(s):// URL, read with ranged GETs by the core."""
from ._driver import Driver
from ..errors import UnsupportedError


class HTTPDriver(Driver):
    def url(self):
        return self.resource

    def options(self):
        if isinstance(self.credentials, str) and self.credentials:
            # the seed sends it as "Authorization: Bearer"; the core has no
            # header option yet: fail rather than read anonymously
            raise UnsupportedError("unsupported: HTTPDriver bearer-token credentials (the C core sends no "
                                   "Authorization header); use a pre-signed URL", 5)
        return {}
