"""S3Driver: resource "bucket/key" (as the seed), read through the core's
S3 client (SigV4, the AWS credential chain, pooled connections)."""
from ._driver import Driver
from ..errors import ArgumentError

# the seed's credential dict keys; "annon" (sic) is the seed's anonymous flag
_KEY_SETS = (("aws_access_key_id", "aws_secret_access_key"), ("accessKeyId", "secretAccessKey"))


class S3Driver(Driver):
    def url(self):
        return "s3://" + self.resource.strip("/")

    def options(self):
        c = self.credentials
        if not isinstance(c, dict):
            raise ArgumentError("S3Driver credentials must be a dict, got %s" % type(c).__name__, 1)
        if c.get("annon") or c.get("anonymous"):
            return {"anonymous": True}
        if c.get("role"):
            return {}                          # the environment's chain (instance role, ...)
        if "profile" in c:
            return {"profile": c["profile"]}
        for ak, sk in _KEY_SETS:
            if ak in c and sk in c:
                return {"credentials": dict(c)}
        if c:
            raise ArgumentError("invalid credential keys %s, looking for: aws_access_key_id, "
                                "aws_secret_access_key, and aws_session_token" % sorted(c), 1)
        return {}
