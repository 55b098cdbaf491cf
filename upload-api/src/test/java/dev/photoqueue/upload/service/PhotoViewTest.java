package dev.photoqueue.upload.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PhotoViewTest {

    @Test
    void keepsTheVariantsInTheWorkersOrderAndApartFromLaterChanges() {
        Map<String, String> made = new LinkedHashMap<>();
        for (String name : List.of("thumb", "small", "medium", "large", "square", "tiny")) {
            made.put(name, StatusView.variantUrl("p1", name));
        }

        PhotoView view = new PhotoView("p1", PhotoStatus.DONE, 1, made, null, 0, 7, null, null, Instant.EPOCH,
                Instant.EPOCH, false, false);
        made.clear();

        assertEquals(List.of("thumb", "small", "medium", "large", "square", "tiny"), List.copyOf(view.variants().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> view.variants().put("x", "y"));
    }
}
