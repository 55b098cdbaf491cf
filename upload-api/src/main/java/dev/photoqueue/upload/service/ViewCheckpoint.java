package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.TopicPartition;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the status view publishes with its photo index: the log positions the index covers (the
 * next offset to read of each partition), how many photos it knows, the starts of the timed
 * replays (a stored photo's epoch tells which it has applied) and the photos it had in memory
 * (read back at start: the unfinished ones and the cache).
 */
record ViewCheckpoint(Map<TopicPartition, Long> positions, long known, List<Long> replays, List<String> inMemory) {

    private static final int VERSION = 1;

    ViewCheckpoint {
        positions = Map.copyOf(positions);
        replays = List.copyOf(replays);
        inMemory = List.copyOf(inMemory);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            out.writeLong(known);
            out.writeInt(positions.size());
            for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
                out.writeUTF(p.getKey().topic());
                out.writeInt(p.getKey().partition());
                out.writeLong(p.getValue());
            }
            out.writeInt(replays.size());
            for (long from : replays) {
                out.writeLong(from);
            }
            out.writeInt(inMemory.size());
            for (String id : inMemory) {
                out.writeUTF(id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // never: in memory
        }
        return bytes.toByteArray();
    }

    /** The checkpoint in {@code bytes}; {@link IllegalArgumentException} when they are not one. */
    static ViewCheckpoint decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("a status view checkpoint of version " + version + ", expected "
                        + VERSION);
            }
            long known = in.readLong();
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                positions.put(new TopicPartition(in.readUTF(), in.readInt()), in.readLong());
            }
            List<Long> replays = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                replays.add(in.readLong());
            }
            List<String> inMemory = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                inMemory.add(in.readUTF());
            }
            return new ViewCheckpoint(positions, known, replays, inMemory);
        } catch (IOException e) {
            throw new IllegalArgumentException("a damaged status view checkpoint (" + bytes.length + " bytes): " + e, e);
        }
    }
}
