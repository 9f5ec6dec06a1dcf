package com.mantissa.stance.sync.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Concurrency adapts unless a fixed number is set, and a copy keeps whichever was chosen. */
class SyncConfigConcurrencyTest {

    @Test
    void adaptsByDefaultAndAFixedNumberTurnsThatOff() {
        SyncConfig adaptive = SyncConfig.builder("central").build();
        SyncConfig fixed = SyncConfig.builder("central").concurrency(4).build();

        assertTrue(adaptive.adaptiveConcurrency());
        assertEquals(SyncConfig.DEFAULT_CONCURRENCY, adaptive.concurrency());
        assertTrue(adaptive.toString().contains("concurrency=adaptive"), adaptive.toString());
        assertFalse(fixed.adaptiveConcurrency());
        assertEquals(4, fixed.concurrency());
        assertTrue(fixed.toString().contains("concurrency=4"), fixed.toString());
    }

    @Test
    void aCopyKeepsTheChoice() {
        assertTrue(SyncConfig.builder("central").build().toBuilder().batchSize(5).build().adaptiveConcurrency());
        SyncConfig fixed = SyncConfig.builder("central").concurrency(8).build().toBuilder().batchSize(5).build();
        assertFalse(fixed.adaptiveConcurrency());
        assertEquals(8, fixed.concurrency());
        assertTrue(SyncConfig.builder("central").concurrency(8).adaptiveConcurrency(true).build().adaptiveConcurrency());
    }

    @Test
    void aFixedConcurrencyBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyncConfig.builder("central").concurrency(0).build());
        assertTrue(e.getMessage().contains("concurrency"), e.getMessage());
    }
}
