package com.mantissa.stance.sync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ScanFileReaderTest {

    private static List<ScanLine> readAll(String name, byte[] bytes) throws IOException {
        List<ScanLine> out = new ArrayList<>();
        try (ScanFileReader r = ScanFileReader.open(name, new ByteArrayInputStream(bytes))) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    private static List<ScanLine> readAll(String name, String text) throws IOException {
        return readAll(name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void skipsBlankLinesAndKeepsPhysicalLineNumbers() throws IOException {
        List<ScanLine> lines = readAll("findings.jsonl", "{\"id\": \"a\"}\n\n   \t\r\n{\"id\": \"b\"}\r\n\n");
        assertEquals(2, lines.size());
        assertEquals(1, lines.get(0).lineNumber());
        assertEquals("a", lines.get(0).object().get("id"));
        assertEquals(4, lines.get(1).lineNumber());
        assertEquals("b", lines.get(1).object().get("id"));
        assertNull(lines.get(1).error());
    }

    @Test
    void badLinesBecomeErrorsNamingFileAndLineAndReadingGoesOn() throws IOException {
        List<ScanLine> lines = readAll("findings.jsonl", "{\"id\": 1}\n{\"id\": \n[1, 2]\n\"text\"\n{\"id\": \"ok\"}");
        assertEquals(5, lines.size());
        assertEquals("findings.jsonl line 2: invalid JSON at column 8: expected a value", lines.get(1).error());
        assertEquals("findings.jsonl line 3: expected a JSON object", lines.get(2).error());
        assertEquals("findings.jsonl line 4: expected a JSON object", lines.get(3).error());
        assertTrue(lines.get(2).isError());
        assertEquals("ok", lines.get(4).object().get("id"));
        assertFalse(lines.get(4).isError());
    }

    @Test
    void invalidUtf8IsAnErrorForThatLineOnly() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("{\"id\": \"a\"}\n{\"id\": \"".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xc3, (byte) 0x28});
        b.write("\"}\n{\"id\": \"\u00e9\"}\n".getBytes(StandardCharsets.UTF_8));
        List<ScanLine> lines = readAll("assets.jsonl", b.toByteArray());
        assertEquals(3, lines.size());
        assertEquals("assets.jsonl line 2: invalid UTF-8", lines.get(1).error());
        assertEquals("\u00e9", lines.get(2).object().get("id"));
    }

    @Test
    void oneMegabyteLineParses() throws IOException {
        String big = "x".repeat(1024 * 1024);
        List<ScanLine> lines = readAll("findings.jsonl", "{\"id\": \"a\", \"d\": \"" + big + "\"}\n{\"id\": \"b\"}\n");
        assertEquals(2, lines.size());
        assertEquals(big, lines.get(0).object().get("d"));
        assertEquals("b", lines.get(1).object().get("id"));
    }

    @Test
    void lineOverTheLimitIsAnErrorAndTheNextLineStillParses() throws IOException {
        String big = "{\"id\": \"" + "y".repeat(5000) + "\"}";
        List<ScanLine> lines;
        try (ScanFileReader r = ScanFileReader.open("findings.jsonl",
                new ByteArrayInputStream((big + "\n{\"id\": \"next\"}\n" + big).getBytes(StandardCharsets.UTF_8)), 1000)) {
            lines = new ArrayList<>();
            r.forEachRemaining(lines::add);
        }
        assertEquals(3, lines.size());
        assertEquals("findings.jsonl line 1: line longer than 1000 bytes", lines.get(0).error());
        assertEquals("next", lines.get(1).object().get("id"));
        assertEquals(2, lines.get(1).lineNumber());
        assertEquals("findings.jsonl line 3: line longer than 1000 bytes", lines.get(2).error());
    }

    @Test
    void overLimitLineOfTheDefaultLimitIsSkippedWithoutBufferingIt() throws IOException {
        // 9 MiB produced on the fly: the reader must not hold it (it would not need to, anyway).
        long size = 9L * 1024 * 1024;
        InputStream huge = new InputStream() {
            private long pos;
            private final byte[] tail = "\n{\"id\": \"after\"}\n".getBytes(StandardCharsets.UTF_8);

            @Override
            public int read() {
                if (pos < size) {
                    pos++;
                    return pos == 1 ? '{' : 'z';
                }
                int i = (int) (pos++ - size);
                return i < tail.length ? tail[i] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len) {
                    int c = read();
                    if (c < 0) {
                        return n == 0 ? -1 : n;
                    }
                    b[off + n++] = (byte) c;
                }
                return n;
            }
        };
        List<ScanLine> lines = new ArrayList<>();
        try (ScanFileReader r = ScanFileReader.open("findings.jsonl", huge)) {
            r.forEachRemaining(lines::add);
        }
        assertEquals(2, lines.size());
        assertEquals("findings.jsonl line 1: line longer than 8388608 bytes", lines.get(0).error());
        assertEquals("after", lines.get(1).object().get("id"));
    }

    @Test
    void jsonArrayFileYieldsElementsNumberedFromOne() throws IOException {
        List<ScanLine> lines = readAll("findings.json", "\n  [{\"id\": \"a\"},\n 3,\n {\"id\": \"c\"}]\n");
        assertEquals(3, lines.size());
        assertEquals("a", lines.get(0).object().get("id"));
        assertEquals("findings.json line 2: expected a JSON object", lines.get(1).error());
        assertEquals(3, lines.get(2).lineNumber());
    }

    @Test
    void jsonFileWithOnePrettyPrintedObjectYieldsIt() throws IOException {
        List<ScanLine> lines = readAll("finding.json", "{\n  \"id\": \"solo\"\n}\n");
        assertEquals(1, lines.size());
        assertEquals("solo", lines.get(0).object().get("id"));
    }

    @Test
    void malformedJsonDocumentIsOneErrorAtItsLine() throws IOException {
        List<ScanLine> lines = readAll("findings.json", "[\n{\"id\": \"a\"},\n{\"id\" \"b\"}\n]");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).error().startsWith("findings.json line 3: invalid JSON at column"), lines.get(0).error());
    }

    @Test
    void leadingByteOrderMarkIsIgnored() throws IOException {
        List<ScanLine> lines = readAll("findings.jsonl", "\ufeff{\"id\": \"a\"}\n");
        assertEquals("a", lines.get(0).object().get("id"));
    }

    @Test
    void emptyInputYieldsNothingAndNextThrows() throws IOException {
        try (ScanFileReader r = ScanFileReader.open("findings.jsonl", new ByteArrayInputStream(new byte[0]))) {
            assertFalse(r.hasNext());
            assertThrows(NoSuchElementException.class, r::next);
        }
    }

    @Test
    void linesSpanningReadChunksAreReassembled() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("{\"id\": \"f").append(i).append("\", \"pad\": \"").append("p".repeat(i % 97)).append("\"}\n");
        }
        List<ScanLine> lines = readAll("findings.jsonl", sb.toString());
        assertEquals(5000, lines.size());
        for (int i = 0; i < 5000; i++) {
            assertEquals("f" + i, lines.get(i).object().get("id"));
            assertEquals(i + 1, lines.get(i).lineNumber());
        }
    }
}
