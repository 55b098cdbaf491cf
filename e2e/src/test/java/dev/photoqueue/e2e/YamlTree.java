package dev.photoqueue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A YAML file as a Jackson tree, the way Docker Compose reads it: anchors ({@code &name}), aliases
 * ({@code *name}) and merge keys ({@code <<: *name}) resolved. Jackson's own tree reader keeps an
 * alias as the anchor's name and {@code <<} as an ordinary key, so the tree is built here from
 * Jackson's YAML parser events. Keys written in a mapping win over merged ones, as in YAML's merge
 * key type. One file per instance; not thread-safe.
 */
final class YamlTree {

    private static final String MERGE_KEY = "<<";

    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Path file;

    private YamlTree(Path file) {
        this.file = file;
    }

    static JsonNode read(Path file) throws IOException {
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            if (parser.nextToken() == null) {
                throw new IOException(file + " holds no YAML document");
            }
            return new YamlTree(file).node(parser);
        }
    }

    /** The node whose first token is the parser's current one. */
    private JsonNode node(YAMLParser parser) throws IOException {
        if (parser.isCurrentAlias()) {
            JsonNode target = anchors.get(parser.getText());
            if (target == null) {
                throw new IOException(file + ": alias *" + parser.getText() + " names no anchor before it, line "
                        + parser.currentLocation().getLineNr());
            }
            return target.deepCopy();
        }
        Object anchor = parser.getObjectId();
        JsonNode node = switch (parser.currentToken()) {
            case START_OBJECT -> mapping(parser);
            case START_ARRAY -> sequence(parser);
            case VALUE_STRING -> JsonNodeFactory.instance.textNode(parser.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> JsonNodeFactory.instance.textNode(parser.getText());
            case VALUE_TRUE, VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(parser.getBooleanValue());
            case VALUE_NULL -> JsonNodeFactory.instance.nullNode();
            default -> throw new IOException(file + ": unexpected " + parser.currentToken() + " at line "
                    + parser.currentLocation().getLineNr());
        };
        if (anchor != null) {
            anchors.put(anchor.toString(), node);
        }
        return node;
    }

    private ObjectNode mapping(YAMLParser parser) throws IOException {
        ObjectNode mapping = JsonNodeFactory.instance.objectNode();
        List<JsonNode> merged = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            JsonNode value = node(parser);
            if (key.equals(MERGE_KEY)) {
                if (value.isArray()) {
                    value.forEach(merged::add);
                } else {
                    merged.add(value);
                }
            } else {
                mapping.set(key, value);
            }
        }
        for (JsonNode source : merged) {
            if (!source.isObject()) {
                throw new IOException(file + ": a merge key must name mappings, got " + source);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!mapping.has(field.getKey())) {
                    mapping.set(field.getKey(), field.getValue().deepCopy());
                }
            }
        }
        return mapping;
    }

    private ArrayNode sequence(YAMLParser parser) throws IOException {
        ArrayNode sequence = JsonNodeFactory.instance.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            sequence.add(node(parser));
        }
        return sequence;
    }
}
