package dev.sasrec.engine.data;

import java.util.Arrays;

/**
 * The paper's leave-one-out split: per user the last item is the test target, the second-to-last the validation
 * target, the rest is training. Users with fewer than 3 items keep everything in training and have no validation
 * or test target (target 0).
 *
 * @param train      training items per user, in time order
 * @param validation validation target per user, 0 if none
 * @param test       test target per user, 0 if none
 * @param numItems   catalogue size
 */
public record LeaveOneOutSplit(int[][] train, int[] validation, int[] test, int numItems) {

    /** Splits {@code data}. */
    public static LeaveOneOutSplit of(UserSequences data) {
        int users = data.numUsers();
        int[][] train = new int[users][];
        int[] valid = new int[users];
        int[] test = new int[users];
        for (int u = 0; u < users; u++) {
            int[] s = data.sequences()[u];
            if (s.length < 3) {
                train[u] = s.clone();
            } else {
                train[u] = Arrays.copyOf(s, s.length - 2);
                valid[u] = s[s.length - 2];
                test[u] = s[s.length - 1];
            }
        }
        return new LeaveOneOutSplit(train, valid, test, data.numItems());
    }

    /** Number of users. */
    public int numUsers() {
        return train.length;
    }

    /** The input for predicting the validation target: the training items. */
    public int[] validationInput(int user) {
        return train[user];
    }

    /** The input for predicting the test target: training items followed by the validation item. */
    public int[] testInput(int user) {
        int[] t = train[user];
        int[] in = Arrays.copyOf(t, t.length + 1);
        in[t.length] = validation[user];
        return in;
    }

    /** Sorted distinct ids of every item the user interacted with (training, validation and test). */
    public int[] interacted(int user) {
        int[] t = train[user];
        int[] all = Arrays.copyOf(t, t.length + 2);
        all[t.length] = validation[user];
        all[t.length + 1] = test[user];
        return Arrays.stream(all).filter(i -> i > 0).sorted().distinct().toArray();
    }
}
