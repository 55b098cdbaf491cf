package dev.photoqueue.broker;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LocalKafkaBrokerOptionsTest {

    @Test
    void defaultsListenOnLoopbackPorts9092And9093WithDataInDataKafka() {
        assertEquals(Map.of("data-dir", "data/kafka", "host", "127.0.0.1", "port", "9092", "controller-port", "9093"),
                LocalKafkaBroker.parse(new String[0]));
    }

    @Test
    void givenOptionsReplaceTheDefaults() {
        Map<String, String> options = LocalKafkaBroker.parse(new String[]{"--port", "19092", "--data-dir", "/tmp/k"});
        assertEquals("19092", options.get("port"));
        assertEquals("/tmp/k", options.get("data-dir"));
        assertEquals("9093", options.get("controller-port"));
    }

    @Test
    void unknownOptionsMissingValuesAndBadPortsAreRefused() {
        assertNull(LocalKafkaBroker.parse(new String[]{"--replicas", "3"}));
        assertNull(LocalKafkaBroker.parse(new String[]{"--port"}));
        assertNull(LocalKafkaBroker.parse(new String[]{"--port", "0"}));
        assertNull(LocalKafkaBroker.parse(new String[]{"--port", "70000"}));
        assertNull(LocalKafkaBroker.parse(new String[]{"--controller-port", "x"}));
        assertNull(LocalKafkaBroker.parse(new String[]{"9092"}));
    }
}
