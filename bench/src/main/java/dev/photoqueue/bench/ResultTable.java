package dev.photoqueue.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints the result rows as a plain-text table with aligned columns, for the terminal and the README. */
final class ResultTable {

    private static final String[] HEADER = {"phase", "median", "min", "max", "rounds", "target", "result", "notes"};

    private ResultTable() {
    }

    static void print(List<Result> results, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Result r : results) {
            Stats s = r.stats();
            rows.add(new String[] {r.phase(), r.unit().format(s.median()), r.unit().number(s.min()),
                    r.unit().number(s.max()), String.valueOf(s.rounds()), r.targetText(), r.verdict(), r.notes()});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            out.println(line(rows.get(r), widths));
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                out.println(line(rule, widths));
            }
        }
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            // numbers read best right-aligned; the text columns left-aligned
            boolean numeric = i >= 1 && i <= 4;
            String format = numeric ? " %" + widths[i] + "s |" : " %-" + widths[i] + "s |";
            sb.append(String.format(format, cells[i]));
        }
        return sb.toString();
    }
}
