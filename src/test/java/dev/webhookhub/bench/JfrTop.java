package dev.webhookhub.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/** The hottest methods of a JFR recording: by samples on top of the stack, and by samples anywhere in it. */
final class JfrTop {

    /** The packages whose methods the "anywhere on the stack" list shows: ours and the libraries on the hot path. */
    private static final List<String> OF_INTEREST = List.of("dev.webhookhub", "org.h2", "org.postgresql", "com.zaxxer",
            "org.springframework.jdbc", "com.dashjoin.jsonata", "com.networknt", "org.apache.camel",
            "com.fasterxml.jackson", "org.apache.catalina", "org.apache.coyote", "org.apache.tomcat",
            "org.apache.hc");

    private JfrTop() {
    }

    /** {@code JfrTop recording.jfr [rows]}: the summary of a recording made outside the benchmark (jcmd JFR.start). */
    public static void main(String[] args) throws IOException {
        System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 60));
    }

    static String summarize(Path recording, int rows) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (var event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            threads.merge(threadGroup(event.getThread("sampledThread")), 1, Integer::sum);
            self.merge(name(stack.getFrames().getFirst()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : stack.getFrames()) {
                String method = name(frame);
                if (seen.add(method)) {
                    total.merge(method, 1, Integer::sum);
                }
            }
        }
        var text = new StringBuilder(recording.getFileName() + ": " + samples + " execution samples\n\nby thread:\n");
        append(text, threads, samples, rows);
        text.append("\nself:\n");
        append(text, self, samples, rows);
        text.append("\nanywhere on the stack (" + String.join(", ", OF_INTEREST) + "):\n");
        Map<String, Integer> ours = new HashMap<>();
        total.forEach((k, v) -> {
            if (OF_INTEREST.stream().anyMatch(k::startsWith)) {
                ours.put(k, v);
            }
        });
        append(text, ours, samples, rows);
        return text.toString();
    }

    /** Threads of one pool count together: "http-nio-8080-exec-17" and "-exec-3" are both "http-nio-8080-exec-#". */
    private static String threadGroup(RecordedThread thread) {
        if (thread == null) {
            return "(unknown)";
        }
        String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        return name == null || name.isEmpty() ? (thread.isVirtual() ? "(virtual)" : "(unnamed)") : name.replaceAll("\\d+", "#");
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void append(StringBuilder text, Map<String, Integer> counts, int samples, int rows) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> text.append(String.format("%6.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey())));
    }
}
