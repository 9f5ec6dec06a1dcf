package com.mantissa.stance.sync.engine.scan;

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
import java.util.Random;
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
    void malformedArrayElementIsOneErrorAndTheOtherElementsStillParse() throws IOException {
        List<ScanLine> lines = readAll("findings.json", "[\n{\"id\": \"a\"},\n{\"id\" \"b\"},\n{\"id\": \"c\"}\n]");
        assertEquals(3, lines.size());
        assertEquals("a", lines.get(0).object().get("id"));
        assertEquals("findings.json line 2: invalid JSON at column 8: expected ':'", lines.get(1).error());
        assertEquals("c", lines.get(2).object().get("id"));
    }

    @Test
    void brokenArrayStructureEndsTheFileWithAnError() throws IOException {
        List<ScanLine> lines = readAll("findings.json", "[{\"id\": \"a\"}, {\"id\": \"b\"}");
        assertEquals("a", lines.get(0).object().get("id"));
        assertEquals("b", lines.get(1).object().get("id"));
        assertEquals("findings.json line 3: unterminated JSON array", lines.get(2).error());
        assertEquals(3, lines.size());
        List<ScanLine> extra = readAll("findings.json", "[{\"id\": \"a\"}] {\"id\": \"b\"}");
        assertEquals("a", extra.get(0).object().get("id"));
        assertEquals("findings.json line 2: unexpected data after the JSON array", extra.get(1).error());
        assertEquals(2, extra.size());
        List<ScanLine> holes = readAll("findings.json", "[{\"id\": \"a\"},, {\"id\": \"c\"},]");
        assertEquals(4, holes.size());
        assertEquals("findings.json line 2: expected a value", holes.get(1).error());
        assertEquals("c", holes.get(2).object().get("id"));
        assertEquals("findings.json line 4: expected a value", holes.get(3).error());
    }

    @Test
    void arrayElementOverTheLimitIsAnErrorAndTheNextStillParses() throws IOException {
        String big = "{\"id\": \"" + "y".repeat(5000) + "\", \"s\": \"],[\\\"\"}";
        List<ScanLine> lines = new ArrayList<>();
        try (ScanFileReader r = ScanFileReader.open("findings.json",
                new ByteArrayInputStream(("[" + big + ", {\"id\": \"next\"}]").getBytes(StandardCharsets.UTF_8)), 1000)) {
            r.forEachRemaining(lines::add);
        }
        assertEquals(2, lines.size());
        assertEquals("findings.json line 1: element longer than 1000 bytes", lines.get(0).error());
        assertEquals("next", lines.get(1).object().get("id"));
    }

    @Test
    void jsonlStartingWithAnArrayLineIsStillReadLineByLine() throws IOException {
        List<ScanLine> lines = readAll("findings.jsonl",
                "[{\"id\": \"a\"}]\n{\"id\": \"b\"}\n{\"id\": \"c\", x}\n{\"id\": \"d\"}\n");
        assertEquals(4, lines.size());
        assertEquals("findings.jsonl line 1: expected a JSON object", lines.get(0).error());
        assertEquals("b", lines.get(1).object().get("id"));
        assertEquals("findings.jsonl line 3: invalid JSON at column 13: expected a property name in double quotes", lines.get(2).error());
        assertEquals("d", lines.get(3).object().get("id"));
        assertEquals(4, lines.get(3).lineNumber());
    }

    /** An endless-looking input that counts what has been read from it. */
    private static final class CountingInput extends InputStream {
        private final byte[] data;
        int pos;

        CountingInput(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Test
    void jsonlStartingWithAnArrayLineAndJsonArraysAreStreamed() throws IOException {
        String record = "{\"id\": \"x\", \"pad\": \"" + "p".repeat(1000) + "\"}";
        String lines = "[1]\n" + (record + "\n").repeat(2000);
        String array = "[" + String.join(",\n", java.util.Collections.nCopies(2000, record)) + "]";
        for (String[] c : new String[][] {{"findings.jsonl", lines}, {"findings.json", array}}) {
            byte[] bytes = c[1].getBytes(StandardCharsets.UTF_8);
            CountingInput in = new CountingInput(bytes);
            try (ScanFileReader r = ScanFileReader.open(c[0], in)) {
                r.next();
                r.next();
                assertTrue(in.pos < 256 * 1024, c[0] + ": read " + in.pos + " of " + bytes.length + " bytes for two records");
                int n = 2;
                while (r.hasNext()) {
                    assertTrue(r.next().object() != null);
                    n++;
                }
                assertEquals(c[0].endsWith(".jsonl") ? 2001 : 2000, n);
            }
        }
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

    @Test
    void aReplacementCharacterWrittenInTheLineIsTextNotAnError() throws IOException {
        List<ScanLine> lines = readAll("findings.jsonl", "{\"id\": \"a\ufffdb\"}\n");
        assertNull(lines.get(0).error());
        assertEquals("a\ufffdb", lines.get(0).object().get("id"));
    }

    @Test
    void theNewlineSearchFindsTheFirstNewlineAtEveryOffsetAndLength() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                // Bytes next to '\n' in value, and high bytes, where a carry could give a false match.
                int pick = random.nextInt(8);
                b[i] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x0b : pick == 2 ? 0x09 : pick == 3 ? 0x8a
                        : pick == 4 ? 0xff : 'a' + random.nextInt(26));
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, ScanFileReader.indexOfNewline(b, from, to), "round " + round);
        }
    }
}
