package dev.photoqueue.queue.env;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Time that moves only when the simulation says so, and the schedulers that run on it: the same
 * seed gives the same order of every timer, every time. Tasks due at the same moment run in the
 * order they were scheduled. {@link TaskScheduler#execute} runs its task at once on the calling
 * thread (after the task this scheduler is running, if any): that is what lets a simulated send
 * complete before the call that made it returns, with no other thread. Single-threaded.
 */
public final class VirtualTime {

    private static final long START_MILLIS = 1_700_000_000_000L;

    private record Timer(long dueNanos, long seq, Scheduler owner, String name, Runnable task, long periodNanos) {
    }

    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.dueNanos != b.dueNanos
            ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.seq, b.seq));
    private long nanos;
    private long seq;
    private final List<String> failures = new ArrayList<>();

    public long nanoTime() {
        return nanos;
    }

    public long millis() {
        return START_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    public Clock clock() {
        return new MillisClock(this::millis);
    }

    /** An environment on {@code files} and this time. */
    public Env env(FileIO files) {
        return new Env(files, clock(), this::nanoTime, Scheduler::new, name -> {
            Scheduler s = new Scheduler(name);
            return new SerialExecutor() {
                @Override
                public void execute(Runnable task) {
                    s.execute(name, task);
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        });
    }

    /**
     * Moves time forward by {@code deltaNanos}, running every timer that falls due on the way, in
     * order, each at its own moment. Returns how many ran.
     */
    public int advance(long deltaNanos) {
        long target = nanos + deltaNanos;
        int ran = 0;
        while (!timers.isEmpty() && timers.peek().dueNanos <= target) {
            Timer t = timers.poll();
            if (t.owner.closed) {
                continue;
            }
            nanos = Math.max(nanos, t.dueNanos);
            t.owner.runNow(t.name, t.task);
            ran++;
            if (t.periodNanos > 0 && !t.owner.closed && !t.owner.cancelled.contains(t.seq)) {
                timers.add(new Timer(nanos + t.periodNanos, t.seq, t.owner, t.name, t.task, t.periodNanos));
            }
        }
        nanos = target;
        return ran;
    }

    /** Drops every timer: the process that set them is gone. */
    public void forgetTimers() {
        timers.clear();
    }

    /** Tasks that threw, by name and exception, in order: the simulation fails on the unexpected ones. */
    public List<String> failures() {
        return failures;
    }

    /** A {@link TaskScheduler} on virtual time. */
    final class Scheduler implements TaskScheduler {

        private final String name;
        private boolean running;
        private boolean closed;
        private final java.util.ArrayDeque<Runnable> later = new java.util.ArrayDeque<>();
        private final java.util.Set<Long> cancelled = new java.util.HashSet<>();

        Scheduler(String name) {
            this.name = name;
        }

        void runNow(String taskName, Runnable task) {
            if (running) {
                later.add(() -> runGuarded(taskName, task));
                return;
            }
            running = true;
            try {
                runGuarded(taskName, task);
                Runnable next;
                while ((next = later.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }

        private void runGuarded(String taskName, Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                failures.add(name + "/" + taskName + ": " + e);
            }
        }

        @Override
        public void execute(String taskName, Runnable task) {
            runNow(taskName, task);
        }

        @Override
        public void schedule(String taskName, Runnable task, long delayMs) {
            if (closed) {
                runNow(taskName, task);
                return;
            }
            timers.add(new Timer(nanos + TimeUnit.MILLISECONDS.toNanos(delayMs), seq++, this, taskName, task, 0));
        }

        @Override
        public Cancellable scheduleWithFixedDelay(String taskName, Runnable task, long initialDelayMs, long delayMs) {
            long id = seq++;
            if (!closed) {
                timers.add(new Timer(nanos + TimeUnit.MILLISECONDS.toNanos(initialDelayMs), id, this, taskName, task,
                        TimeUnit.MILLISECONDS.toNanos(Math.max(1, delayMs))));
            }
            return () -> cancelled.add(id);
        }

        @Override
        public void close() {
            closed = true;
            List<Timer> mine = new ArrayList<>();
            for (Timer t : timers) {
                if (t.owner == this && t.periodNanos == 0) {
                    mine.add(t);
                }
            }
            timers.removeIf(t -> t.owner == this);
            mine.sort((a, b) -> Long.compare(a.seq, b.seq));
            for (Timer t : mine) {
                runNow(t.name, t.task);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
