package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({
            "512, 512",
            "0, 0",
            "512B, 512",
            "64KiB, 65536",
            "64kib, 65536",
            "64K, 65536",
            "64MiB, 67108864",
            "1GiB, 1073741824",
            "1GB, 1000000000",
            "1 GB, 1000000000",
            "1.5GiB, 1610612736",
            "2TiB, 2199023255552",
            "' 10KB ', 10000",
    })
    void parses(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "GiB", "-1", "1XB", "1.5", "1.0000001KiB", "ten", "1 G i B", "99999999999TiB"})
    void refusesWhatIsNotAWholeNumberOfBytes(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest(name = "{0} bytes = {1}")
    @CsvSource({
            "0, 0 B",
            "1023, 1023 B",
            "1024, 1 KiB",
            "1536, 1.5 KiB",
            "67108864, 64 MiB",
            "1073741824, 1 GiB",
            "1000000000, 954 MiB",
    })
    void formats(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }
}
