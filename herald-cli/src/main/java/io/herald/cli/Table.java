package io.herald.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows printed in aligned columns, two spaces apart, under an upper-case header if it has one. Not thread-safe. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    private Table(int columns) {
        this.columns = columns;
    }

    /** A table whose first line names the columns, such as {@code NAME  PARTITIONS  EVENTS}. */
    static Table withHeader(String... header) {
        Table table = new Table(header.length);
        table.rows.add(Arrays.stream(header).map(String::toUpperCase).toArray(String[]::new));
        return table;
    }

    /** Two columns of names and values, such as a topic's settings. */
    static Table properties() {
        return new Table(2);
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns + " columns");
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(row[c]);
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - row[c].length() + 2));
                }
            }
            out.println(line);
        }
    }
}
