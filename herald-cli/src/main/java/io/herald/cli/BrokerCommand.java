package io.herald.cli;

import io.herald.broker.Broker;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that works on a broker: checks its arguments, opens the broker (the data directory,
 * a Kafka cluster, or a server: {@link BrokerTarget}), runs, closes the broker. A directory it
 * opens itself is locked for exactly the time the command runs.
 */
abstract class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private BrokerSession session;

    @Override
    public final Integer call() throws Exception {
        // Wrong arguments are reported before the directory is touched (or created).
        validate();
        PrintWriter out = spec.commandLine().getOut();
        try (BrokerSession opened = BrokerSession.open(HeraldCommand.of(spec).target(spec.commandLine()))) {
            session = opened;
            return run(opened.broker(), out);
        } finally {
            session = null;
            out.flush();
        }
    }

    /** Checks what picocli cannot; throws {@link ParameterException}. */
    void validate() {
    }

    abstract int run(Broker broker, PrintWriter out) throws Exception;

    /** True once the process was asked to stop: long-running loops end at their next turn. */
    boolean stopRequested() {
        return session != null && session.stopRequested();
    }

    ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
