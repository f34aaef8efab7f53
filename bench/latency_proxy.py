#!/usr/bin/python3
"""TCP proxy that adds latency and counts what crosses it.

Every chunk of bytes is forwarded RTT/2 after it arrived, in each direction,
so a request/response pair costs one round trip, like a client far from S3.
It counts connections, HTTP requests (by method) and bytes each way.

    latency_proxy.py --listen 127.0.0.1:0 --upstream 127.0.0.1:4568 --rtt-ms 60 \
                     --control 127.0.0.1:0 --port-file /tmp/ports.json

The control port answers `GET /stats` (JSON) and `GET /reset`. The chosen
ports are written to --port-file as {"listen": P, "control": C}.
"""
import argparse
import asyncio
import json
import re
import time

REQ_LINE = re.compile(rb"(?:^|\r\n)(GET|HEAD|PUT|POST|DELETE) [^\r\n]* HTTP/1\.[01]\r\n")


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.connections = 0
        self.requests = {}
        self.bytes_up = 0
        self.bytes_down = 0

    def as_dict(self):
        return {"connections": self.connections, "requests": dict(self.requests),
                "gets": self.requests.get("GET", 0), "bytes_up": self.bytes_up,
                "bytes_down": self.bytes_down}


STATS = Stats()


async def pump(reader, writer, delay, upstream_dir):
    """Forward reader -> writer, each chunk `delay` seconds after arrival."""
    queue = asyncio.Queue()
    tail = b""

    async def send():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                writer.write(data)
                await writer.drain()
            except (ConnectionError, OSError):
                break
        try:
            writer.close()
        except Exception:
            pass

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            if upstream_dir:
                STATS.bytes_up += len(data)
                scan = tail + data
                for m in REQ_LINE.finditer(scan):
                    if m.end() > len(tail):  # not counted with the previous chunk
                        method = m.group(1).decode()
                        STATS.requests[method] = STATS.requests.get(method, 0) + 1
                tail = scan[-512:]
            else:
                STATS.bytes_down += len(data)
            await queue.put((time.monotonic() + delay, data))
    except (ConnectionError, OSError):
        pass
    await queue.put((0, None))
    await sender


async def handle(client_r, client_w, upstream, delay):
    STATS.connections += 1
    try:
        up_r, up_w = await asyncio.open_connection(*upstream)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pump(client_r, up_w, delay, True), pump(up_r, client_w, delay, False))


async def control(reader, writer):
    line = await reader.readline()
    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
        pass
    if b"/reset" in line:
        STATS.reset()
    body = json.dumps(STATS.as_dict()).encode()
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                 b"Connection: close\r\n\r\n" % len(body) + body)
    await writer.drain()
    writer.close()


def hostport(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rtt-ms", type=float, default=60.0)
    ap.add_argument("--control", default="127.0.0.1:0")
    ap.add_argument("--port-file")
    a = ap.parse_args()
    delay = a.rtt_ms / 2000.0
    up = hostport(a.upstream)
    srv = await asyncio.start_server(lambda r, w: handle(r, w, up, delay), *hostport(a.listen))
    ctl = await asyncio.start_server(control, *hostport(a.control))
    ports = {"listen": srv.sockets[0].getsockname()[1], "control": ctl.sockets[0].getsockname()[1]}
    if a.port_file:
        with open(a.port_file, "w") as f:
            json.dump(ports, f)
    print(json.dumps(ports), flush=True)
    async with srv, ctl:
        await asyncio.gather(srv.serve_forever(), ctl.serve_forever())


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
