package dev.photoqueue.broker;

import org.apache.kafka.common.Uuid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The command line of {@code kafka-broker.jar}, checked: every value wrong in itself or against
 * another is refused with an {@link IllegalArgumentException} that names the option and the value.
 * Immutable.
 *
 * @param quorum the controller quorum's voters; just this node when {@code --controller-quorum}
 *               was not given ({@link #standalone})
 * @param clusterId the shared cluster id, or null for a node alone that makes up its own
 */
record BrokerOptions(Path dataDir, String host, int port, int controllerPort, int nodeId, List<Voter> quorum,
                     boolean standalone, String clusterId) {

    /** One voter of the controller quorum: {@code id@host:port}. */
    record Voter(int id, String host, int port) {
        @Override
        public String toString() {
            return id + "@" + host + ":" + port;
        }
    }

    BrokerOptions {
        quorum = List.copyOf(quorum);
    }

    /** {@code 1@127.0.0.1:9093,2@...}: the form of {@code controller.quorum.voters}. */
    String quorumSpec() {
        return quorum.stream().map(Voter::toString).collect(Collectors.joining(","));
    }

    static BrokerOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !(LocalKafkaBroker.defaults().containsKey(name) || name.equals("controller-quorum")
                    || name.equals("cluster-id"))) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            given.put(name, args[i + 1]);
        }
        Map<String, String> o = new LinkedHashMap<>(LocalKafkaBroker.defaults());
        o.putAll(given);
        String host = o.get("host");
        int port = port("port", o.get("port"));
        int nodeId = number("node-id", o.get("node-id"), 0, Integer.MAX_VALUE);
        String quorumSpec = given.get("controller-quorum");
        String clusterId = given.get("cluster-id");
        if (clusterId != null) {
            try {
                Uuid.fromString(clusterId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--cluster-id '" + clusterId + "' is not a Kafka cluster id (22 "
                        + "characters of URL-safe base64, e.g. from kafka-storage.sh random-uuid): " + e.getMessage());
            }
        }
        if (quorumSpec == null) {
            int controllerPort = port("controller-port", o.get("controller-port"));
            return new BrokerOptions(Path.of(o.get("data-dir")).toAbsolutePath(), host, port, controllerPort, nodeId,
                    List.of(new Voter(nodeId, host, controllerPort)), true, clusterId);
        }
        List<Voter> quorum = voters(quorumSpec);
        Voter self = quorum.stream().filter(v -> v.id() == nodeId).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--node-id " + nodeId + " is not a voter of --controller-quorum "
                        + quorumSpec + ": every node of this cluster is a controller too"));
        int controllerPort = given.containsKey("controller-port")
                ? port("controller-port", given.get("controller-port")) : self.port();
        if (controllerPort != self.port()) {
            throw new IllegalArgumentException("--controller-port " + controllerPort + " differs from the port of node "
                    + nodeId + " in --controller-quorum " + quorumSpec);
        }
        if (controllerPort == port) {
            throw new IllegalArgumentException("--port and the controller port are both " + port);
        }
        if (clusterId == null) {
            throw new IllegalArgumentException("--controller-quorum " + quorumSpec + " needs --cluster-id: every "
                    + "node of one cluster is formatted with the same id");
        }
        return new BrokerOptions(Path.of(o.get("data-dir")).toAbsolutePath(), host, port, controllerPort, nodeId,
                quorum, false, clusterId);
    }

    private static List<Voter> voters(String spec) {
        List<Voter> voters = new ArrayList<>();
        for (String entry : spec.split(",", -1)) {
            int at = entry.indexOf('@');
            int colon = entry.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("--controller-quorum entry '" + entry + "' of '" + spec
                        + "' is not ID@HOST:PORT");
            }
            int id = number("controller-quorum", entry.substring(0, at), 0, Integer.MAX_VALUE);
            int port = port("controller-quorum", entry.substring(colon + 1));
            if (voters.stream().anyMatch(v -> v.id() == id)) {
                throw new IllegalArgumentException("--controller-quorum '" + spec + "' names node " + id + " twice");
            }
            voters.add(new Voter(id, entry.substring(at + 1, colon), port));
        }
        return voters;
    }

    private static int port(String option, String value) {
        return number(option, value, 1, 65_535);
    }

    private static int number(String option, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " '" + value + "' is not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("--" + option + " " + parsed + " is out of range " + min + ".." + max);
        }
        return parsed;
    }
}
