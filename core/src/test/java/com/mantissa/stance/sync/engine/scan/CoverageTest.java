package com.mantissa.stance.sync.engine.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.wire.CanonicalJson;
import com.mantissa.stance.sync.wire.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A snapshot's coverage is a small value: the (region, resource type) pairs of its assets, stored
 * as JSON and read back equal, so that a push can keep it per scan file.
 */
class CoverageTest {
    @Test
    void pairsOfAssetsRoundTripThroughJson() {
        Coverage coverage = new Coverage.Builder()
                .add(Coverage.Pair.of(Map.of("region", "us-east-1", "resource_type", "s3_bucket")))
                .add(Coverage.Pair.of(Map.of("resource_type", "iam_user")))
                .add(Coverage.Pair.of(Map.of("region", "us-east-1", "resource_type", "s3_bucket")))
                .build();
        assertEquals(2, coverage.pairs().size());
        assertTrue(coverage.covers(new Coverage.Pair("", "iam_user")), "an asset without a region has region \"\"");
        assertFalse(coverage.covers(new Coverage.Pair("eu-west-1", "s3_bucket")));

        String json = CanonicalJson.writeUnsorted(coverage.toMap());
        assertEquals("{\"pairs\": [[\"\", \"iam_user\"], [\"us-east-1\", \"s3_bucket\"]]}", json);
        assertEquals(coverage, Coverage.fromMap(JsonParser.parseObject(json)));
        assertEquals(Coverage.NONE, Coverage.fromMap(Map.of("pairs", List.of())));
        assertTrue(Coverage.NONE.isEmpty());
    }

    @Test
    void twoFilesOfOneSnapshotCoverBothAndABadMapIsRefused() {
        Coverage east = Coverage.of(List.of(new Coverage.Pair("us-east-1", "s3_bucket")));
        Coverage west = Coverage.of(List.of(new Coverage.Pair("eu-west-1", "ec2_instance")));
        Coverage both = east.plus(west);
        assertTrue(both.covers(new Coverage.Pair("eu-west-1", "ec2_instance")));
        assertTrue(both.covers(new Coverage.Pair("us-east-1", "s3_bucket")));
        assertEquals(1, east.pairs().size(), "plus leaves its operands as they were");

        assertThrows(IllegalArgumentException.class, () -> Coverage.fromMap(Map.of("pairs", List.of(List.of("x")))));
        assertThrows(IllegalArgumentException.class, () -> Coverage.fromMap(Map.of()));
    }
}
