package dev.photoqueue.worker;

import dev.photoqueue.queue.api.TopicPartition;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link PhotoStats} publishes with its index of photo ids: every user's counts and the
 * positions of {@code photo.events} they cover (the next offset to read of each partition). The
 * index's checkpoint makes it durable after the ids it covers (temp file, force, rename, force the
 * folder), so counts, ids and positions are always of one moment.
 */
record StatsCheckpoint(Map<TopicPartition, Long> positions, List<PhotoStats.UserCount> users) {

    private static final int VERSION = 1;

    StatsCheckpoint {
        positions = Map.copyOf(positions);
        users = List.copyOf(users);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeInt(positions.size());
            for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
                out.writeUTF(p.getKey().topic());
                out.writeInt(p.getKey().partition());
                out.writeLong(p.getValue());
            }
            out.writeInt(users.size());
            for (PhotoStats.UserCount u : users) {
                out.writeUTF(u.userId());
                out.writeLong(u.counted());
                out.writeLong(u.distinct());
                out.writeLong(u.redelivered());
                out.writeLong(u.replayed());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // never: in memory
        }
        return bytes.toByteArray();
    }

    /** The checkpoint in {@code bytes}; {@link IllegalArgumentException} naming what is wrong when they are not one. */
    static StatsCheckpoint decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("a stats checkpoint of version " + version + ", expected " + VERSION);
            }
            Map<TopicPartition, Long> positions = new HashMap<>();
            int partitions = in.readInt();
            for (int i = 0; i < partitions; i++) {
                positions.put(new TopicPartition(in.readUTF(), in.readInt()), in.readLong());
            }
            int count = in.readInt();
            if (count < 0) {
                throw new IllegalArgumentException("a stats checkpoint with " + count + " users");
            }
            PhotoStats.UserCount[] users = new PhotoStats.UserCount[count];
            for (int i = 0; i < count; i++) {
                users[i] = new PhotoStats.UserCount(in.readUTF(), in.readLong(), in.readLong(), in.readLong(),
                        in.readLong());
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("a stats checkpoint with " + in.available() + " bytes past its end");
            }
            return new StatsCheckpoint(positions, List.of(users));
        } catch (IOException e) {
            throw new IllegalArgumentException("a damaged stats checkpoint (" + bytes.length + " bytes): " + e, e);
        }
    }
}
