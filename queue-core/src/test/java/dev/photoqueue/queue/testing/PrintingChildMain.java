package dev.photoqueue.queue.testing;

/**
 * Run by {@link ChildJvmsTest} in a child JVM: prints each argument as a line, to stdout, or to
 * stderr when it starts with {@code err:}; then exits 0, or with {@code wait} as the last
 * argument, waits until it is killed.
 */
public final class PrintingChildMain {

    private PrintingChildMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean wait = args.length > 0 && args[args.length - 1].equals("wait");
        for (int i = 0; i < args.length - (wait ? 1 : 0); i++) {
            if (args[i].startsWith("err:")) {
                System.err.println(args[i]);
            } else {
                System.out.println(args[i]);
            }
        }
        System.out.flush();
        System.err.flush();
        if (wait) {
            // Runs until the parent kills it; ends when the parent is gone (its end of stdin closes),
            // so no child outlives a test run.
            while (System.in.read() >= 0) {
                // wait
            }
        }
    }
}
