"""WebSocket delivery latency with many open sockets: how long from sending a message to its arriving live.

Run by bench/runner.py in the benchmark's tools environment (var/bench/tools, bench/requirements-tools.lock:
the `websockets` client), against the portal's server processes while they run:

    python bench/wsbench.py PLAN.json OUT.json

PLAN.json (written by bench/prepare.py) names the port, conversations with the session cookies of both people
in each, and how many sockets and messages. This script

1. opens that many signed-in sockets to /ws/live/ (as static/js/live.js does: the session cookie, an Origin
   among the allowed hosts), each for the recipient of one conversation, round robin (a person with several
   sockets is a person with several tabs), and asks each to follow its conversation as the conversation page
   does ({"action": "follow"}), waiting for the "following" answer;
2. sends messages one after another (a few at a time, never two at once in one conversation) through the
   portal's own message form, a POST as the other person of the conversation, and times each from just before
   the POST is written to the moment the message's "messages" event arrives on each socket following that
   conversation: one sample per socket;
3. writes the figures (p50/p95/p99/max, how many sockets opened, events missing after a grace period).

Only the standard library and `websockets` are used: this runs outside the portal's environment.
"""

import asyncio
import json
import sys
import time
import uuid
from urllib.parse import urlencode

OPEN_AT_ONCE = 10  # sockets being opened at the same moment
SENDERS = 4  # messages in flight at once (each in a different conversation)
GRACE_SECONDS = 5.0


def percentile(values, share):
    """The nearest-rank percentile of `values` (share between 0 and 1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(samples_ms, *, sockets, opened, sent, expected, post_ms, open_seconds):
    return {
        "sockets": sockets, "opened": opened, "messages": sent, "events_expected": expected,
        "events": len(samples_ms), "missing": expected - len(samples_ms),
        "p50_ms": percentile(samples_ms, 0.50), "p95_ms": percentile(samples_ms, 0.95),
        "p99_ms": percentile(samples_ms, 0.99), "max_ms": max(samples_ms) if samples_ms else None,
        "post_p50_ms": percentile(post_ms, 0.50), "open_seconds": open_seconds,
    }


class Socket:
    def __init__(self, plan, pair):
        self.plan, self.pair = plan, pair
        self.conversation = pair["conversation"]
        self.ws = None

    async def open(self):
        # Imported here: the module's arithmetic is tested in the portal's environment, which has no websockets.
        from websockets.asyncio.client import connect

        port = self.plan["port"]
        self.ws = await connect(f"ws://127.0.0.1:{port}/ws/live/", origin=f"http://127.0.0.1:{port}",
                                additional_headers={"Cookie": self.pair["recipient_cookie"]}, open_timeout=30,
                                ping_interval=None, compression=None, max_queue=None)
        await self.ws.send(json.dumps({"action": "follow", "conversation": self.conversation,
                                       "after": self.pair["after"]}))
        while True:
            event = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if event.get("kind") == "following" and event.get("conversation") == self.conversation:
                return
            if event.get("kind") == "refused":
                raise RuntimeError(f"conversation {self.conversation} refused")

    async def listen(self, pending, samples, arrivals):
        async for raw in self.ws:
            arrived = time.perf_counter()
            event = json.loads(raw)
            if event.get("kind") == "messages" and event.get("conversation") == self.conversation:
                sent_at = pending.get(self.conversation)
                if sent_at is not None:
                    samples.append((arrived - sent_at) * 1000)
                    arrivals[self.conversation] = arrivals.get(self.conversation, 0) + 1


async def post_message(plan, pair):
    """The portal's message form, posted as the conversation's other person; returns the HTTP status."""
    body = urlencode({"body": plan["text"], "submit_token": str(uuid.uuid4()),
                      "csrfmiddlewaretoken": plan["csrf"]}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", plan["port"])
    writer.write(
        f"POST {pair['post_path']} HTTP/1.1\r\nHost: 127.0.0.1:{plan['port']}\r\n"
        f"Cookie: {pair['sender_cookie']}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body
    )
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1])


async def run(plan):
    pairs = plan["pairs"]
    sockets = [Socket(plan, pairs[i % len(pairs)]) for i in range(plan["connections"])]
    started = time.perf_counter()
    opened = []
    gate = asyncio.Semaphore(OPEN_AT_ONCE)

    async def open_one(sock):
        async with gate:
            try:
                await sock.open()
                opened.append(sock)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the others still run
                print(f"  socket for conversation {sock.conversation} did not open: {exc}", file=sys.stderr)

    await asyncio.gather(*(open_one(s) for s in sockets))
    open_seconds = time.perf_counter() - started
    pending, samples, post_ms, arrivals = {}, [], [], {}
    listeners = [asyncio.create_task(s.listen(pending, samples, arrivals)) for s in opened]
    following = {}
    for sock in opened:
        following[sock.conversation] = following.get(sock.conversation, 0) + 1
    conversations = [p for p in pairs if p["conversation"] in following]
    queue = asyncio.Queue()
    for i in range(plan["messages"]):
        queue.put_nowait(conversations[i % len(conversations)])
    expected = 0
    statuses = []
    busy = set()

    async def sender():
        nonlocal expected
        while not queue.empty():
            pair = queue.get_nowait()
            while pair["conversation"] in busy:  # one message at a time per conversation: arrivals match sends
                await asyncio.sleep(0.005)
            busy.add(pair["conversation"])
            conversation = pair["conversation"]
            before = arrivals.get(conversation, 0)
            pending[pair["conversation"]] = time.perf_counter()
            t0 = time.perf_counter()
            statuses.append(await post_message(plan, pair))
            post_ms.append((time.perf_counter() - t0) * 1000)
            expected += following[pair["conversation"]]
            deadline = time.perf_counter() + GRACE_SECONDS
            # Wait until this conversation's sockets have it (or the grace period ends), then the next one.
            while (arrivals.get(conversation, 0) - before < following[conversation]
                   and time.perf_counter() < deadline):
                await asyncio.sleep(0.002)
            busy.discard(pair["conversation"])

    await asyncio.gather(*(sender() for _ in range(SENDERS)))
    await asyncio.sleep(0.5)
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(s.ws.close() for s in opened), return_exceptions=True)
    result = summary(samples, sockets=len(sockets), opened=len(opened), sent=len(statuses), expected=expected,
                     post_ms=post_ms, open_seconds=open_seconds)
    result["post_statuses"] = {str(code): statuses.count(code) for code in sorted(set(statuses))}
    return result


def main(plan_path, out_path):
    plan = json.loads(open(plan_path).read())
    result = asyncio.run(run(plan))
    with open(out_path, "w") as out:
        json.dump(result, out, indent=1)
    print(json.dumps(result), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
