package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final StringWriter terminal = new StringWriter();
    private final ProgressBar bar = new ProgressBar(new PrintWriter(terminal), "redriving");

    @Test
    void redrawsInPlaceOnlyWhenThePercentageChangesAndEndsTheLineWhenDone() {
        bar.update(0, 2_000);
        bar.update(3, 2_000); // still 0%
        bar.update(1_000, 2_000);
        bar.update(2_000, 2_000);
        bar.finish();

        assertThat(terminal.toString()).isEqualTo(
                "\rredriving [" + "-".repeat(30) + "] 0 of 2,000 (0%)"
                        + "\rredriving [" + "#".repeat(15) + "-".repeat(15) + "] 1,000 of 2,000 (50%)"
                        + "\rredriving [" + "#".repeat(30) + "] 2,000 of 2,000 (100%)" + System.lineSeparator());
    }

    @Test
    void finishEndsTheLineOfAnUnfinishedBar() {
        bar.update(1, 4);
        bar.finish();
        bar.finish();

        assertThat(terminal.toString()).endsWith("(25%)" + System.lineSeparator());
    }

    @Test
    void nothingToDoDrawsNothing() {
        bar.update(0, 0);
        bar.finish();

        assertThat(terminal.toString()).isEmpty();
    }
}
