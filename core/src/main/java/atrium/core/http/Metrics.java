package atrium.core.http;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/** A small Prometheus registry: counters and gauges, written in the text exposition format. */
public final class Metrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();

    public Metrics() {
        var mem = ManagementFactory.getMemoryMXBean();
        gauge("jvm_heap_used_bytes", "Heap in use", () -> mem.getHeapMemoryUsage().getUsed());
        gauge("jvm_nonheap_used_bytes", "Non-heap memory in use", () -> mem.getNonHeapMemoryUsage().getUsed());
        gauge("process_uptime_seconds", "Seconds since start",
                () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        gauge("jvm_threads_live", "Live platform threads", () -> ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** Adds n to the counter {@code name{labels}}; labels like {@code status="200"}. */
    public void count(String name, String labels, long n) {
        counters.computeIfAbsent(labels.isEmpty() ? name : name + "{" + labels + "}", k -> new LongAdder()).add(n);
    }

    public void describe(String name, String text) {
        help.put(name, text);
    }

    public void gauge(String name, String text, DoubleSupplier value) {
        help.put(name, text);
        gauges.put(name, value);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        Map<String, Long> sorted = new TreeMap<>();
        counters.forEach((k, v) -> sorted.put(k, v.sum()));
        String last = "";
        for (var e : sorted.entrySet()) {
            String base = e.getKey().contains("{") ? e.getKey().substring(0, e.getKey().indexOf('{')) : e.getKey();
            if (!base.equals(last)) {
                sb.append("# HELP ").append(base).append(' ').append(help.getOrDefault(base, base)).append('\n');
                sb.append("# TYPE ").append(base).append(" counter\n");
                last = base;
            }
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        new TreeMap<>(gauges).forEach((k, v) -> {
            sb.append("# HELP ").append(k).append(' ').append(help.getOrDefault(k, k)).append('\n');
            sb.append("# TYPE ").append(k).append(" gauge\n");
            sb.append(k).append(' ').append(v.getAsDouble()).append('\n');
        });
        return sb.toString();
    }
}
