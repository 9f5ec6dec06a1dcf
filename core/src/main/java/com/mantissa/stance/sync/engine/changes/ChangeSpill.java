package com.mantissa.stance.sync.engine.changes;

import com.mantissa.stance.sync.model.FindingChange;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The changes a push has made past what {@link ChangeLog} keeps in memory: one temporary file of
 * runs, each run one account's changes sorted by id. The file is unlinked as soon as it is open
 * (where the platform allows), so it takes disk only while open and never outlives the process.
 */
final class ChangeSpill implements AutoCloseable {
    /** One run: {@code count} changes of one account between two offsets of the file. */
    record Run(long start, long end, int count) {
    }

    private final FileChannel file;
    private long end;

    ChangeSpill() {
        try {
            Path path = Files.createTempFile("stance-sync-changes-", ".bin");
            file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                Files.delete(path);
            } catch (IOException stillOpenElsewhere) {
                path.toFile().deleteOnExit(); // a platform that cannot unlink an open file
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the change feed cannot spill to a temporary file: " + e.getMessage(), e);
        }
    }

    /** Appends {@code sorted}, already in the feed's order, as one run. */
    synchronized Run write(List<FindingChange> sorted) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sorted.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (FindingChange c : sorted) {
                text(out, c.provider());
                text(out, c.id());
                out.writeByte(c.change().ordinal());
                text(out, c.severity());
                text(out, c.previousSeverity());
                text(out, c.title());
                text(out, c.assetId());
                text(out, c.snapshot());
                text(out, c.reason());
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            long start = end;
            while (buffer.hasRemaining()) {
                end += file.write(buffer, end);
            }
            return new Run(start, end, sorted.size());
        } catch (IOException e) {
            throw new UncheckedIOException("the change feed cannot spill to a temporary file: " + e.getMessage(), e);
        }
    }

    /** The changes of {@code run}, in the order written; {@code at} and {@code account} are every change's. */
    Iterator<FindingChange> read(Run run, OffsetDateTime at, String account) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new RunStream(run), 1 << 16));
        FindingChange.Kind[] kinds = FindingChange.Kind.values();
        return new Iterator<>() {
            private int left = run.count();

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public FindingChange next() {
                if (left == 0) {
                    throw new NoSuchElementException();
                }
                left--;
                try {
                    String provider = text(in);
                    String id = text(in);
                    FindingChange.Kind kind = kinds[in.readUnsignedByte()];
                    return new FindingChange(at, account, provider, id, kind, text(in), text(in), text(in), text(in),
                            text(in), text(in));
                } catch (ClosedChannelException e) {
                    throw new IllegalStateException("the changes of a push were read after its change log was closed",
                            e);
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the change feed's temporary file: " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One run's bytes, read at their own offsets so that runs can be read side by side. */
    private final class RunStream extends InputStream {
        private long position;
        private final long stop;

        RunStream(Run run) {
            this.position = run.start();
            this.stop = run.end();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= stop) {
                return -1;
            }
            int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(len, stop - position)), position);
            if (n < 0) {
                throw new EOFException("the change feed's temporary file ends before its run does");
            }
            position += n;
            return n;
        }
    }
}
