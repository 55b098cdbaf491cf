package dev.photoqueue.upload.service;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a photo's journey, as {@code GET /api/photos/{id}/journey} shows it: when, what
 * ({@code uploaded}, {@code delivered}, {@code crashed}, {@code expired}, {@code released},
 * {@code processed}, {@code failed}, {@code dead-lettered}, {@code redriven}, {@code lost}) and the
 * details of that kind of step, shown beside {@code at} and {@code what} in the JSON.
 */
public record JourneyStep(Instant at, String what, @JsonIgnore Map<String, Object> details) {

    public JourneyStep {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(what, "what");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A step at {@code millis} since the epoch, with details given as name, value, name, value... */
    static JourneyStep of(long millis, String what, Object... nameValue) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValue.length; i += 2) {
            if (nameValue[i + 1] != null) {
                details.put((String) nameValue[i], nameValue[i + 1]);
            }
        }
        return new JourneyStep(Instant.ofEpochMilli(millis), what, details);
    }

    @JsonAnyGetter
    Map<String, Object> detailsForJson() {
        return details;
    }
}
