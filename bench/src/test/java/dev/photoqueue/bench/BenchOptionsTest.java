package dev.photoqueue.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BenchOptionsTest {

    @Test
    void peerAndBesideDefaultToNoneAndAcceptTheirOneValue() {
        BenchOptions plain = BenchOptions.parse(List.of("log"));
        assertFalse(plain.chroniclePeer());
        assertFalse(plain.stressBeside());

        BenchOptions both = BenchOptions.parse(List.of("log", "--peer", "chronicle", "--beside", "stress"));
        assertTrue(both.chroniclePeer());
        assertTrue(both.stressBeside());
    }

    @Test
    void unknownPeerOrBesideIsRefusedNamingTheValue() {
        IllegalArgumentException peer = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(List.of("log", "--peer", "kafka")));
        assertTrue(peer.getMessage().contains("--peer") && peer.getMessage().contains("\"kafka\""), peer.getMessage());

        IllegalArgumentException beside = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(List.of("log", "--beside", "build")));
        assertTrue(beside.getMessage().contains("--beside") && beside.getMessage().contains("\"build\""),
                beside.getMessage());
    }
}
