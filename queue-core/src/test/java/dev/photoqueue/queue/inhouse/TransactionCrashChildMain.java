package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.inhouse.TransactionCoordinator.Stage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Run by {@link TransactionCrashTest} in a child JVM: consume-transform-produce from
 * {@value #INPUT} to {@value #OUTPUT} in group {@value #GROUP}, one transaction a poll (1 to 8
 * records), each input giving the output {@code "out-" + value}. The run dies
 * ({@code Runtime.halt}, exit {@value #HALT_STATUS}) in its transaction number {@code n} at one
 * moment: before the commit with the outputs sent, or after one of the commit's steps
 * ({@link Stage}). Both are drawn from the seed and printed first, as {@code crash <moment> <n>}.
 * It exits 0 once the group has no lag left.
 *
 * <p>Arguments: {@code DATA_DIR SEED}.
 */
public final class TransactionCrashChildMain {

    static final String GROUP = "transformers";
    static final String INPUT = "inputs";
    static final String OUTPUT = "outputs";
    static final String BEFORE_COMMIT = "BEFORE_COMMIT";
    static final int HALT_STATUS = 3;

    private TransactionCrashChildMain() {
    }

    public static void main(String[] args) {
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        List<String> moments = List.of(BEFORE_COMMIT, Stage.COMMIT_WRITTEN.name(), Stage.OUTPUTS_WRITTEN.name(),
                Stage.POSITIONS_PERSISTED.name());
        String moment = moments.get(random.nextInt(moments.size()));
        int crashIn = random.nextInt(4);
        System.out.println("crash " + moment + " " + crashIn);
        System.out.flush();
        int[] transactions = {0};
        TransactionCoordinator.StageListener stages = stage -> {
            if (stage.name().equals(moment) && transactions[0] == crashIn) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
        };
        InhouseConfig config = InhouseConfig.parse(Map.of("backend", "inhouse", "data.dir", args[0],
                "auto.create.topics", "false"));
        try (QueueBackend backend = InhouseBackend.open(config, stages);
             TransactionalProducer tx = backend.transactionalProducer("transformer");
             GroupConsumer consumer = backend.groupConsumer(GroupConsumerConfig.builder(GROUP)
                     .maxPollRecords(1 + random.nextInt(8)).build())) {
            consumer.subscribe(List.of(INPUT));
            while (true) {
                List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    if (backend.admin().describeGroup(GROUP).totalLag() == 0) {
                        return;
                    }
                    continue;
                }
                tx.beginTransaction();
                for (ConsumerRecord r : records) {
                    tx.send(ProducerRecord.of(OUTPUT, r.keyAsString(), "out-" + r.valueAsString()));
                    tx.ackInTransaction(consumer, r);
                }
                if (moment.equals(BEFORE_COMMIT) && transactions[0] == crashIn) {
                    Runtime.getRuntime().halt(HALT_STATUS);
                }
                tx.commitTransaction();
                transactions[0]++;
            }
        }
    }
}
