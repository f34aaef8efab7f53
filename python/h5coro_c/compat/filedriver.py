"""FileDriver: a local path (read by the core with pread)."""
from ._driver import Driver


class FileDriver(Driver):
    def url(self):
        return self.resource
