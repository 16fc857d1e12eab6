package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's native memory is shared by the reserve, a trainer's resident state (parameters, Adam moments and,
 * where a step may hold every item row, a whole gradient) and the training passes; a budget that cannot hold the
 * state fails before training, naming the setting and the least value that fits.
 */
class NativeMemoryBudgetTest {

    private static final int ITEMS = 1_000_000;
    private static final SasRecConfig LAZY = SasRecConfig.builder().set("hiddenUnits", 64).set("maxLen", 50)
            .set("lazyAdam", true).build();

    @Test
    void residentStateCountsAWholeGradientOnlyWhereAStepMayHoldEveryRow() {
        long floats = ParameterLayout.of(LAZY, ITEMS).size();
        TrainingBackend nativeBackend = TrainingBackends.named("native");
        assertEquals(3 * 4 * floats, SasRecTrainer.residentStateBytes(LAZY, ITEMS, nativeBackend));
        assertEquals(4 * 4 * floats, SasRecTrainer.residentStateBytes(LAZY, ITEMS, TrainingBackends.named("samediff")));
        SasRecConfig exact = SasRecConfig.builder().set("hiddenUnits", 64).set("maxLen", 50).build();
        assertEquals(4 * 4 * floats, SasRecTrainer.residentStateBytes(exact, ITEMS, nativeBackend));
        SasRecConfig penalised = SasRecConfig.builder().set("hiddenUnits", 64).set("maxLen", 50)
                .set("lazyAdam", true).set("l2Emb", 1e-4).build();
        assertEquals(4 * 4 * floats, SasRecTrainer.residentStateBytes(penalised, ITEMS, nativeBackend));
    }

    @Test
    void anOverheadThatCannotHoldTheStateFailsNamingTheSettingAndTheLeastThatFits() {
        long state = SasRecTrainer.residentStateBytes(LAZY, ITEMS, TrainingBackends.named("native"));
        long needMib = (NativeMemoryBudget.RESERVED_BYTES + state + (1 << 20) - 1) >> 20;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeMemoryBudget.requireRoomForState(384L << 20, state, ITEMS, 64));
        assertTrue(e.getMessage().startsWith("spark.executor.memoryOverhead: 384 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("1,000,000 items, d = 64"), e.getMessage());
        assertTrue(e.getMessage().contains("expected at least " + needMib + " MiB"), e.getMessage());
        NativeMemoryBudget.requireRoomForState(needMib << 20, state, ITEMS, 64);
        assertThrows(IllegalArgumentException.class,
                () -> NativeMemoryBudget.requireRoomForState((needMib - 1) << 20, state, ITEMS, 64));
    }

    @Test
    void passesAndTheCollectionSlackShareWhatTheStateLeaves() {
        TrainingBackend samediff = TrainingBackends.named("samediff");
        long budget = 4096L << 20;
        long state = SasRecTrainer.residentStateBytes(LAZY, ITEMS, samediff);
        long perPosition = samediff.bytesPerPosition(LAZY, ITEMS);
        long forPasses = budget - NativeMemoryBudget.RESERVED_BYTES - state;
        assertEquals((long) (NativeMemoryBudget.SAFETY * forPasses) / perPosition,
                NativeMemoryBudget.positionsPerPass(LAZY, ITEMS, budget, samediff));
        assertEquals(NativeMemoryBudget.RESERVED_BYTES + state + (long) ((1 - NativeMemoryBudget.SAFETY) * forPasses),
                NativeMemoryBudget.collectionSlack(OptionalLong.of(budget), state));
        assertEquals(Long.MAX_VALUE, NativeMemoryBudget.collectionSlack(OptionalLong.empty(), state));
        assertEquals(LAZY.maxLen(), NativeMemoryBudget.positionsPerPass(LAZY, ITEMS, 1200L << 20, samediff),
                "at least one history's positions");
    }
}
