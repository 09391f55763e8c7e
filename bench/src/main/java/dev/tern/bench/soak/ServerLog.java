package dev.tern.bench.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The server's log (text format: {@code <time> <LEVEL> <logger> - <message>}), read after the run: every ERROR line
 * must be explained by one of {@link #EXPLAINED} (none is, so far: an ERROR line fails the soak), WARN lines are
 * counted by message, for the report.
 */
final class ServerLog {
    /** ERROR lines the soak's load is known to cause, each with why it is not a defect. Empty: none is expected. */
    static final Map<Pattern, String> EXPLAINED = Map.of();

    final List<String> unexplainedErrors = new ArrayList<>();
    final List<String> explainedErrors = new ArrayList<>();
    /** WARN messages (the logger and message, time dropped) and how often each came. */
    final Map<String, Integer> warnings = new LinkedHashMap<>();
    int lines;

    static ServerLog read(Path file) throws IOException {
        ServerLog log = new ServerLog();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            log.lines++;
            String[] parts = line.split(" ", 3);
            if (parts.length < 3) {
                continue;
            }
            if (parts[1].equals("ERROR")) {
                boolean explained = EXPLAINED.keySet().stream().anyMatch(p -> p.matcher(line).find());
                (explained ? log.explainedErrors : log.unexplainedErrors).add(line);
            } else if (parts[1].equals("WARN")) {
                log.warnings.merge(parts[2], 1, Integer::sum);
            }
        }
        return log;
    }
}
