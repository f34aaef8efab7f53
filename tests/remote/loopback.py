"""Loopback stand-ins for S3, STS, ECS and EC2 instance metadata.

One threaded HTTP/1.1 server (keep-alive) on 127.0.0.1:

* S3 (GET/HEAD /bucket/key path-style, or Host: bucket.localhost:PORT
  virtual-hosted) serving files from directories, with Range, ETag and
  If-Match. Every signed request is VERIFIED with botocore's own SigV4
  signer (S3SigV4Auth) over the method, path, query and the headers the
  client says it signed; a bad signature gets 403 SignatureDoesNotMatch.
  Session tokens must match the ones issued with the keys.
* STS: GET /?Action=AssumeRoleWithWebIdentity -> XML credentials.
* ECS: GET /ecs/creds -> JSON credentials.
* IMDSv2: PUT /latest/api/token, then the role name and the credentials.
* Faults ("fault proxy" mode): a queue of faults applied to the next data
  GETs: latency, reset, 503 SlowDown, 500, truncated body, changed ETag,
  200 instead of 206, HTML error page, wrong Content-Range, hang (no
  response for 5 s), stall (half the body, then nothing for 5 s), trickle
  (the body in 64 pieces, 5 ms apart), 403, 404, 301/307 redirects
  (Location: the same URL; 301 with S3's PermanentRedirect body).
"""
import hashlib
import http.server
import os
import socket
import socketserver
import threading
import time
import urllib.parse
from email.utils import formatdate

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def xml_error(code, message):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>0</RequestId></Error>' % (code, message)).encode()


class State:
    def __init__(self):
        self.buckets = {}          # name -> {"dir":, "public": bool, "payer": bool}
        self.keys = {}             # access key id -> (secret, token or None)
        self.faults = []           # faults for the next data GETs
        self.lock = threading.Lock()
        self.log = []              # dicts: method, path, headers, status
        self.etag_override = {}    # object path -> etag string
        self.web_identity_token = "web-identity-token-value"
        self.role_arn = "arn:aws:iam::123456789012:role/h5coro-test"
        self.imds_token = "imds-session-token"
        self.issued = {}           # source -> (akid, secret, token)
        self.expiry = "2099-01-01T00:00:00Z"
        self.counts = {"sts": 0, "ecs": 0, "imds": 0}

    def issue(self, source):
        n = len(self.keys)
        akid = "ASIA%sTEST%04d" % (source.upper()[:4], n)
        secret = "secret/%s+%d" % (source, n)
        token = "token-%s-%d/with+chars=" % (source, n)
        self.keys[akid] = (secret, token)
        self.issued[source] = (akid, secret, token)
        with self.lock:
            self.counts[source] += 1
        return akid, secret, token

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    @property
    def st(self):
        return self.server.state

    def send(self, status, body=b"", headers=None, ctype="application/xml"):
        self.send_response(status)
        hs = {"Content-Type": ctype, "Content-Length": str(len(body))}
        hs.update(headers or {})
        for k, v in hs.items():
            self.send_header(k, v)
        self.end_headers()
        self.record(status)
        if self.command != "HEAD":
            self.wfile.write(body)

    def partial_head(self, headers, content_range, length):
        """The head of a 206 whose body the caller then writes (or cuts
        short, or stalls in): the faults that break a body mid-way."""
        self.send_response(206)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Range", content_range)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.record(206)

    def record(self, status):
        with self.st.lock:
            self.st.log.append({"method": self.command, "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "status": status})

    # ---- credential stand-ins -------------------------------------------
    def sts(self, q):
        if q.get("Action") != "AssumeRoleWithWebIdentity":
            return self.send(400, xml_error("InvalidAction", "bad action"))
        if q.get("WebIdentityToken") != self.st.web_identity_token or q.get("RoleArn") != self.st.role_arn:
            return self.send(403, xml_error("AccessDenied", "bad web identity"))
        akid, secret, token = self.st.issue("sts")
        body = ("<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                "<AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                "<SessionToken>%s</SessionToken><Expiration>%s</Expiration>"
                "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
                % (akid, secret, token, self.st.expiry)).encode()
        self.send(200, body, ctype="text/xml")

    def json_creds(self, source):
        akid, secret, token = self.st.issue(source)
        body = ('{"Code": "Success", "AccessKeyId": "%s", "SecretAccessKey": "%s", "Token": "%s", '
                '"Expiration": "%s", "RoleArn": "x"}' % (akid, secret, token, self.st.expiry)).encode()
        self.send(200, body, ctype="application/json")

    def imds(self, path):
        if self.command == "PUT" and path == "/latest/api/token":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.send(400, b"missing ttl", ctype="text/plain")
            return self.send(200, self.st.imds_token.encode(), ctype="text/plain")
        if self.headers.get("X-aws-ec2-metadata-token") != self.st.imds_token:
            return self.send(401, b"", ctype="text/plain")
        base = "/latest/meta-data/iam/security-credentials/"
        if path == base:
            return self.send(200, b"h5coro-role", ctype="text/plain")
        if path == base + "h5coro-role":
            return self.json_creds("imds")
        self.send(404, b"", ctype="text/plain")

    # ---- S3 ----------------------------------------------------------------
    def verify(self, bucket):
        """None when the request may proceed, else (status, code, message)."""
        auth = self.headers.get("Authorization")
        if not auth:
            if self.st.buckets[bucket].get("public"):
                return None
            return (403, "AccessDenied", "Anonymous access denied")
        try:
            scheme, rest = auth.split(" ", 1)
            parts = dict(p.strip().split("=", 1) for p in rest.split(","))
            akid, date, region, service, term = parts["Credential"].split("/")
            signed = parts["SignedHeaders"].split(";")
            given = parts["Signature"]
        except Exception:
            return (400, "AuthorizationHeaderMalformed", "bad Authorization header")
        if scheme != "AWS4-HMAC-SHA256" or service != "s3" or term != "aws4_request":
            return (400, "AuthorizationHeaderMalformed", "bad scope")
        if akid not in self.st.keys:
            return (403, "InvalidAccessKeyId", "unknown key")
        secret, token = self.st.keys[akid]
        if "host" not in signed or "x-amz-date" not in signed:
            return (403, "AccessDenied", "host and x-amz-date must be signed")
        if token is not None:
            if "x-amz-security-token" not in signed or self.headers.get("x-amz-security-token") != token:
                return (403, "InvalidToken", "missing or wrong session token")
        amz_date = self.headers.get("x-amz-date", "")
        if amz_date[:8] != date:
            return (403, "SignatureDoesNotMatch", "date mismatch")
        headers = {}
        for h in signed:
            v = self.headers.get(h)
            if v is None:
                return (403, "SignatureDoesNotMatch", "signed header %s missing" % h)
            headers[h] = v
        req = AWSRequest(method=self.command, url="http://%s%s" % (self.headers.get("Host"), self.path),
                         headers=headers)
        req.context["timestamp"] = amz_date
        signer = S3SigV4Auth(Credentials(akid, secret, token), "s3", region)
        creq = signer.canonical_request(req)
        sts = signer.string_to_sign(req, creq)
        expected = signer.signature(sts, req)
        if expected != given:
            self.server.bad_signatures += 1
            return (403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided.")
        if self.st.buckets[bucket].get("payer") and self.headers.get("x-amz-request-payer") != "requester":
            return (403, "AccessDenied", "requester pays bucket")
        return None

    def locate(self):
        u = urllib.parse.urlsplit(self.path)
        host = (self.headers.get("Host") or "").split(":")[0]
        path = urllib.parse.unquote(u.path)
        if host.endswith(".localhost"):
            bucket, key = host[: -len(".localhost")], path.lstrip("/")
        else:
            bucket, _, key = path.lstrip("/").partition("/")
        return bucket, key

    def do_PUT(self):
        if self.path.startswith("/latest/"):
            return self.imds(urllib.parse.urlsplit(self.path).path)
        self.send(405, xml_error("MethodNotAllowed", "read only"))

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if u.path == "/" and "Action" in q:
            return self.sts(q)
        if u.path == "/ecs/creds":
            if self.server.ecs_auth and self.headers.get("Authorization") != self.server.ecs_auth:
                return self.send(401, b"{}", ctype="application/json")
            return self.json_creds("ecs")
        if u.path.startswith("/latest/"):
            return self.imds(u.path)
        bucket, key = self.locate()
        if bucket not in self.st.buckets:
            return self.send(404, xml_error("NoSuchBucket", "The specified bucket does not exist"))
        bad = self.verify(bucket)
        if bad:
            return self.send(bad[0], xml_error(bad[1], bad[2]))
        fpath = os.path.join(self.st.buckets[bucket]["dir"], key)
        if not key or ".." in key.split("/") or not os.path.isfile(fpath):
            return self.send(404, xml_error("NoSuchKey", "The specified key does not exist."))
        with open(fpath, "rb") as f:
            data = f.read()
        etag = self.st.etag_override.get(bucket + "/" + key, '"%s"' % hashlib.md5(data).hexdigest())
        fault = self.st.next_fault() if self.command == "GET" else None
        self.serve(data, etag, fault)

    def serve(self, data, etag, fault):
        size = len(data)
        if fault and fault.startswith("latency"):
            time.sleep(float(fault.split(":")[1]) if ":" in fault else 0.3)
            fault = None
        if fault == "hang":
            time.sleep(5)
            fault = None
        if fault == "reset":
            self.record(0)
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            return
        if fault == "403":
            return self.send(403, xml_error("AccessDenied", "Access Denied"))
        if fault == "404":
            return self.send(404, xml_error("NoSuchKey", "The specified key does not exist."))
        if fault in ("301", "307"):
            loc = "http://%s%s" % (self.headers.get("Host"), self.path)
            body = (xml_error("PermanentRedirect", "The bucket you are attempting to access must be addressed"
                              " using the specified endpoint.") if fault == "301" else
                    xml_error("TemporaryRedirect", "Please re-send this request to the specified temporary endpoint."))
            return self.send(int(fault), body, {"Location": loc})
        if fault == "503":
            return self.send(503, xml_error("SlowDown", "Please reduce your request rate."))
        if fault == "500":
            return self.send(500, xml_error("InternalError", "We encountered an internal error."))
        if fault == "html":
            return self.send(200, b"<html><body><h1>Gateway error</h1></body></html>", ctype="text/html")
        if fault == "html502":
            return self.send(502, b"<html><body>Bad gateway</body></html>", ctype="text/html")
        if fault in ("etag", "etag-noim"):
            etag = '"changed-%s"' % hashlib.md5(data).hexdigest()[:8]
        im = self.headers.get("If-Match")
        if im is not None and im != etag and fault != "etag-noim":  # s3rver ignores If-Match
            return self.send(412, xml_error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))
        rng = self.headers.get("Range")
        common = {"ETag": etag, "Last-Modified": formatdate(usegmt=True), "Accept-Ranges": "bytes"}
        if not rng or fault == "200":
            return self.send(200, data, common, ctype="application/octet-stream")
        try:
            unit, spec = rng.split("=", 1)
            a, b = spec.split("-", 1)
            a = int(a)
            b = min(int(b) if b else size - 1, size - 1)
            assert unit == "bytes" and a <= b and a < size
        except Exception:
            return self.send(416, xml_error("InvalidRange", "The requested range is not satisfiable"),
                             {"Content-Range": "bytes */%d" % size})
        body = data[a: b + 1]
        cr = "bytes %d-%d/%d" % (a, b, size)
        if fault == "badrange":
            cr = "bytes %d-%d/%d" % (a + 1, b + 1, size)
        if fault == "badtotal":
            cr = "bytes %d-%d/%d" % (a, b, size + 1)
        if fault == "truncate" and len(body) > 1:
            self.partial_head(common, cr, len(body))
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if fault in ("stall", "trickle"):
            self.partial_head(common, cr, len(body))
            try:
                if fault == "stall":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    time.sleep(5)
                    self.close_connection = True
                    return
                step = max(64, len(body) // 64)  # 64 pieces: a bounded test time
                for i in range(0, len(body), step):
                    self.wfile.write(body[i: i + step])
                    self.wfile.flush()
                    time.sleep(0.005)
            except OSError:
                self.close_connection = True
            return
        if fault == "long" and len(body) >= 1:
            body = body + b"\0" * 16
        common["Content-Range"] = cr
        self.send(206, body, common, ctype="application/octet-stream")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State()
        self.bad_signatures = 0
        self.ecs_auth = None
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server_address[1]

    def stop(self):
        self.shutdown()
        self.server_close()
