package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Map;

/**
 * The queue contract against a real Kafka broker running inside the test JVM ({@link EmbeddedKafka}),
 * opened the way an application opens it. The storage directory is not used: the broker keeps the
 * data, so a restart is a new backend on the same cluster.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaContractTest extends QueueContractTest {

    @Override
    protected QueueBackend open(Path storage) {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", EmbeddedKafka.bootstrapServers()));
    }

    // ---- not passing on Kafka yet; each says why. Listed in the README's table of backend differences.

    private static final String NO_SHARED = "SHARED mode over Kafka share groups (KafkaShareConsumer) is not wired "
            + "yet: the kafka backend refuses mode=SHARED with InvalidConfigException";
    private static final String NO_BACKLOG = "Kafka has no producer back pressure from consumer lag: the kafka "
            + "backend refuses max.backlog.records/max.backlog.bytes when a topic is created";

    @Test
    @Disabled(NO_SHARED)
    @Override
    void emptyGroupSwitchesModeAndKeepsItsPosition() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedMemberThatLeavesReleasesItsLocksAtOnce() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedReleaseMakesTheRecordAvailableToOthersWithItsDeliveryCountPlusOne() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedInFlightCapLimitsTheLockedRecordsOfAPartition() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedRecordReleasedMaxDeliveriesTimesIsDeadLettered() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedAtMostOnceRecordIsDoneWhenHandedOut() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedMembersBothTakeRecordsOfOnePartition() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedRenewKeepsARecordLockedPastTheOriginalTimeout() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedMemberStallingPastTheVisibilityTimeoutLosesItsRecordsAndItsLateAckIsFenced() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedRecordsLockedAtARestartAreAvailableAgainWithTheirDeliveryCountsKept() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void sharedRecordIsHandedToOneMemberAtATimeWhileLocked() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void memberJoiningASharedGroupInOrderedModeIsRefusedNamingBothModes() {
    }

    @Test
    @Disabled(NO_BACKLOG)
    @Override
    void trySendFailsOnceTheSlowestGroupIsAtTheBacklogLimitAndPassesAfterItAcks() {
    }

    @Test
    @Disabled(NO_BACKLOG)
    @Override
    void sendWaitsWhileTheBacklogIsFullAndCompletesOnceTheGroupCatchesUp() {
    }

    @Test
    @Disabled(NO_SHARED)
    @Override
    void resetOfAnEmptySharedGroupReplaysFromTheNewPositionWithFreshCounts() {
    }
}
