package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.router.ParsedEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.photoqueue.upload.TestClient.Part;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /openapi.json} against the code, on a real server with one worker and an admin
 * token: the routes the server registers and the operations the document describes are the same
 * set, both ways; the document is well formed (every reference resolves, every operation has
 * responses, every path parameter is declared); the operations marked for the admin token are the
 * ones that refuse a request without it; and real answers, errors included, have a documented
 * status and match the documented schema (required properties, types, no undocumented properties
 * where the schema is closed).
 */
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
            "trace");
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private static final Duration WAIT = Duration.ofSeconds(60);

    static RunningApp running;
    static TestClient client;
    static JsonNode doc;
    /** A photo the worker processed, by user ada; and one it dead-lettered: no list the reads return is empty. */
    static String done;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "2", "ADMIN_TOKEN", "openapi-secret"));
        client = running.client;
        HttpResponse<String> r = client.get("/openapi.json");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("(none)").split(";")[0]);
        doc = json(r);

        byte[] meadow = TestClient.sample("GreenMeadow.jpg");
        done = json(client.upload("", Map.of(), Part.file("file", "a.jpg", meadow), Part.field("user", "ada"),
                Part.field("city", "Lisbon"))).get("id").asText();
        // the header is intact, so the upload is accepted; the worker cannot decode it
        String dead = json(client.upload("", Map.of(), Part.file("file", "cut.jpg",
                Arrays.copyOf(meadow, meadow.length * 2 / 5)))).get("id").asText();
        client.await("/api/photos/" + done, p -> p.get("status").asText().equals("DONE"), WAIT);
        client.await("/api/photos/" + dead, p -> p.get("status").asText().equals("DEAD_LETTERED"), WAIT);
        client.await("/api/dlq", l -> l.size() == 1, WAIT);
        client.await("/api/stats", s -> s.get("users").size() > 0, WAIT);
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void everyRegisteredRouteIsDescribedAndEveryDescribedOperationIsRegistered() {
        Set<String> registered = new TreeSet<>();
        Set<String> heads = new TreeSet<>();
        for (ParsedEndpoint e : running.app.server().unsafe.internalRouter.allHttpHandlers()) {
            String path = e.endpoint.path.replaceAll("<([^>]+)>", "{$1}");
            if (e.endpoint.method.name().equals("HEAD")) {
                heads.add("GET " + path); // a HEAD route is its GET without the body: its GET describes it
            } else if (e.endpoint.method.isHttpMethod()) {
                registered.add(e.endpoint.method.name() + " " + path);
            }
        }
        Set<String> described = new TreeSet<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        assertTrue(registered.size() > 20, "the route table was read: " + registered);
        Set<String> undescribed = new TreeSet<>(registered);
        undescribed.removeAll(described);
        Set<String> unregistered = new TreeSet<>(described);
        unregistered.removeAll(registered);
        assertTrue(undescribed.isEmpty() && unregistered.isEmpty(), "registered but not in openapi.json: "
                + undescribed + "; in openapi.json but not registered: " + unregistered);
        Set<String> headsWithoutGet = new TreeSet<>(heads);
        headsWithoutGet.removeAll(described);
        assertTrue(headsWithoutGet.isEmpty(), "HEAD routes whose GET is not described: " + headsWithoutGet);
    }

    @Test
    void theDocumentIsWellFormed() {
        assertTrue(doc.path("openapi").asText().startsWith("3.1."), doc.path("openapi").toString());
        assertFalse(doc.path("info").path("title").asText().isBlank());
        assertFalse(doc.path("info").path("version").asText().isBlank());
        List<String> problems = new ArrayList<>();
        checkReferences(doc, "#", problems);
        Set<String> operationIds = new HashSet<>();
        doc.get("paths").fields().forEachRemaining(path -> {
            Set<String> inTemplate = new TreeSet<>();
            Matcher m = TEMPLATE_PARAMETER.matcher(path.getKey());
            while (m.find()) {
                inTemplate.add(m.group(1));
            }
            path.getValue().fields().forEachRemaining(op -> {
                String where = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode operation = op.getValue();
                if (!operationIds.add(operation.path("operationId").asText())) {
                    problems.add(where + ": operationId '" + operation.path("operationId").asText() + "' not unique");
                }
                if (!operation.path("responses").isObject() || operation.path("responses").isEmpty()) {
                    problems.add(where + ": no responses");
                }
                operation.path("responses").fields().forEachRemaining(r -> {
                    if (!r.getKey().matches("[1-5][0-9][0-9]|default")) {
                        problems.add(where + ": response '" + r.getKey() + "' is no status code");
                    }
                    if (resolve(r.getValue()).path("description").asText().isBlank()) {
                        problems.add(where + " " + r.getKey() + ": no description");
                    }
                });
                Set<String> declared = new TreeSet<>();
                for (JsonNode p : operation.path("parameters")) {
                    if (p.path("in").asText().equals("path")) {
                        declared.add(p.path("name").asText());
                        if (!p.path("required").asBoolean()) {
                            problems.add(where + ": path parameter " + p.path("name") + " not required");
                        }
                    }
                }
                if (!declared.equals(inTemplate)) {
                    problems.add(where + ": path parameters declared " + declared + ", in the path " + inTemplate);
                }
            });
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theOperationsMarkedForTheAdminTokenAreExactlyTheOnesThatNeedIt() {
        List<String> checked = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String method = op.getKey().toUpperCase(Locale.ROOT);
            boolean marked = op.getValue().has("security");
            if (method.equals("GET")) {
                assertFalse(marked, "GET " + path.getKey() + " is marked for the admin token; reads are open");
                return;
            }
            String concrete = TEMPLATE_PARAMETER.matcher(path.getKey()).replaceAll("x");
            HttpResponse<String> r = client.call(method, concrete, "{}", null);
            if (marked) {
                assertDescribed(401, method, path.getKey(), r);
            } else {
                assertTrue(r.statusCode() != 401, method + " " + path.getKey() + " needs the token but is not "
                        + "marked for it: " + r.body());
            }
            checked.add(method + " " + path.getKey());
        }));
        assertTrue(checked.size() >= 8, checked.toString());
    }

    @Test
    void everyParameterlessJsonReadAnswersAsDescribed() {
        List<String> checked = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(path -> {
            JsonNode ok = path.getValue().path("get").path("responses").path("200");
            if (!path.getKey().contains("{") && resolve(ok).path("content").has("application/json")) {
                assertDescribed("GET", path.getKey(), client.get(path.getKey()));
                checked.add(path.getKey());
            }
        });
        assertTrue(checked.containsAll(List.of("/api/photos", "/api/queue", "/api/cluster", "/api/dlq",
                "/api/workers", "/api/chaos", "/api/stats", "/api/settings", "/livez", "/readyz")), checked.toString());
        // so that the schemas of their items were checked too
        assertFalse(json(client.get("/api/dlq")).isEmpty());
        assertFalse(json(client.get("/api/photos")).isEmpty());
        assertFalse(json(client.get("/api/queue")).get("groups").isEmpty());
        assertDescribed(200, "GET", "/metrics", client.get("/metrics"));
        // last: the dead letter the reads listed goes back to its partition
        assertDescribed(200, "POST", "/api/dlq/redrive", client.admin("POST", "/api/dlq/redrive", null));
    }

    @Test
    void uploadsPhotosAndTheirFilesAnswerAsDescribed() {
        byte[] meadow = TestClient.sample("GreenMeadow.jpg");
        HttpResponse<String> accepted = client.upload("", Map.of("Idempotency-Key", "openapi-async"),
                Part.file("file", "a.jpg", meadow));
        assertDescribed(202, "POST", "/api/photos", accepted);
        String id = json(accepted).get("id").asText();
        assertDescribed(202, "POST", "/api/photos", client.upload("", Map.of("Idempotency-Key", "openapi-async"),
                Part.file("file", "a.jpg", meadow)));
        assertDescribed(422, "POST", "/api/photos", client.upload("", Map.of("Idempotency-Key", "openapi-async"),
                Part.file("file", "a.jpg", TestClient.sample("FreshFlower.jpg"))));
        assertDescribed(201, "POST", "/api/photos", client.upload("?mode=sync", Map.of(),
                Part.file("file", "b.jpg", meadow)));
        assertDescribed(415, "POST", "/api/photos", client.upload("", Map.of(),
                Part.file("file", "c.jpg", TestClient.sample("not-an-image.jpg"))));
        assertDescribed(400, "POST", "/api/photos", client.upload("?mode=later", Map.of(),
                Part.file("file", "d.jpg", meadow)));

        assertDescribed(200, "GET", "/api/photos/{id}", client.get("/api/photos/" + id));
        assertDescribed(200, "GET", "/api/photos/{id}", client.get("/api/photos/" + done));
        assertDescribed(404, "GET", "/api/photos/{id}", client.get("/api/photos/no-such-photo"));
        assertDescribed(200, "GET", "/api/photos/{id}/journey", client.get("/api/photos/" + done + "/journey"));
        assertDescribed(404, "GET", "/api/photos/{id}/journey", client.get("/api/photos/no-such-photo/journey"));
        assertDescribed(200, "GET", "/api/photos", client.get("/api/photos?limit=5"));
        assertDescribed(400, "GET", "/api/photos", client.get("/api/photos?limit=0"));
        assertDescribed(200, "GET", "/photos/{id}/{file}", fetch("/photos/" + done + "/thumb.jpg"));
        assertDescribed(404, "GET", "/photos/{id}/{file}", fetch("/photos/" + done + "/none.jpg"));
        assertDescribed(200, "GET", "/photos/{id}/{version}/{file}", fetch("/photos/" + done + "/v1/thumb.jpg"));
        assertDescribed(406, "GET", "/api/events", client.send(HttpRequest.newBuilder(URI.create(client.base()
                + "/api/events")).header("Accept", "application/json").GET().build()));
    }

    @Test
    void adminOperationsAndTheirErrorsAnswerAsDescribed() {
        assertDescribed(200, "PUT", "/api/settings", client.admin("PUT", "/api/settings", "{\"autoscale\": false}"));
        assertDescribed(400, "PUT", "/api/settings", client.admin("PUT", "/api/settings", "{\"bogus\": 1}"));
        assertDescribed(200, "PUT", "/api/chaos", client.admin("PUT", "/api/chaos", "{\"probability\": 0}"));
        assertDescribed(400, "PUT", "/api/chaos", client.admin("PUT", "/api/chaos", "{\"probability\": 2}"));
        assertDescribed(200, "PUT", "/api/workers", client.admin("PUT", "/api/workers", "{\"count\": 1}"));
        assertDescribed(200, "PUT", "/api/workers", client.admin("PUT", "/api/workers", "{\"change\": 0}"));
        assertDescribed(400, "PUT", "/api/workers", client.admin("PUT", "/api/workers", "{\"count\": \"many\"}"));
        assertDescribed(404, "POST", "/api/workers/{id}/crash", client.admin("POST", "/api/workers/nobody/crash", null));
        assertDescribed(404, "POST", "/api/dlq/{id}/redrive", client.admin("POST", "/api/dlq/7000/redrive", null));
        assertDescribed(400, "POST", "/api/dlq/{id}/redrive", client.admin("POST", "/api/dlq/seven/redrive", null));
        assertDescribed(404, "POST", "/api/replay", client.admin("POST", "/api/replay",
                "{\"group\": \"no-such-group\", \"from\": \"2024-01-01T00:00:00Z\"}"));
        assertDescribed(400, "POST", "/api/replay", client.admin("POST", "/api/replay", "{\"group\": \"status-view\"}"));
    }

    private static HttpResponse<String> fetch(String path) {
        return client.send(HttpRequest.newBuilder(URI.create(client.base() + path)).GET().build());
    }

    /** {@link #assertDescribed(String, String, HttpResponse)} for an answer that must have {@code status}. */
    private static void assertDescribed(int status, String method, String template, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), method + " " + template + ": " + r.body());
        assertDescribed(method, template, r);
    }

    /**
     * The answer's status is described for the operation, its Content-Type is one the description
     * offers, and a JSON body matches the described schema.
     */
    private static void assertDescribed(String method, String template, HttpResponse<String> r) {
        String where = method + " " + template + " answered " + r.statusCode();
        JsonNode operation = doc.path("paths").path(template).path(method.toLowerCase(Locale.ROOT));
        assertFalse(operation.isMissingNode(), method + " " + template + " is not described");
        JsonNode described = resolve(operation.path("responses").path(String.valueOf(r.statusCode())));
        if (described.isMissingNode()) {
            fail(where + ", a status its description does not list: " + r.body());
        }
        if (!described.has("content")) {
            return;
        }
        String type = r.headers().firstValue("Content-Type").orElse("(none)").split(";")[0].trim();
        JsonNode media = described.path("content").path(type);
        assertFalse(media.isMissingNode(), where + " with Content-Type " + type + ", described: "
                + described.path("content").fieldNames().next());
        if (type.equals("application/json")) {
            List<String> problems = new ArrayList<>();
            check(media.path("schema"), json(r), "$", problems);
            assertTrue(problems.isEmpty(), where + ", not as described: " + problems + "\n" + r.body());
        }
    }

    /** The node a {@code $ref} names, or the node itself. */
    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = doc.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    private static void checkReferences(JsonNode node, String at, List<String> problems) {
        if (node.has("$ref")) {
            String target = node.get("$ref").asText();
            if (!target.startsWith("#/") || doc.at(target.substring(1)).isMissingNode()) {
                problems.add(at + ": $ref " + target + " resolves to nothing");
            }
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> checkReferences(e.getValue(), at + "/" + e.getKey(), problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(node.get(i), at + "/" + i, problems);
            }
        }
    }

    /**
     * The subset of JSON Schema the document uses: $ref, anyOf, type (one or a list), enum,
     * properties, required, additionalProperties, items and the date-time format.
     */
    private static void check(JsonNode schema, JsonNode value, String at, List<String> problems) {
        schema = resolve(schema);
        if (schema.has("anyOf")) {
            for (JsonNode option : schema.get("anyOf")) {
                List<String> optionProblems = new ArrayList<>();
                check(option, value, at, optionProblems);
                if (optionProblems.isEmpty()) {
                    return;
                }
            }
            problems.add(at + ": " + value + " matches none of " + schema.get("anyOf"));
            return;
        }
        if (schema.has("type") && !hasType(schema.get("type"), value)) {
            problems.add(at + ": " + abbreviate(value) + " is not of type " + schema.get("type"));
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                problems.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isTextual() && "date-time".equals(schema.path("format").asText())) {
            try {
                OffsetDateTime.parse(value.asText());
            } catch (DateTimeParseException e) {
                problems.add(at + ": '" + value.asText() + "' is no date-time");
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(at + ": required property '" + required.asText() + "' is missing");
                }
            }
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String fieldAt = at + "." + field.getKey();
                if (properties.has(field.getKey())) {
                    check(properties.get(field.getKey()), field.getValue(), fieldAt, problems);
                } else if (additional.isBoolean() && !additional.asBoolean()) {
                    problems.add(fieldAt + ": a property the schema does not describe");
                } else if (additional.isObject()) {
                    check(additional, field.getValue(), fieldAt, problems);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
            }
        }
    }

    private static boolean hasType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (hasType(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> throw new AssertionError("the document uses type '" + type.asText() + "', unknown here");
        };
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
