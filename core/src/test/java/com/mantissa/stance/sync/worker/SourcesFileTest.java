package com.mantissa.stance.sync.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mantissa.stance.sync.formats.Format;
import com.mantissa.stance.sync.function.SourceSpec;
import com.mantissa.stance.sync.storage.Stores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcesFileTest {

    private static SourcesFile.Contents parse(String text) throws IOException {
        return SourcesFile.parse("sources.jsonl", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyGoodLineIsASourceAndEveryBadLineAnErrorNamingItsLine() throws IOException {
        SourcesFile.Contents c = parse(String.join("\n",
                "{\"location\": \"s3://spoke-a/stance\", \"account\": \"111122223333\", \"provider\": \"aws\"}",
                "",
                "{\"location\": \"gs://spoke-b\", \"account\": \"proj-b\"}",
                "{\"location\": \"s3://spoke-c\"}",
                "not json",
                "{\"location\": \"az://acct/scans\", \"account\": \"sub-1\", \"provider\": \"oracle\"}",
                "{\"location\": \"az://acct/scans\", \"account\": \"../x\"}",
                "{\"location\": \"az://acct/scans/p\", \"account\": \"sub-2\", \"provider\": \"Azure\"}"));

        assertEquals(List.of("s3://spoke-a/stance", "gs://spoke-b", "az://acct/scans/p"),
                c.sources().stream().map(s -> s.location().toString()).toList());
        assertEquals(List.of("aws", "gcp", "azure"), c.sources().stream().map(SourceSpec::provider).toList());
        assertEquals(4, c.errors().size(), c.errors()::toString);
        assertTrue(c.errors().get(0).startsWith("sources.jsonl line 4: 'account' is missing"), c.errors().get(0));
        assertTrue(c.errors().get(1).startsWith("sources.jsonl line 5: "), c.errors().get(1));
        assertTrue(c.errors().get(2).startsWith("sources.jsonl line 6: provider: unknown value 'oracle'"), c.errors().get(2));
        assertTrue(c.errors().get(3).startsWith("sources.jsonl line 7: "), c.errors().get(3));
    }

    @Test
    void aSourceMayForceItsFormatAndKeepsItThroughItsLine() throws IOException {
        SourcesFile.Contents c = parse(String.join("\n",
                "{\"location\": \"s3://spoke/prowler\", \"account\": \"1\", \"format\": \"ocsf\"}",
                "{\"location\": \"s3://spoke/stance\", \"account\": \"2\"}",
                "{\"location\": \"s3://spoke/x\", \"account\": \"3\", \"format\": \"csv\"}"));

        assertEquals(Arrays.asList(Format.OCSF, null), c.sources().stream().map(SourceSpec::format).toList());
        assertEquals(1, c.errors().size(), c.errors()::toString);
        assertTrue(c.errors().get(0).startsWith("sources.jsonl line 3: format: unknown value 'csv'"), c.errors().get(0));
        assertEquals(c.sources().get(0), parse(SourcesFile.line(c.sources().get(0))).sources().get(0));
    }

    @Test
    void aLocalFileIsReadThroughItsPath(@TempDir Path dir) throws IOException {
        SourceSpec source = parse("{\"location\": \"s3://spoke/stance\", \"account\": \"1\"}").sources().get(0);
        Path file = Files.writeString(dir.resolve("sources.jsonl"), SourcesFile.line(source) + "\n");
        try (Stores stores = new Stores()) {
            SourcesFile.Contents c = SourcesFile.read(stores, file.toString());
            assertEquals(List.of(source).toString(), c.sources().toString());
            assertEquals(List.of(), c.errors());
        }
    }
}
