"""Herald from Python with the standard library only: urllib.request and json.

    python3 orders.py http://127.0.0.1:7070 orders

Publishes an order in binary mode (the attributes as ce-* headers) and its cancellation in
structured mode (one CloudEvents JSON document), subscribes, and settles what it receives: the
order is acked; the cancellation is nacked for 1s, comes back as attempt 2 and is rejected to the
dead-letter topic. One line per step on stdout; every request goes to stderr as one JSON line, so
OtherLanguageClientsTest can compare what was sent with what the server stored. The part between
the readme markers is in README.md, word for word.
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone

if len(sys.argv) != 3:
    sys.exit("usage: python3 orders.py SERVER_URL TOPIC")
server, topic = sys.argv[1], sys.argv[2]


def send(method, path, body=None, headers=None):
    """One request with a JSON body: the answer's JSON; exits on a problem (but an existing topic)."""
    headers = headers or {"content-type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    print(json.dumps({"method": method, "path": path, "headers": headers,
                      "body": None if data is None else data.decode()}), file=sys.stderr)
    request = urllib.request.Request(server + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
    except urllib.error.HTTPError as e:
        if e.code == 409 and path == "/topics":
            return {}
        raise SystemExit(f"{method} {path} answered {e.code}: {e.read().decode()}") from e
    return json.loads(text) if text else {}


def now():
    return datetime.now(timezone.utc).isoformat()


send("POST", "/topics", {"name": topic, "partitions": 2})

# readme:python:begin
events, order = f"/topics/{topic}/events", {"orderId": 7}
placed = {"ce-specversion": "1.0", "ce-id": str(uuid.uuid4()), "ce-source": "/checkout", "ce-type": "order.placed",
          "ce-time": now(), "ce-subject": "order-7", "ce-partitionkey": "customer-7", "ce-channel": "web",
          "content-type": "application/json"}                    # binary mode: the attributes as headers
print("published", send("POST", events, order, placed)["events"][0]["position"], "order.placed")
cancelled = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/checkout", "type": "order.cancelled",
             "time": now(), "subject": "order-7", "partitionkey": "customer-7", "data": order}
stored = send("POST", events, cancelled, {"content-type": "application/cloudevents+json"})["events"][0]
print("published", stored["position"], "order.cancelled")  # structured mode: one JSON document
sub = f"/topics/{topic}/subscriptions/billing"
send("PUT", sub, {"start": "earliest", "ordering": "key", "retry": {"maxAttempts": 2}})
settled = 0
while settled < 2:                                               # long polls until both are settled
    for d in send("POST", f"{sub}/receive?wait=5s")["deliveries"]:
        kind = d["event"]["type"]
        print("received", kind, "attempt", d["attempt"])
        verdict, more = (("ack", {}) if kind == "order.placed" else ("nack", {"delay": "1s"}) if d["attempt"] == 1
                         else ("reject", {"reason": "customer changed their mind"}))
        answer = send("POST", f"{sub}/{verdict}", {"receipts": [d["receipt"]], **more})
        print(answer["results"][0]["outcome"], kind)
        settled += verdict != "nack"
# readme:python:end

# The reject answers before its dead letter is written; give the write a moment (bounded).
letters = []
for tries in range(100):
    letters = send("GET", f"{sub}/dead-letters")["deadLetters"]
    if letters:
        break
    time.sleep(0.1)
for letter in letters:
    print(f"dead letter {letter['event']['type']}: {letter['reason']}")
