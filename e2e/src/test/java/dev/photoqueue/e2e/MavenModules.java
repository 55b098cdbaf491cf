package dev.photoqueue.e2e;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's Maven modules as its poms declare them: which modules the parent lists, which of
 * them each module depends on, and which folders outside its own a module's build reads.
 */
final class MavenModules {

    private static final String GROUP = "dev.photoqueue";
    private static final Pattern OUTSIDE = Pattern.compile("\\$\\{project\\.basedir}/\\.\\./([A-Za-z0-9._-]+)");

    private final Path root;
    /** Module folder by artifactId. */
    private final Map<String, String> folders = new LinkedHashMap<>();
    private final Map<String, Document> poms = new LinkedHashMap<>();

    MavenModules(Path root) throws Exception {
        this.root = root;
        Document parent = parse(root.resolve("pom.xml"));
        for (Element module : children(parent.getDocumentElement(), "modules", "module")) {
            String folder = module.getTextContent().trim();
            Document pom = parse(root.resolve(folder).resolve("pom.xml"));
            String artifactId = children(pom.getDocumentElement(), "artifactId").get(0).getTextContent().trim();
            folders.put(artifactId, folder);
            poms.put(folder, pom);
        }
    }

    /** The module folders the parent pom lists, in its order. */
    List<String> folders() {
        return List.copyOf(poms.keySet());
    }

    /** The folders of {@code folder} and of every module it depends on, directly or not, in any scope. */
    Set<String> withDependencies(String folder) {
        Set<String> found = new TreeSet<>();
        collect(folder, found);
        return found;
    }

    /** Folders beside the modules that {@code folder}'s pom reads ({@code ${project.basedir}/../name}). */
    Set<String> outsideFolders(String folder) throws Exception {
        Set<String> names = new TreeSet<>();
        Matcher m = OUTSIDE.matcher(Files.readString(root.resolve(folder).resolve("pom.xml")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private void collect(String folder, Set<String> found) {
        Document pom = poms.get(folder);
        if (pom == null) {
            throw new IllegalArgumentException("no module '" + folder + "' in the parent pom; modules: " + folders());
        }
        if (!found.add(folder)) {
            return;
        }
        for (Element dependency : children(pom.getDocumentElement(), "dependencies", "dependency")) {
            if (GROUP.equals(text(dependency, "groupId"))) {
                String artifactId = text(dependency, "artifactId");
                String dependencyFolder = folders.get(artifactId);
                if (dependencyFolder == null) {
                    throw new IllegalArgumentException(folder + " depends on " + GROUP + ":" + artifactId
                            + ", which is no module of the parent pom");
                }
                collect(dependencyFolder, found);
            }
        }
    }

    private static String text(Element element, String child) {
        List<Element> found = children(element, child);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    /** The elements at {@code path} below {@code element}, one name a level, direct children only. */
    private static List<Element> children(Element element, String... path) {
        List<Element> level = List.of(element);
        for (String name : path) {
            List<Element> next = new ArrayList<>();
            for (Element e : level) {
                NodeList nodes = e.getChildNodes();
                for (int i = 0; i < nodes.getLength(); i++) {
                    Node n = nodes.item(i);
                    if (n instanceof Element child && child.getTagName().equals(name)) {
                        next.add(child);
                    }
                }
            }
            level = next;
        }
        return level;
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }
}
