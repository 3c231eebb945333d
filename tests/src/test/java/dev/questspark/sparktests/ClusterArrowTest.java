package dev.questspark.sparktests;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which Arrow runs on a cluster: the cluster's Spark's. The application jar carries no Arrow or Netty classes, and
 * the Arrow and Netty these tests run with (Spark's jars on the classpath, as on an executor) are the versions
 * Spark's own parent pom names, so what is tested here is what runs there.
 */
class ClusterArrowTest {
    @Test
    void theTestsRunTheArrowAndNettySparkIsBuiltWith() throws IOException {
        String parentPom = Files.readString(Path.of(System.getProperty("quest.spark.parent.pom")));
        assertEquals(property(parentPom, "arrow.version"), jarVersion(VectorSchemaRoot.class, "org.apache.arrow", "arrow-vector"),
                "Arrow on the test classpath vs Spark's");
        assertEquals(property(parentPom, "netty.version"), jarVersion(io.netty.buffer.ByteBuf.class, "io.netty", "netty-buffer"),
                "Netty on the test classpath vs Spark's");
    }

    @Test
    void theApplicationJarLeavesArrowAndNettyToSpark() throws IOException {
        Path dir = Path.of(System.getProperty("quest.app.jar.dir"));
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith("-app.jar")).toList();
        }
        assertEquals(1, jars.size(), "one application jar in " + dir + " (jobs is packaged before these tests)");
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            List<String> foreign = jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/arrow/") || n.startsWith("io/netty/") || n.startsWith("org/apache/spark/"))
                    .limit(5).toList();
            assertEquals(List.of(), foreign, "classes the cluster's Spark provides");
            assertTrue(jar.getEntry("dev/questspark/arrow/KvSnapshot.class") != null, "our Arrow code is in it");
        }
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), name + " in Spark's parent pom");
        return m.group(1).trim();
    }

    /** The version in the Maven metadata of the jar a class was loaded from. */
    private static String jarVersion(Class<?> c, String group, String artifact) throws IOException {
        URL props = c.getClassLoader().getResource("META-INF/maven/" + group + "/" + artifact + "/pom.properties");
        assertTrue(props != null, "Maven metadata of " + artifact);
        assertTrue(props.toString().contains(c.getProtectionDomain().getCodeSource().getLocation().getPath()),
                props + " is from the jar of " + c.getName());
        Properties p = new Properties();
        try (InputStream in = props.openStream()) {
            p.load(in);
        }
        return p.getProperty("version");
    }
}
