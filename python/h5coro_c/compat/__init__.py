"""The h5coro seed's Python API over libh5coro: change one import,

    from h5coro_c.compat import h5coro, s3driver      # was: from h5coro import ...

and H5Coro(...).readDatasets(...) / .list(...) run on the C core (every
dataset of one call in one h5c_read_many plan). What differs from the
seed is listed in the README ("Python")."""
from . import filedriver, h5coro, s3driver, webdriver

__all__ = ["h5coro", "s3driver", "filedriver", "webdriver"]
