package dev.questspark.eval;

import dev.questspark.kernel.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A description of the machine a report was measured on, read from the JVM and /proc. */
public final class MachineInfo {
    private MachineInfo() {}

    /** Markdown list items: CPU, cores, memory, OS, JVM and the native kernel's instruction set. */
    public static List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("CPU: " + procField("/proc/cpuinfo", "model name", "unknown") + " (" + Runtime.getRuntime().availableProcessors()
                + " processors available to the JVM)");
        out.add("Memory: " + memory());
        out.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.add("Load average when the report was written (1, 5, 15 min; other processes sharing the cores make timings noisy): "
                + loadAverage());
        out.add("Native kernel: " + (NativeLibrary.isLoaded() ? "loaded, ISA " + NativeLibrary.isa()
                : "not loaded (" + NativeLibrary.failure() + "), Java twins"));
        return out;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memory() {
        String kb = procField("/proc/meminfo", "MemTotal", "");
        try {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replace("kB", "").trim()) / 1048576.0);
        } catch (NumberFormatException e) {
            return kb.isEmpty() ? "unknown" : kb;
        }
    }

    private static String procField(String file, String key, String fallback) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? fallback : line.substring(colon + 1).trim();
                }
            }
        } catch (IOException e) {
            return fallback;
        }
        return fallback;
    }
}
