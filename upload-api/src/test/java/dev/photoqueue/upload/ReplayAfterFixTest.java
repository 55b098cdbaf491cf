package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * Replay after a bug fix on the in-house log: see {@link ReplayAfterFixScenario}. The log moves a
 * group's positions under live members too; the replay pauses the workers all the same, so that no
 * job taken before the reset is acked over it.
 */
class ReplayAfterFixTest {

    @Test
    void aReplayFromTheBugsStartHealsTheFaultyVariantsAndLeavesTheOthersAlone() throws Exception {
        try (ReplayAfterFixScenario scenario = new ReplayAfterFixScenario(Map.of("PARTITIONS", "3"))) {
            scenario.run();
        }
    }
}
