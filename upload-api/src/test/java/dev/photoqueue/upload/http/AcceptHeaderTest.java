package dev.photoqueue.upload.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptHeaderTest {

    private static final String SSE = "text/event-stream";

    private static boolean allows(String... fields) {
        return AcceptHeader.parse(List.of(fields)).allows(SSE);
    }

    @Test
    void noAcceptOrOnlyEmptyFieldsAllowAnything() {
        assertTrue(AcceptHeader.parse(List.of()).allows(SSE));
        assertTrue(allows(""));
        assertTrue(allows(" , "));
    }

    @Test
    void theTypeItselfAWildcardOrItsTypeRangeAllowIt() {
        assertTrue(allows(SSE));
        assertTrue(allows("*/*"));
        assertTrue(allows("text/*"));
        assertTrue(allows("TEXT/Event-Stream"), "media types are case-insensitive");
        assertTrue(allows("application/json, text/event-stream;q=0.5"));
    }

    @Test
    void otherTypesAndOtherTypeRangesDoNot() {
        assertFalse(allows("application/json"));
        assertFalse(allows("application/*"));
        assertFalse(allows("text/html, application/xhtml+xml"));
        assertFalse(allows("text/plain"));
    }

    @Test
    void weightZeroRefusesAndTheMostSpecificRangeDecides() {
        assertFalse(allows("text/event-stream;q=0"));
        assertFalse(allows("*/*;q=0"));
        assertFalse(allows("text/event-stream; q=0, */*"), "the type's own range beats the wildcard");
        assertFalse(allows("text/*;q=0.000, */*;q=1"));
        assertTrue(allows("text/*;q=0, text/event-stream"), "the type beats its type range");
        assertTrue(allows("*/*;q=0.001"));
    }

    @Test
    void severalFieldsCountAsOneList() {
        assertTrue(allows("application/json", "text/event-stream"));
        assertFalse(allows("application/json", "text/html"));
        assertFalse(allows("*/*", "text/event-stream;q=0"));
    }

    @Test
    void parametersOtherThanTheWeightAndQuotedCommasDoNotConfuseIt() {
        assertTrue(allows("text/event-stream;charset=utf-8"));
        assertFalse(allows("text/html;level=\"1,text/event-stream\""), "a comma inside quotes splits nothing");
        assertFalse(allows("text/event-stream;q=0;ext=1"), "accept extensions follow the weight");
    }

    @Test
    void somethingThatIsNoMediaRangeOrAWeightOutOfRangeIsRefusedNamingIt() {
        IllegalArgumentException noRange = assertThrows(IllegalArgumentException.class, () -> allows("json"));
        assertTrue(noRange.getMessage().contains("'json'"), noRange.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allows("*/json"));
        assertThrows(IllegalArgumentException.class, () -> allows("text/"));
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> allows("text/event-stream;q=2"));
        assertTrue(weight.getMessage().contains("'2'"), weight.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allows("text/event-stream;q=0.5000"));
        assertThrows(IllegalArgumentException.class, () -> allows("text/event-stream;q=high"));
    }

    @Test
    void itsTextIsTheFieldsAsReceived() {
        assertEquals("application/json, text/html", AcceptHeader.parse(List.of("application/json", "text/html"))
                .toString());
    }
}
