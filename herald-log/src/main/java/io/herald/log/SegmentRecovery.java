package io.herald.log;

import java.io.IOException;

/**
 * Recovers a segment on open: scans it ({@link SegmentScan}) and rebuilds its index from its whole
 * batches. Damage is never "repaired" by deleting data: a damaged stretch followed by whole
 * batches is kept as it is, its offsets a damaged range, the batches after it served. Only bytes
 * after which no whole batch follows are a tail: in the last segment the torn tail a crash
 * mid-write leaves (an acknowledged batch was written whole before it was acknowledged, so it is
 * always before it), which is cut; in an earlier segment damage up to where the next segment
 * begins, which is kept.
 */
final class SegmentRecovery {

    private SegmentRecovery() {
    }

    static void recover(LogSegment segment, boolean last, RecoveryListener listener) throws IOException {
        SegmentScan.Result result = SegmentScan.scan(segment::readFully, segment.size(), segment.baseOffset(), new SegmentScan.Visitor() {
            @Override
            public void batch(int position, long baseOffset, int recordCount, long appendTime, int size) {
                segment.index().onBatch(baseOffset, position, appendTime, size);
            }

            @Override
            public void damaged(int position, long firstOffset, long resumeOffset, int resumePosition, String problem) {
                String where = problem + " at byte " + position + " (offsets " + firstOffset + " to " + (resumeOffset - 1)
                        + "; whole batches again from byte " + resumePosition + ")";
                listener.damaged(segment.logFile(), position, where);
                segment.damaged(new LogSegment.Damage(position, firstOffset, resumeOffset, problem));
                segment.index().entryAtNextBatch(); // a read after the damage starts past it
            }
        });
        if (result.tail() != null && last) {
            listener.truncated(segment.logFile(), result.end(), result.tail());
            segment.truncateTo(result.end(), result.nextOffset(), result.lastAppendTime());
        } else if (result.tail() != null) {
            listener.damaged(segment.logFile(), result.end(), result.tail());
            // up to where the next segment begins, which only the log knows
            segment.damaged(new LogSegment.Damage(result.end(), result.nextOffset(), -1, result.tail()));
        }
        segment.recovered(result.end(), result.nextOffset(), result.lastAppendTime());
    }
}
