package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Kafka backend adds to the contract: its settings, topic creation and errors, on a real broker. */
@ExtendWith(EmbeddedKafka.class)
class KafkaBackendTest {

    private final String run = EmbeddedKafka.uniqueSuffix();
    private QueueBackend backend;

    @BeforeEach
    void open() {
        backend = EmbeddedKafka.openBackend();
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void isFoundByItsNameThroughTheServiceLoader() {
        assertEquals("kafka", backend.name());
    }

    @Test
    void unreachableBootstrapServerFailsWithinTheConnectTimeoutNamingTheAddress() {
        long start = System.nanoTime();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                        "kafka.bootstrap.servers", "127.0.0.1:1", "kafka.connect.timeout.ms", "1500")));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("127.0.0.1:1", e.servers());
        assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("1500 ms"), e.getMessage());
        // well under Kafka's own defaults (30 s request, 60 s API timeout), with room for a loaded machine
        assertTrue(elapsedMs < 15_000, "gave up after " + elapsedMs + " ms, not soon after the 1500 ms connect timeout");
    }

    @Test
    void badBootstrapSettingIsRefusedNamingIt() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", "nohost")));
        assertEquals("kafka.bootstrap.servers", e.key());
    }

    @Test
    void topicIsCreatedWithItsPartitionsAndTheQueueSettingsInKafkasNames() {
        String topic = "created-" + run;
        Admin admin = backend.admin();
        admin.createTopic(new NewTopic(topic, 3).withConfigs(Map.of(TopicConfigs.MAX_RECORD_BYTES, "2000000",
                TopicConfigs.RETENTION_MS, "3600000", TopicConfigs.FSYNC, "always")));
        TopicDescription d = admin.describeTopic(topic);
        assertEquals(3, d.partitions().size());
        assertEquals("2000000", d.configs().get("max.message.bytes"));
        assertEquals("3600000", d.configs().get("retention.ms"));
        assertEquals("1", d.configs().get("flush.messages"));
        assertTrue(admin.listTopics().contains(topic));
        assertThrows(TopicExistsException.class, () -> admin.createTopic(new NewTopic(topic, 3)));
        assertFalse(admin.createTopicIfAbsent(new NewTopic(topic, 3)));
    }

    @Test
    void replicationFactorAboveTheBrokerCountIsRefusedNamingTheTopic() {
        String topic = "replicated-" + run;
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> backend.admin().createTopic(new NewTopic(topic, 1, (short) 3, Map.of())));
        assertTrue(e.getMessage().contains(topic), e.getMessage());
    }

    @Test
    void backlogLimitsOfTheInhouseLogAreRefusedBecauseKafkaHasNoSuchBackPressure() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> backend.admin()
                .createTopic(new NewTopic("limited-" + run, 1).withConfigs(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS, "5"))));
        assertEquals(TopicConfigs.MAX_BACKLOG_RECORDS, e.key());
        assertFalse(backend.admin().listTopics().contains("limited-" + run), "nothing was created");
    }

    @Test
    void internalTopicNamesAreRefusedAndNotListed() {
        assertThrows(InvalidTopicException.class, () -> backend.admin().createTopic(new NewTopic("__mine-" + run, 1)));
        assertTrue(backend.admin().listTopics().stream().noneMatch(t -> t.startsWith(Admin.INTERNAL_PREFIX)));
    }

    @Test
    void describingOrSubscribingToAMissingTopicThrowsUnknownTopicException() {
        String missing = "missing-" + run;
        UnknownTopicException e = assertThrows(UnknownTopicException.class, () -> backend.admin().describeTopic(missing));
        assertEquals(missing, e.topic());
        var member = backend.groupConsumer(dev.photoqueue.queue.api.GroupConsumerConfig.builder("g-" + run).build());
        assertThrows(UnknownTopicException.class, () -> member.subscribe(java.util.List.of(missing)));
        member.close();
    }

    @Test
    void sendAfterCloseFailsWithQueueClosedException() throws Exception {
        var producer = backend.producer();
        producer.close();
        var future = producer.send(ProducerRecord.of("any-" + run, "k", "v"));
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof dev.photoqueue.queue.api.QueueClosedException, e.toString());
    }
}
