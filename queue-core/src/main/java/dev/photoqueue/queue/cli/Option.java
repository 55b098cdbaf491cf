package dev.photoqueue.queue.cli;

/** Every option a {@code pq} command can take. Which command accepts which is each command's say. */
enum Option {
    DATA_DIR("data-dir", true),
    BOOTSTRAP_SERVER("bootstrap-server", true),
    TOPIC("topic", true),
    GROUP("group", true),
    PARTITIONS("partitions", true),
    PARTITION("partition", true),
    KEYED("keyed", false),
    FROM_BEGINNING("from-beginning", false),
    MAX("max", true),
    TIMEOUT_MS("timeout-ms", true),
    TO_EARLIEST("to-earliest", false),
    TO_LATEST("to-latest", false),
    TO_OFFSET("to-offset", true),
    TO_DATETIME("to-datetime", true),
    NO_ACK("no-ack", false),
    MODE("mode", true),
    ALL("all", false),
    OFFSET("offset", true),
    HELP("help", false);

    private final String name;
    private final boolean takesValue;

    Option(String name, boolean takesValue) {
        this.name = name;
        this.takesValue = takesValue;
    }

    /** The name without dashes, as after {@code --} on the command line. */
    String optionName() {
        return name;
    }

    boolean takesValue() {
        return takesValue;
    }

    /** The option called {@code name} (without dashes), or null. */
    static Option byName(String name) {
        for (Option o : values()) {
            if (o.name.equals(name)) {
                return o;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "--" + name;
    }
}
