// Herald from Node.js with the official CloudEvents SDK and the built-in fetch; nothing else.
//
//   npm ci && node orders.mjs http://127.0.0.1:7070 orders
//
// Publishes an order in binary mode and its cancellation in structured mode, subscribes, and
// settles what it receives: the order is acked; the cancellation is nacked for 1s, comes back as
// attempt 2 and is rejected to the dead-letter topic. One line per step on stdout; every request
// goes to stderr as one JSON line, so OtherLanguageClientsTest can compare what was sent with what
// the server stored. The part between the readme markers is in README.md, word for word.
import { setTimeout as sleep } from "node:timers/promises";
import { CloudEvent, HTTP } from "cloudevents";

const [server, topic] = process.argv.slice(2);
if (!server || !topic) {
  console.error("usage: node orders.mjs SERVER_URL TOPIC");
  process.exit(2);
}

/** fetch with a message ({headers, body}): the answer's JSON; throws on a problem (but an existing topic). */
async function send(method, url, message = { headers: {} }) {
  const { pathname, search } = new URL(url);
  console.error(JSON.stringify({ method, path: pathname + search, ...message }));
  const res = await fetch(url, { method, headers: message.headers, body: message.body });
  const text = await res.text();
  if (!res.ok && !(res.status === 409 && url.endsWith("/topics"))) {
    throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : {};
}
const json = (body) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

await send("POST", `${server}/topics`, json({ name: topic, partitions: 2 }));

// readme:node:begin
const order = { source: "/checkout", subject: "order-7", partitionkey: "customer-7", data: { orderId: 7 } };
const placed = new CloudEvent({ ...order, type: "order.placed", channel: "web", datacontenttype: "application/json" });
const cancelled = new CloudEvent({ ...order, type: "order.cancelled" });
for (const [event, mode] of [[placed, HTTP.binary], [cancelled, HTTP.structured]]) {
  const { events: [stored] } = await send("POST", `${server}/topics/${topic}/events`, mode(event));
  console.log(`published ${stored.position} ${event.type}`);
}
const sub = `${server}/topics/${topic}/subscriptions/billing`;
await send("PUT", sub, json({ start: "earliest", ordering: "key", retry: { maxAttempts: 2 } }));
for (let open = 2; open > 0; ) {                                   // long polls until both are settled
  for (const d of (await send("POST", `${sub}/receive?wait=5s`)).deliveries) {
    const event = HTTP.toEvent({ headers: { "content-type": "application/cloudevents+json" }, body: d.event });
    console.log(`received ${event.type} attempt ${d.attempt}`);
    const [verdict, more] = event.type === "order.placed" ? ["ack", {}]
      : d.attempt === 1 ? ["nack", { delay: "1s" }] : ["reject", { reason: "customer changed their mind" }];
    const answer = await send("POST", `${sub}/${verdict}`, json({ receipts: [d.receipt], ...more }));
    console.log(`${answer.results[0].outcome} ${event.type}`);
    if (verdict !== "nack") open--;
  }
}
// readme:node:end

// The reject answers before its dead letter is written; give the write a moment (bounded).
let letters = [];
for (let tries = 0; letters.length === 0 && tries < 100; tries++) {
  if (tries > 0) await sleep(100);
  letters = (await send("GET", `${sub}/dead-letters`)).deadLetters;
}
for (const l of letters) console.log(`dead letter ${l.event.type}: ${l.reason}`);
