package io.herald.server.subscription;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Durations;
import io.herald.http.Json;
import io.herald.http.Problem;
import io.herald.server.cluster.Forwarder;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verdict on receipts: ack, nack, reject or extend. The receipts this server issued are
 * checked together first — one that is garbled, of another subscription, unknown, past its
 * lease or settled otherwise fails the request and nothing is settled; then they are settled.
 * Receipts another server issued are forwarded to it (it holds their leases). A verdict sent
 * again after its answer was lost is answered as the first was.
 */
final class Settlement {

    private final ReceiptBook book;
    private final Forwarder forwarder;
    private final Clock clock;

    Settlement(ReceiptBook book, Forwarder forwarder, Clock clock) {
        this.book = book;
        this.forwarder = forwarder;
        this.clock = clock;
    }

    /** The answer: 200 with per-receipt results, or a problem that lists them. */
    record Answer(int status, ObjectNode body) {
    }

    private record Failure(String receipt, int status, String slug, String detail) {
    }

    Answer settle(String topic, String subscription, List<String> receipts, Verdict verdict, Optional<String> authorization,
                  boolean forwarded) {
        List<ReceiptBook.Entry> local = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        Map<URI, List<String>> foreign = new LinkedHashMap<>();
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (String receipt : receipts) {
            switch (book.lookup(receipt)) {
                case ReceiptBook.Lookup.Invalid i -> failures.add(new Failure(receipt, 400, "invalid-receipt",
                        "not a receipt of this server's cluster (garbled, or signed with another cluster secret)"));
                case ReceiptBook.Lookup.Unknown u -> failures.add(new Failure(receipt, 404, "unknown-receipt",
                        "this server no longer knows the receipt: its lease ended long ago"));
                case ReceiptBook.Lookup.FromEarlierRun r -> failures.add(new Failure(receipt, 410, "lease-lost",
                        "the receipt was issued before this server restarted; the event is delivered again once its lease expires"));
                case ReceiptBook.Lookup.Foreign f -> {
                    if (forwarded) {
                        failures.add(new Failure(receipt, 404, "unknown-receipt", "the receipt was issued by " + f.issuer()
                                + ", not by this server"));
                    } else {
                        foreign.computeIfAbsent(f.issuer(), k -> new ArrayList<>()).add(receipt);
                    }
                }
                case ReceiptBook.Lookup.Local l -> check(l, topic, subscription, verdict).ifPresentOrElse(failures::add, () -> local.add(l.entry()));
            }
        }
        if (!failures.isEmpty()) {
            return problem(failures, results, verdict);
        }
        Instant now = clock.instant();
        for (ReceiptBook.Entry entry : local) {
            ObjectNode result = results.addObject().put("receipt", entry.receipt);
            Optional<Verdict> earlier = entry.settled();
            if (earlier.isPresent()) {
                result.put("outcome", "already " + pastTense(earlier.get()));
                continue;
            }
            Instant deadline = entry.apply(verdict, now);
            result.put("outcome", pastTense(verdict));
            if (verdict instanceof Verdict.Extend) {
                result.put("leaseDeadline", deadline.toString());
            }
        }
        foreign.forEach((issuer, list) -> forward(issuer, topic, subscription, list, verdict, authorization, results, failures));
        return failures.isEmpty() ? new Answer(200, answer(results)) : problem(failures, results, verdict);
    }

    private static Optional<Failure> check(ReceiptBook.Lookup.Local l, String topic, String subscription, Verdict verdict) {
        ReceiptBook.Entry e = l.entry();
        if (!e.topic.equals(topic) || !e.subscription.equals(subscription)) {
            return Optional.of(new Failure(e.receipt, 400, "wrong-subscription", "the receipt belongs to subscription '"
                    + e.subscription + "' of topic '" + e.topic + "'"));
        }
        Optional<Verdict> earlier = e.settled();
        if (earlier.isPresent()) {
            if (earlier.get().getClass() == verdict.getClass()) {
                return Optional.empty(); // the same verdict again: answered as the first time
            }
            return Optional.of(new Failure(e.receipt, 409, "already-settled", "the delivery was already "
                    + pastTense(earlier.get()) + "; a settled delivery takes no other verdict"));
        }
        if (!l.live()) {
            return Optional.of(new Failure(e.receipt, 410, "lease-expired", "the lease ended at " + e.deadline()
                    + "; the event is delivered again (extend a lease before it ends to keep it)"));
        }
        return Optional.empty();
    }

    private void forward(URI issuer, String topic, String subscription, List<String> receipts, Verdict verdict,
                         Optional<String> authorization, ArrayNode results, List<Failure> failures) {
        ObjectNode body = body(receipts, verdict);
        String path = "/topics/" + topic + "/subscriptions/" + subscription + "/" + verdict.name();
        Optional<Forwarder.Answer> answer = forwarder.post(issuer, path, body, authorization);
        if (answer.isEmpty()) {
            receipts.forEach(r -> failures.add(new Failure(r, 410, "lease-lost", "the server that holds the lease (" + issuer
                    + ") does not answer; the event is delivered again once its lease expires")));
            return;
        }
        Forwarder.Answer a = answer.get();
        a.body().path("results").forEach(results::add);
        if (a.status() >= 400) {
            for (var failure : a.body().path("failures")) {
                failures.add(new Failure(failure.path("receipt").asText(), failure.path("status").asInt(a.status()),
                        failure.path("type").asText("/problems/forwarded").replace(Problem.TYPE_PREFIX, ""),
                        failure.path("detail").asText("")));
            }
            if (!a.body().has("failures")) {
                receipts.forEach(r -> failures.add(new Failure(r, a.status(), a.body().path("type").asText("/problems/forwarded")
                        .replace(Problem.TYPE_PREFIX, ""), a.body().path("detail").asText("refused by " + issuer))));
            }
        }
    }

    /** The request body for a verdict, as a client sends it (and a forward passes on). */
    static ObjectNode body(List<String> receipts, Verdict verdict) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("receipts");
        receipts.forEach(list::add);
        switch (verdict) {
            case Verdict.Nack n -> n.delay().ifPresent(d -> body.put("delay", Durations.format(d)));
            case Verdict.Reject r -> body.put("reason", r.reason());
            case Verdict.Extend e -> body.put("by", Durations.format(e.by()));
            case Verdict.Ack a -> {
            }
        }
        return body;
    }

    private static Answer problem(List<Failure> failures, ArrayNode results, Verdict verdict) {
        Failure first = failures.getFirst();
        boolean oneKind = failures.stream().allMatch(f -> f.slug().equals(first.slug()));
        String detail = failures.size() == 1 ? first.detail()
                : failures.size() + " receipts could not take the " + verdict.name() + " (" + first.detail()
                + (oneKind ? "" : "; see failures") + ")";
        Problem p = Problem.of(first.status(), first.slug(), title(first.status()), detail);
        ObjectNode body = (ObjectNode) Json.MAPPER.valueToTree(p.body());
        ArrayNode list = body.putArray("failures");
        for (Failure f : failures) {
            list.addObject().put("receipt", f.receipt()).put("status", f.status()).put("type", Problem.TYPE_PREFIX + f.slug())
                    .put("detail", f.detail());
        }
        body.set("results", results);
        return new Answer(first.status(), body);
    }

    private static ObjectNode answer(ArrayNode results) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("results", results);
        return body;
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            default -> "Refused";
        };
    }

    static String pastTense(Verdict v) {
        return switch (v) {
            case Verdict.Ack a -> "acked";
            case Verdict.Nack n -> "nacked";
            case Verdict.Reject r -> "rejected";
            case Verdict.Extend e -> "extended";
        };
    }
}
