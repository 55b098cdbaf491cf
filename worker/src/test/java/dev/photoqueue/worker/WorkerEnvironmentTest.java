package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerEnvironmentTest {

    @Test
    void namesTheVariablesTheClassCommentListsAndThePqVariablesOfTheOtherSettings() {
        Set<String> names = WorkerMain.variableNames();
        for (String documented : new String[]{"CONFIG_FILE", "DATA_DIR", "QUEUE_BACKEND", "KAFKA_BOOTSTRAP_SERVERS",
                "WORKERS", "PARTITIONS", "MAX_DELIVERIES", "MAX_PIXELS", "MAX_UPLOAD_BYTES", "CHAOS_MODE",
                "CHAOS_PROBABILITY", "CHAOS_NAME_PATTERN", "WORKER_VERSION", "HOSTNAME", "HEALTH_FILE",
                "PQ_DELIVERY", "PQ_CONSUMPTION_MODE", "PQ_SHUTDOWN_GRACE_MS", "PQ_VARIANTS"}) {
            assertTrue(names.contains(documented), documented + " missing from " + names);
        }
        // set from WORKERS, so a PQ_WORKER_COUNT would never be looked at: it is not named
        assertFalse(names.contains("PQ_WORKER_COUNT"), names.toString());
        assertTrue(names.stream().allMatch(n -> n.matches("[A-Z][A-Z0-9_]*")), names.toString());
    }

    @Test
    void aNamedPqVariableReachesItsSetting() {
        WorkerEnvironment env = WorkerEnvironment.from(Map.of("PQ_DELIVERY", "exactly-once"), new Properties());
        assertEquals(Delivery.EXACTLY_ONCE, env.worker().delivery());
    }
}
