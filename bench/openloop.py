"""Open-loop HTTP load: send pre-built POSTs on a fixed schedule, time each from its slot.

    python bench/openloop.py --base http://127.0.0.1:8000 --path /wecom/callback \
        --file requests.bin --rate 200 --duration 15 --out result.json

Request i is due at t0 + i/rate whether or not earlier ones have been answered (no coordinated
omission): its latency is measured from that scheduled time to the end of its response, so a
server that stalls is charged for every request that queued behind the stall. A request that
finds no idle keep-alive connection opens a new one. Standard library only, so it runs under
any Python; it is a separate process so that its own CPU use never shares a GIL with the
bench orchestrator.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reqfile import read_requests  # noqa: E402


class Conn:
    """One HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    def close(self) -> None:
        self.writer.close()


async def read_response(conn: Conn) -> tuple[int, bool]:
    """Read one response; returns (status, connection must be closed)."""
    head = await conn.reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, lines[0].startswith("HTTP/1.0")
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "connection":
            close = value.strip().lower() == "close"
    if length:
        await conn.reader.readexactly(length)
    return status, close


async def run(args: argparse.Namespace) -> dict:
    url = urlsplit(args.base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    requests = read_requests(Path(args.file))
    n = int(args.rate * args.duration)
    if n > len(requests) and not args.allow_reuse:
        raise SystemExit(f"need {n} requests, file has {len(requests)}")
    raw = []
    for i in range(n):
        query, body = requests[i % len(requests)]
        raw.append((f"POST {args.path}?{query} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n")
                   .encode("latin-1") + body)
    loop = asyncio.get_running_loop()
    idle: list[Conn] = []
    opened = 0
    latency = [float("nan")] * n
    lag = [0.0] * n
    status = [0] * n
    # Each slot's wall-clock time, from the wall clock read when it is sent: the fake WeCom
    # stamps what it receives with time.time(), and a wall clock being slewed (seen here:
    # 5 ms a second) would otherwise turn into latency growing through the run.
    wall_offset = [time.time() - loop.time()] * n
    t0 = loop.time() + 0.2

    async def one(i: int) -> None:
        nonlocal opened
        due = t0 + i / args.rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lag[i] = loop.time() - due
        wall_offset[i] = time.time() - loop.time()
        for attempt in range(2):   # a keep-alive connection the server just closed: retry once,
            if idle and attempt == 0:   # on a new connection
                conn = idle.pop()
            else:
                conn = Conn(*await asyncio.open_connection(host, port))
                opened += 1
            try:
                conn.writer.write(raw[i])
                code, close = await asyncio.wait_for(read_response(conn), args.timeout)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                conn.close()
                if attempt == 0:
                    continue
                status[i] = -1
                print(f"request {i}: {type(exc).__name__}", file=sys.stderr)
                return
            except TimeoutError:
                conn.close()
                status[i] = -2
                return
            latency[i] = loop.time() - due
            status[i] = code
            if close:
                conn.close()
            else:
                idle.append(conn)
            return

    tasks = [asyncio.ensure_future(one(i)) for i in range(n)]
    await asyncio.gather(*tasks)
    for conn in idle:
        conn.close()
    return {"rate": args.rate, "duration": args.duration, "n": n, "connections_opened": opened,
            "sched_wall": [wall_offset[i] + t0 + i / args.rate for i in range(n)],
            "latency": latency, "lag": lag, "status": status}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--duration", type=float, default=15)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--allow-reuse", action="store_true",
                   help="cycle the file when it holds fewer requests than needed")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    result = asyncio.run(run(args))
    Path(args.out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
