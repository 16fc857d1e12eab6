package dev.sasrec.engine.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time-ordered item sequences, one per user, with items indexed 1..numItems.
 *
 * @param sequences one array per user, items in time order
 * @param numItems  catalogue size N (the largest item id)
 */
public record UserSequences(int[][] sequences, int numItems) {

    /** Checks every id is in 1..numItems. */
    public UserSequences {
        if (numItems < 1) {
            throw new IllegalArgumentException("numItems: invalid value " + numItems + ", expected an integer >= 1");
        }
        for (int u = 0; u < sequences.length; u++) {
            for (int item : sequences[u]) {
                if (item < 1 || item > numItems) {
                    throw new IllegalArgumentException("item id " + item + " of user index " + u
                            + " is outside 1.." + numItems);
                }
            }
        }
    }

    /** Number of users. */
    public int numUsers() {
        return sequences.length;
    }

    /** Number of interactions. */
    public long numInteractions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    /**
     * Reads the reference implementation's format: one {@code user item} pair per line, separated by whitespace,
     * items indexed from 1, each user's lines in time order. Users are kept in order of first appearance.
     */
    public static UserSequences read(Path file) throws IOException {
        Map<Long, List<Integer>> byUser = new LinkedHashMap<>();
        int maxItem = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.trim();
                if (t.isEmpty()) {
                    continue;
                }
                String[] parts = t.split("\\s+");
                if (parts.length < 2) {
                    throw new IOException(file + ":" + lineNo + ": expected 'user item', got '" + line + "'");
                }
                long user;
                int item;
                try {
                    user = Long.parseLong(parts[0]);
                    item = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNo + ": expected integer user and item ids, got '" + line + "'", e);
                }
                if (item < 1) {
                    throw new IOException(file + ":" + lineNo + ": item id " + item + " is not >= 1");
                }
                byUser.computeIfAbsent(user, k -> new ArrayList<>()).add(item);
                maxItem = Math.max(maxItem, item);
            }
        }
        int[][] seqs = new int[byUser.size()][];
        int u = 0;
        for (List<Integer> items : byUser.values()) {
            seqs[u++] = items.stream().mapToInt(Integer::intValue).toArray();
        }
        return new UserSequences(seqs, Math.max(maxItem, 1));
    }
}
