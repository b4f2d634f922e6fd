package io.herald.bench;

import java.nio.file.Path;

/** What one measurement run gets: the options, a topic name no earlier run used, and a directory of its own. */
record RunContext(BenchOptions options, String topic, Path scratch) {
}
