package io.herald.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.herald.error.HeraldException;
import io.herald.log.LogVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a data directory without changing it: every log (each topic partition, and the internal
 * logs of metadata, cursors, delivery state and delayed events), batch by batch, with
 * {@link LogVerifier}. Works on the files alone, so it needs no broker and reports on a directory
 * that would not open.
 */
@Command(name = "doctor",
        description = {"Check every event log of a data directory, batch by batch, without changing anything: what is "
                + "intact, what is damaged (file, byte and offset ranges, the check that failed) and what the next open does.",
                "Exit code 0: no damage; 1: damage found (or the directory cannot be checked)."},
        footer = {"", "Examples:",
                "  herald doctor --data ./herald-data",
                "  herald doctor --format json"})
final class DoctorCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    enum Format { TABLE, JSON }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (for people) | json (every finding, for tools); default: ${DEFAULT-VALUE}.")
    Format format;

    private record Checked(String name, LogVerifier.Report report) {

        String status() {
            if (!report.intact()) {
                return "DAMAGED";
            }
            return report.tornTail() != null ? "torn tail" : report.staleIndexes().isEmpty() ? "intact" : "stale index";
        }
    }

    @Override
    public Integer call() throws IOException {
        Path dir = HeraldCommand.of(spec).dataDirectory();
        if (!Files.isDirectory(dir)) {
            throw new HeraldException(Files.exists(dir)
                    ? dir + " is a file, not a data directory; give the directory with --data DIR"
                    : "there is no data directory at " + dir.toAbsolutePath() + "; give the one to check with --data DIR "
                            + "(doctor never creates one)");
        }
        List<Checked> checked;
        try (Held ignored = Held.lock(dir)) {
            checked = check(dir);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.JSON) {
            out.println(JSON.writeValueAsString(toJson(dir, checked)));
        } else {
            printTable(out, dir, checked);
        }
        out.flush();
        return checked.stream().allMatch(c -> c.report().intact()) ? 0 : 1;
    }

    /** The directory's lock, held while the logs are read, so that no Herald process writes them meanwhile. */
    private record Held(FileChannel channel, FileLock lock) implements AutoCloseable {

        /** Nothing to hold if no process ever opened the directory (it has no lock file, which doctor does not create). */
        static Held lock(Path dir) throws IOException {
            Path lockFile = dir.resolve("LOCK");
            if (!Files.exists(lockFile)) {
                return new Held(null, null);
            }
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new HeraldException("data directory " + dir.toAbsolutePath() + " is in use by a Herald process (a server?); "
                        + "stop it first: the logs it writes would change while they are checked");
            }
            return new Held(channel, lock);
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                lock.release();
                channel.close();
            }
        }
    }

    private static List<Checked> check(Path dir) throws IOException {
        List<Checked> checked = new ArrayList<>();
        Path internal = dir.resolve("internal");
        for (Path log : children(internal)) {
            Path partition = log.resolve("0");
            if (Files.isDirectory(partition)) {
                checked.add(new Checked("internal/" + log.getFileName(), LogVerifier.verify(partition)));
            }
        }
        for (Path topic : children(dir.resolve("topics"))) {
            if (topic.getFileName().toString().startsWith("~")) {
                continue; // a deleted topic's files, removed at the next open
            }
            List<Path> partitions = children(topic).stream()
                    .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .toList();
            for (Path partition : partitions) {
                checked.add(new Checked(topic.getFileName() + "/" + partition.getFileName(), LogVerifier.verify(partition)));
            }
        }
        return checked;
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static void printTable(PrintWriter out, Path dir, List<Checked> checked) {
        Table table = Table.withHeader("log", "segments", "offsets", "events", "bytes", "status");
        for (Checked c : checked) {
            LogVerifier.Report r = c.report();
            table.row(c.name(), r.segments(), r.startOffset() + ".." + r.endOffset(), r.readableEvents(), r.bytes(), c.status());
        }
        table.print(out);
        List<String> findings = new ArrayList<>();
        for (Checked c : checked) {
            LogVerifier.Report r = c.report();
            for (LogVerifier.Damage d : r.damage()) {
                findings.add(c.name() + ": DAMAGED " + d.file().getFileName() + " at byte " + d.bytePosition() + ", offsets "
                        + d.firstOffset() + (d.endOffset() < 0 ? " onwards" : " to " + (d.endOffset() - 1)) + ": " + d.problem()
                        + ". Reads of these offsets fail and consumers stop there; nothing else is affected.");
            }
            if (r.tornTail() != null) {
                findings.add(c.name() + ": torn tail: " + r.tornTail());
            }
            for (Path index : r.staleIndexes()) {
                findings.add(c.name() + ": " + index.getFileName() + " does not match its segment; the next open rebuilds it");
            }
            r.notes().forEach(note -> findings.add(c.name() + ": " + note));
        }
        out.println();
        if (findings.isEmpty()) {
            out.println(dir + ": " + Quantity.of(checked.size(), "log") + " checked, all intact");
        } else {
            findings.forEach(out::println);
        }
    }

    private static Map<String, Object> toJson(Path dir, List<Checked> checked) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataDirectory", dir.toAbsolutePath().toString());
        json.put("intact", checked.stream().allMatch(c -> c.report().intact()));
        List<Map<String, Object>> logs = new ArrayList<>();
        for (Checked c : checked) {
            LogVerifier.Report r = c.report();
            Map<String, Object> log = new LinkedHashMap<>();
            log.put("log", c.name());
            log.put("status", c.status());
            log.put("segments", r.segments());
            log.put("startOffset", r.startOffset());
            log.put("endOffset", r.endOffset());
            log.put("readableEvents", r.readableEvents());
            log.put("bytes", r.bytes());
            log.put("damage", r.damage().stream().map(d -> {
                Map<String, Object> damage = new LinkedHashMap<>();
                damage.put("file", d.file().toString());
                damage.put("byte", d.bytePosition());
                damage.put("firstOffset", d.firstOffset());
                damage.put("endOffset", d.endOffset() < 0 ? null : d.endOffset());
                damage.put("problem", d.problem());
                return damage;
            }).toList());
            log.put("tornTail", r.tornTail());
            log.put("staleIndexes", r.staleIndexes().stream().map(Path::toString).toList());
            log.put("notes", r.notes());
            logs.add(log);
        }
        json.put("logs", logs);
        return json;
    }
}
