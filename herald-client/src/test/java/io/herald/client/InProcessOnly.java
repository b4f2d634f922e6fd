package io.herald.client;

import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The conformance tests that cannot hold for a broker behind a server, each with the reason: they
 * are skipped (and reported so), not changed. Every other test of the contracts runs.
 */
final class InProcessOnly implements ExecutionCondition {

    private static final String MEMBERS = "over HTTP a consumer is a client of the server's own member of the group, and the "
            + "server ends that member itself before it %s a subscription (SubscriptionRoutes.release), so the %s goes through "
            + "where a broker in process refuses it with SubscriptionActiveException";

    private static final String COMMIT = "a PARTITION subscription's cursor is committed by the server's member, when it next "
            + "polls or leaves (GroupMember.poll -> commitProgress); an HTTP consumer's close cannot make it commit, so the lag "
            + "stays at the last receive's commit point where PullSubscriber.close() commits what was acked";

    private static final String SHARE = "HTTP consumers are not members of the group: the server's one member holds the "
            + "partitions and hands deliveries to whichever client asks, so no client is assigned a share of them "
            + "(assignment() is every partition of the topic)";

    private static final String REDEFINE = "over HTTP the subscription's member is the server's own, and a new definition ends "
            + "it (SubscriptionRoutes.put releases the server's consumers) instead of being refused while clients consume";

    private static final String VERDICT = "a verdict over HTTP carries no exception: a nack says that the handler failed, not "
            + "with what, so the dead letter's errorClass and errorMessage stay empty where a broker in process records "
            + "the handler's exception";

    private static final String SESSION = "a PARTITION delivery has no lease of its own in the broker, only its member's session; "
            + "over HTTP the member is the server's, alive while any client receives, and an expired receipt ends only the "
            + "receipt (ReceiptBook.sweep), so what a client that stopped left unacked comes again only when the server's "
            + "member leaves";

    private static final String TYPES = "the CloudEvents JSON format the client publishes in carries an extension's type only "
            + "for integers and booleans; a URI, URI-reference, timestamp or binary extension arrives as its string (the "
            + "server keeps every type an event brings, and binary mode carries none)";

    static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("typedExtensionsAndTheTimeAtItsOffsetSurviveTheRoundTrip", TYPES),
            Map.entry("aSubscriptionInUseCannotBeDeletedButAnIdleOneCan", MEMBERS.formatted("deletes", "delete")),
            Map.entry("aSubscriptionWithActiveConsumersCannotBeReset", MEMBERS.formatted("resets", "reset")),
            Map.entry("anIdleSubscriptionTakesTheDefinitionItIsOpenedWithAndAnActiveOneRefusesAnother", REDEFINE),
            Map.entry("consumersOfOneSubscriptionShareItsPartitions", SHARE),
            Map.entry("twoPushConsumersSplitTheWorkAndEachEventIsHandledOnce", SHARE),
            Map.entry("aConsumerThatStopsPollingIsPresumedDeadAndItsUnackedEventsComeAgain", SESSION),
            Map.entry("verdictsOfAConsumerPresumedDeadChangeNothing", SESSION),
            Map.entry("aNewSubscriptionStartingAtOffsetsBeginsThere", COMMIT),
            Map.entry("resetToOffsetsListingEveryPartitionResumesEachExactlyThere", COMMIT),
            Map.entry("committedCursorsSurviveABrokerRestart", COMMIT),
            Map.entry("aPushHandlerRetriesOnExceptionsAndRejectsOnRejectException", VERDICT));

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getTestMethod().map(m -> REASONS.get(m.getName()))
                .map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("holds over HTTP"));
    }
}
