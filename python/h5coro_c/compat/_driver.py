"""What the compat drivers share: a driver only names the resource for
h5coro_c.File (URL and options); the C core does the I/O."""


class Driver:
    def __init__(self, resource, credentials=None):
        self.resource = resource
        self.credentials = credentials if credentials is not None else {}

    def url(self):
        raise NotImplementedError

    def options(self):
        """h5coro_c.File keyword options implied by the credentials."""
        return {}

    def close(self):
        """The seed's drivers hold sockets or a file; here the File does."""
