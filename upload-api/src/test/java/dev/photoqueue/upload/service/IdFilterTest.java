package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdFilterTest {

    @Test
    void everyIdAddedIsFoundAndFewOthersAreAcrossSeveralGrowths() {
        IdFilter filter = new IdFilter();
        int added = IdFilter.FIRST_CAPACITY * 5; // fills the first three filters and part of a fourth
        for (int i = 0; i < added; i++) {
            filter.add("photo-" + i);
        }
        for (int i = 0; i < added; i++) {
            assertTrue(filter.mightContain("photo-" + i), "photo-" + i + " was added");
        }
        int others = 100_000;
        int yes = 0;
        for (int i = 0; i < others; i++) {
            if (filter.mightContain("other-" + i)) {
                yes++;
            }
        }
        // each of the four filters answers yes for about 1% of ids never added
        assertTrue(yes < others * 0.05, yes + " of " + others + " ids never added were found");
    }

    @Test
    void anEmptyOrClearedFilterHoldsNothing() {
        IdFilter filter = new IdFilter();
        assertFalse(filter.mightContain("a"));
        filter.add("a");
        assertTrue(filter.mightContain("a"));
        filter.clear();
        assertFalse(filter.mightContain("a"));
    }
}
