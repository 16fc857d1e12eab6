package dev.sasrec.engine.train;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.internal.ItemSets;
import java.util.ArrayList;
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
}
