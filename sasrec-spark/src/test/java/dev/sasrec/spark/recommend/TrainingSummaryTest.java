package dev.sasrec.spark.recommend;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An epoch's one schema: its fields by name, and the binary form checkpoints keep, both back to the same epoch. */
class TrainingSummaryTest {

    private static final TrainingSummary.Epoch VALIDATED = new TrainingSummary.Epoch(3, 0.9603, 412.5, 14.7, 0.0912, 0.173,
            12, 3.5e6, 11.2, 3.5, 0.4012, 0.65);
    private static final TrainingSummary.Epoch PLAIN = new TrainingSummary.Epoch(4, 0.95, 400, 15);

    @Test
    void fieldsNameEveryFigureAndLeaveOutTheMissingValidation() {
        assertEquals(List.of("epoch", "loss", "sequencesPerSecond", "seconds", "validationNdcg10", "validationHr10",
                "rounds", "exchangedBytesPerRound", "computeSeconds", "exchangeSeconds", "validationSampledNdcg10",
                "validationSampledHr10"), TrainingSummary.Epoch.names());
        assertEquals(List.copyOf(TrainingSummary.Epoch.names()), List.copyOf(VALIDATED.fields().keySet()));
        assertEquals(Map.of("epoch", 4, "loss", 0.95, "sequencesPerSecond", 400.0, "seconds", 15.0, "rounds", 0),
                PLAIN.fields());
        assertEquals(VALIDATED, TrainingSummary.Epoch.of(VALIDATED.fields()));
        assertEquals(PLAIN, TrainingSummary.Epoch.of(PLAIN.fields()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSummary.Epoch.of(Map.of("loss", 1.0)));
        assertTrue(e.getMessage().contains("without epoch"), e.getMessage());
    }

    @Test
    void theBinaryFormReadsBackBitForBit() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            VALIDATED.write(out);
            PLAIN.write(out);
        }
        assertEquals(2 * (2 * 4 + 10 * 8), bytes.size(), "two ints and ten doubles per epoch");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(VALIDATED, TrainingSummary.Epoch.read(in, 5));
            assertEquals(PLAIN, TrainingSummary.Epoch.read(in, 5));
        }
    }

    @Test
    void checkpointsOfFormat4ReadWithoutSampledValidationFigures() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(3);
            for (double v : new double[]{0.9603, 412.5, 14.7, 0.0912, 0.173}) {
                out.writeDouble(v);
            }
            out.writeInt(12);
            for (double v : new double[]{3.5e6, 11.2, 3.5}) {
                out.writeDouble(v);
            }
            out.writeInt(-1);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(new TrainingSummary.Epoch(3, 0.9603, 412.5, 14.7, 0.0912, 0.173, 12, 3.5e6, 11.2, 3.5,
                    Double.NaN, Double.NaN), TrainingSummary.Epoch.read(in, 4));
            assertEquals(-1, in.readInt(), "format 4 holds two ints and eight doubles per epoch");
        }
    }

    @Test
    void checkpointsOfFormat3ReadWithoutExchangeFigures() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(3);
            for (double v : new double[]{0.9603, 412.5, 14.7, 0.0912, 0.173}) {
                out.writeDouble(v);
            }
            out.writeInt(-1);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(new TrainingSummary.Epoch(3, 0.9603, 412.5, 14.7, 0.0912, 0.173, 0, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN), TrainingSummary.Epoch.read(in, 3));
            assertEquals(-1, in.readInt(), "format 3 holds an int and five doubles per epoch");
        }
    }

    @Test
    void theReportMapHoldsTheSizesAndEveryEpoch() {
        TrainingSummary s = new TrainingSummary();
        s.sizes(100, 50, 2);
        s.addEpoch(VALIDATED);
        s.addEpoch(PLAIN);
        Map<String, Object> m = s.toMap();
        assertEquals(100L, m.get("trainedSequences"));
        assertEquals(50, m.get("items"));
        assertEquals(List.of(VALIDATED.fields(), PLAIN.fields()), m.get("epochs"));
    }
}
