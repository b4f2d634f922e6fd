package io.herald.http;

import java.util.Objects;

/** Ends a request with a problem answer; thrown by handlers, turned into the answer by {@link ErrorMapping}. */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Problem problem() {
        return problem;
    }
}
