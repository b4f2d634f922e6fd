package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.error.HeraldException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        BrokerTarget target = HeraldCommand.of(spec).target(spec.commandLine());
        if (target instanceof BrokerTarget.DataDirectory data) {
            checkDataDirectory(data.directory());
        }
        try (BrokerSession opened = BrokerSession.open(target)) {
            session = opened;
            return run(opened.broker(), out);
        } finally {
            session = null;
            out.flush();
        }
    }

    /**
     * A data directory that is a file, or (for a command that only works on what is there) that does
     * not exist, is a mistyped {@code --data}: said so, rather than failing deep inside or creating
     * an empty directory where the user did not mean one.
     */
    private void checkDataDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new HeraldException(dir + " is a file, not a data directory; give the directory with --data DIR "
                    + "(or $" + HeraldCommand.DATA_ENVIRONMENT_VARIABLE + ")");
        }
        if (!Files.exists(dir) && !createsDataDirectory()) {
            throw new HeraldException("there is no data directory at " + dir.toAbsolutePath() + "; check --data (or $"
                    + HeraldCommand.DATA_ENVIRONMENT_VARIABLE + "): 'herald topics create' makes a new one");
        }
    }

    /** Whether this command may create a data directory that does not exist yet (only one that makes something does). */
    boolean createsDataDirectory() {
        return false;
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
