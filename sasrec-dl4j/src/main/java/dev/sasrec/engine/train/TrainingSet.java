package dev.sasrec.engine.train;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.internal.ItemSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sequences one epoch trains on, with each user's sorted distinct items (never drawn as the user's negatives).
 * Users with fewer than 2 items have no next-item target and are left out; {@link #skippedUsers()} counts them.
 *
 * @param sequences    training items per user, in time order, each at least 2 long
 * @param seen         sorted distinct items per user
 * @param skippedUsers users left out for having fewer than 2 items
 */
public record TrainingSet(int[][] sequences, int[][] seen, int skippedUsers) {

    /** The training part of a leave-one-out split. */
    public static TrainingSet of(LeaveOneOutSplit split) {
        return of(split.train());
    }

    /** Trains on whole sequences (no held-out items). */
    public static TrainingSet of(int[][] sequences) {
        List<int[]> seqs = new ArrayList<>();
        List<int[]> seen = new ArrayList<>();
        int skipped = 0;
        for (int[] s : sequences) {
            if (s.length < 2) {
                skipped++;
                continue;
            }
            seqs.add(s);
            seen.add(ItemSets.sortedDistinct(s));
        }
        return new TrainingSet(seqs.toArray(new int[0][]), seen.toArray(new int[0][]), skipped);
    }

    /** Number of trainable users. */
    public int size() {
        return sequences.length;
    }

    /**
     * Every sequence cut into its windows ({@link #windows}), in order, each with its user's seen items: what an
     * epoch trains on when {@code allWindows} is set.
     */
    public TrainingSet allWindows(int maxLen) {
        List<int[]> seqs = new ArrayList<>();
        List<int[]> seenOf = new ArrayList<>();
        for (int u = 0; u < sequences.length; u++) {
            for (int[] w : windows(sequences[u], maxLen)) {
                seqs.add(w);
                seenOf.add(seen[u]);
            }
        }
        return new TrainingSet(seqs.toArray(new int[0][]), seenOf.toArray(new int[0][]), skippedUsers);
    }

    /**
     * The windows of {@code maxLen + 1} items a training sequence is cut into, from its end: the last window first,
     * neighbours sharing one item (an earlier window's last item is the input of the later one's first position),
     * so that every item but the first is a target of exactly one window; the earliest window may be shorter, down
     * to 2 items. A sequence of at most {@code maxLen + 1} items (even one too short to train) is its own only
     * window, so that whoever counts the untrainable ones still sees it.
     */
    public static List<int[]> windows(int[] sequence, int maxLen) {
        List<int[]> out = new ArrayList<>();
        int end = sequence.length;
        do {
            out.add(Arrays.copyOfRange(sequence, Math.max(0, end - maxLen - 1), end));
            end -= maxLen;
        } while (end >= 2);
        return out;
    }
}
