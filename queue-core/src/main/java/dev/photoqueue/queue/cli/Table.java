package dev.photoqueue.queue.cli;

import java.io.PrintStream;
import java.util.List;

/** How pq prints tables: a header row, then one row a line, in columns a shell user can cut. */
final class Table {

    /** What a cell shows for "none" (no committed offset, no owner), as Kafka's tools do. */
    static final String NONE = "-";

    private Table() {
    }

    /**
     * Left-aligned columns two spaces apart, as wide as their widest cell; no trailing blanks.
     * Every row must have the header's number of cells; write {@link #NONE} rather than an empty
     * cell, so that the columns of a line can still be told apart.
     */
    static void print(List<String> header, List<List<String>> rows, PrintStream out) {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
        }
        for (List<String> row : rows) {
            if (row.size() != widths.length) {
                throw new IllegalArgumentException("row " + row + " has " + row.size() + " cells, the header "
                        + header + " " + widths.length);
            }
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        printRow(header, widths, out);
        for (List<String> row : rows) {
            printRow(row, widths, out);
        }
    }

    /** Prints the table, or, with no rows, says {@code whenEmpty} on stderr (a listing of nothing is no error). */
    static void printOrSay(List<String> header, List<List<String>> rows, String whenEmpty, Terminal terminal) {
        if (rows.isEmpty()) {
            terminal.err().println(whenEmpty);
        } else {
            print(header, rows, terminal.out());
        }
    }

    private static void printRow(List<String> row, int[] widths, PrintStream out) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < row.size(); c++) {
            line.append(row.get(c));
            if (c < row.size() - 1) {
                line.append(" ".repeat(widths[c] - row.get(c).length() + 2));
            }
        }
        out.println(line);
    }
}
