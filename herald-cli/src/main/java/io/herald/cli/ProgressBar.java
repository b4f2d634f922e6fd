package io.herald.cli;

import io.herald.broker.DeadLetterQueue;
import java.io.PrintWriter;

/**
 * A progress bar redrawn in place on a terminal: {@code redriving [#######-------] 500 of 1,000 (50%)}.
 * It redraws only when the percentage changes, however often it hears of progress, and ends
 * its line when the work is done. Not thread-safe: the thread doing the work updates it.
 */
final class ProgressBar implements DeadLetterQueue.Progress {

    static final int WIDTH = 30;

    private final PrintWriter terminal;
    private final String label;
    private int drawnPercent = -1;
    private boolean lineOpen;

    ProgressBar(PrintWriter terminal, String label) {
        this.terminal = terminal;
        this.label = label;
    }

    @Override
    public void update(long done, long total) {
        if (total <= 0) {
            return; // nothing to do, nothing to draw
        }
        long clamped = Math.min(Math.max(done, 0), total);
        int percent = (int) (clamped * 100 / (double) total);
        if (percent == drawnPercent) {
            return;
        }
        drawnPercent = percent;
        int filled = (int) (clamped * WIDTH / (double) total);
        terminal.print("\r" + label + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + Quantity.number(clamped) + " of " + Quantity.number(total) + " (" + percent + "%)");
        lineOpen = clamped < total;
        if (!lineOpen) {
            terminal.println();
        }
        terminal.flush();
    }

    /** Ends the bar's line if the work stopped before it was done, so that what follows starts on its own line. */
    void finish() {
        if (lineOpen) {
            terminal.println();
            terminal.flush();
            lineOpen = false;
        }
    }
}
