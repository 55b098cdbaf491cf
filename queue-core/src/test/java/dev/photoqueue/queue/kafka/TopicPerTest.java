package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A kafka backend on the {@link EmbeddedKafka} cluster for each test, with a topic of one
 * partition and a group id of that test's own: named {@code t-<test method>-<suffix>} and
 * {@code g-<test method>-<suffix>} ({@link EmbeddedKafka#uniqueSuffix()}), so no other test or
 * earlier run meets them on the shared cluster. The backend is opened and the topic created before
 * each test (before its {@code @BeforeEach} methods, which may add records); the backend is closed
 * after it. A test class that also has {@code @ExtendWith(EmbeddedKafka.class)} registers it:
 *
 * <pre>{@code @RegisterExtension final TopicPerTest kafka = new TopicPerTest();}</pre>
 *
 * Used by the test thread only.
 */
final class TopicPerTest implements BeforeEachCallback, AfterEachCallback {

    private QueueBackend backend;
    /** The test method's name and a suffix no other test or earlier run has. */
    private String run;

    @Override
    public void beforeEach(ExtensionContext context) {
        run = context.getRequiredTestMethod().getName() + "-" + EmbeddedKafka.uniqueSuffix();
        backend = EmbeddedKafka.openBackend();
        backend.admin().createTopic(new NewTopic(topic(), 1));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    /** This test's backend; closed after the test. */
    QueueBackend backend() {
        return backend;
    }

    /** This test's topic, of one partition. */
    String topic() {
        return "t-" + run;
    }

    /** This test's group id, not used before. */
    String group() {
        return "g-" + run;
    }
}
