package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static io.herald.log.LogTestSupport.readAll;
import static io.herald.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemoryLogTest {

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_000_000);

    @Test
    void readsLikeTheDiskLogFromAnyOffset() throws Exception {
        MemoryLog log = new MemoryLog("mem", LogConfig.defaults(), 1 << 20, clock);
        appendBatch(log, "a", "b");
        appendBatch(log, "c");
        assertThat(values(readAll(log, 0))).containsExactly("a", "b", "c");
        assertThat(values(readAll(log, 1))).containsExactly("b", "c");
        assertThat(log.read(3, 100).isEmpty()).isTrue();
    }

    @Test
    void keepsOnlyTheNewestBatchesWithinItsBytes() throws Exception {
        MemoryLog log = new MemoryLog("mem", LogConfig.defaults(), 400, clock);
        for (int i = 0; i < 100; i++) {
            appendBatch(log, "value-" + i);
        }
        assertThat(log.sizeInBytes()).isLessThanOrEqualTo(400);
        assertThat(log.startOffset()).isPositive();
        assertThat(values(readAll(log, log.startOffset()))).last().isEqualTo("value-99");
        assertThatThrownBy(() -> log.read(0, 100)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void dropsExpiredBatchesAndFindsOffsetsByTime() throws Exception {
        MemoryLog log = new MemoryLog("mem", LogConfig.defaults().withRetentionTime(Duration.ofSeconds(10)), 1 << 20, clock);
        appendBatch(log, "old");
        clock.advance(20_000);
        appendBatch(log, "new");
        assertThat(log.offsetForTime(1_000_001)).isEqualTo(1);
        log.applyRetention(clock.millis());
        assertThat(log.startOffset()).isEqualTo(1);
        assertThat(values(readAll(log, 1))).containsExactly("new");
    }
}
