package dev.photoqueue.bench;

import java.util.Locale;

/** The unit of a figure and how it prints. MB is 10^6 bytes; MiB is 2^20 bytes. */
enum Unit {
    RECORDS_PER_SECOND("records/s", "%,.0f"),
    PHOTOS_PER_SECOND("photos/s", "%,.2f"),
    MB_PER_SECOND("MB/s", "%,.1f"),
    MIB("MiB", "%,.1f"),
    MILLISECONDS("ms", "%,.3f"),
    RATIO("x", "%.2f"),
    CPU_NANOS_PER_RECORD("ns CPU/record", "%,.0f"),
    BYTES_PER_RECORD("B/record", "%,.0f");

    private final String label;
    private final String format;

    Unit(String label, String format) {
        this.label = label;
        this.format = format;
    }

    String label() {
        return label;
    }

    /** The number alone, e.g. {@code 1,234,567}. */
    String number(double value) {
        return String.format(Locale.ROOT, format, value);
    }

    /** The number with its unit, e.g. {@code 1,234,567 records/s}. */
    String format(double value) {
        return number(value) + " " + label;
    }
}
