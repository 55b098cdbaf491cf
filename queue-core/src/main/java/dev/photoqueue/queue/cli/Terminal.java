package dev.photoqueue.queue.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The three standard streams a command works with; tests pass in-memory ones. */
record Terminal(InputStream in, PrintStream out, PrintStream err) {
}
