package io.herald.embedded.meta;

import io.herald.log.RecoveryListener;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What recovery of any of the broker's logs cut or kept as damage, said in the broker's log. */
public final class RecoveryLogger implements RecoveryListener {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLogger.class);

    @Override
    public void truncated(Path file, long position, String problem) {
        LOG.warn("recovery cut the torn tail of {} at byte {}: {}", file, position, problem);
    }

    @Override
    public void damaged(Path file, long position, String problem) {
        LOG.error("{} is damaged at byte {} and kept as it is: reads of the offsets it covers fail, all others go on; "
                + "restore the file or skip the range: {}", file, position, problem);
    }
}
