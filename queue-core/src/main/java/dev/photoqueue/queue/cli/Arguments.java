package dev.photoqueue.queue.cli;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options given to one command: {@code --name value}, {@code --name=value} and flags, plus at
 * most one positional operand for a command that takes one ({@code describe-group G}). Parsing
 * checks them against what the command accepts, so a typo fails loudly instead of being ignored;
 * the typed getters check values. Every problem is a {@link UsageException}. Immutable.
 */
final class Arguments {

    /** Where the queue lives when {@code --data-dir} is not given (the in-house backend's default too). */
    static final String DEFAULT_DATA_DIR = "data/queue";

    private final String command;
    private final Map<Option, String> values;
    private final String operandNoun;
    private final String operand;

    private Arguments(String command, Map<Option, String> values, String operandNoun, String operand) {
        this.command = command;
        this.values = values;
        this.operandNoun = operandNoun;
        this.operand = operand;
    }

    /**
     * Parses {@code tokens} (what follows the command name). {@code --data-dir},
     * {@code --bootstrap-server} (not both) and {@code --help} are accepted by every command besides
     * {@code accepted}. {@code operandNoun} names the one
     * positional argument the command takes ("group id"), or is null when it takes none; any token
     * not starting with {@code --} that is no option's value is that operand.
     */
    static Arguments parse(String command, List<String> tokens, Set<Option> accepted, String operandNoun) {
        Map<Option, String> values = new EnumMap<>(Option.class);
        String operand = null;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("--") && operandNoun != null) {
                if (operand != null) {
                    throw new UsageException(command + " takes one " + operandNoun + "; unexpected argument '" + token
                            + "'");
                }
                operand = token;
                continue;
            }
            if (!token.startsWith("--") || token.length() == 2) {
                throw new UsageException("unexpected argument '" + token + "' for " + command
                        + "; options start with --");
            }
            int eq = token.indexOf('=');
            String name = eq < 0 ? token.substring(2) : token.substring(2, eq);
            Option option = Option.byName(name);
            if (option == null) {
                throw new UsageException("unknown option --" + name + " for " + command);
            }
            if (option != Option.DATA_DIR && option != Option.BOOTSTRAP_SERVER && option != Option.HELP
                    && !accepted.contains(option)) {
                throw new UsageException(command + " does not take " + option);
            }
            if (values.containsKey(option)) {
                throw new UsageException(option + " is given twice");
            }
            String value;
            if (!option.takesValue()) {
                if (eq >= 0) {
                    throw new UsageException(option + " is a flag and takes no value");
                }
                value = "";
            } else if (eq >= 0) {
                value = token.substring(eq + 1);
            } else if (i + 1 < tokens.size() && !tokens.get(i + 1).startsWith("--")) {
                value = tokens.get(++i);
            } else {
                throw new UsageException(option + " needs a value");
            }
            values.put(option, value);
        }
        if (values.containsKey(Option.DATA_DIR) && values.containsKey(Option.BOOTSTRAP_SERVER)) {
            throw new UsageException("give " + Option.DATA_DIR + " (the in-house queue) or " + Option.BOOTSTRAP_SERVER
                    + " (a Kafka cluster), not both");
        }
        return new Arguments(command, values, operandNoun, operand);
    }

    boolean has(Option option) {
        return values.containsKey(option);
    }

    /** The positional operand; a {@link UsageException} when it is missing or empty. */
    String operand() {
        if (operand == null) {
            throw new UsageException(command + " needs a " + operandNoun);
        }
        if (operand.isEmpty()) {
            throw new UsageException("the " + operandNoun + " must not be empty");
        }
        return operand;
    }

    /** The option's value; a {@link UsageException} when it is missing or empty. */
    String required(Option option) {
        String value = values.get(option);
        if (value == null) {
            throw new UsageException(command + " needs " + option);
        }
        if (value.isEmpty()) {
            throw new UsageException(option + " must not be empty");
        }
        return value;
    }

    /** The Kafka cluster to work on ({@code --bootstrap-server}), or null for the in-house queue. */
    String bootstrapServer() {
        String value = values.get(Option.BOOTSTRAP_SERVER);
        if (value != null && value.isEmpty()) {
            throw new UsageException(Option.BOOTSTRAP_SERVER + " must not be empty");
        }
        return value;
    }

    /** Where the command works, for messages: "data directory D" or "Kafka cluster at H". */
    String where() {
        String bootstrap = bootstrapServer();
        return bootstrap != null ? "Kafka cluster at " + bootstrap : "data directory " + dataDir();
    }

    /** The queue's location alone: the data directory's path, or "Kafka cluster at H". */
    String location() {
        String bootstrap = bootstrapServer();
        return bootstrap != null ? "Kafka cluster at " + bootstrap : dataDir().toString();
    }

    Path dataDir() {
        String value = values.getOrDefault(Option.DATA_DIR, DEFAULT_DATA_DIR);
        if (value.isEmpty()) {
            throw new UsageException(Option.DATA_DIR + " must not be empty");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    /** The option as a whole number of at least {@code min}, or {@code defaultValue} when absent. */
    int intValue(Option option, int defaultValue, int min) {
        long value = longValue(option, defaultValue, min);
        if (value > Integer.MAX_VALUE) {
            throw new UsageException(option + " must be at most " + Integer.MAX_VALUE + ", got '" + values.get(option)
                    + "'");
        }
        return (int) value;
    }

    /** The option as a whole number of at least {@code min}, or {@code defaultValue} when absent. */
    long longValue(Option option, long defaultValue, long min) {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number >= " + min + ", got '" + value + "'");
        }
        if (parsed < min) {
            throw new UsageException(option + " must be >= " + min + ", got " + parsed);
        }
        return parsed;
    }
}
