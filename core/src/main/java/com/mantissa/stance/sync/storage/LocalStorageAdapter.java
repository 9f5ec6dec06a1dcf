package com.mantissa.stance.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A folder as a store: the embedded default and the CLI's local target.
 *
 * <p>Keys map to files below the root; a key that would leave the root ({@code ..}, absolute,
 * backslash, control characters) is refused, so nothing is ever written outside it. Writes go
 * to a temporary file in the same folder and are renamed into place, so a reader never sees a
 * half-written record. Conditional writes hold between threads and between processes: each key
 * hashes to one of a fixed set of lock files under {@code .stance-sync/locks} inside the root,
 * locked with an OS file lock while the condition is checked and the rename happens.
 * The version token is the MD5 of the content, as an S3 etag of a single-part upload would be.
 */
public final class LocalStorageAdapter implements StorageAdapter {
    static final String INTERNAL_DIR = ".stance-sync";
    private static final int LOCK_STRIPES = 64;
    private static final String TEMP_SUFFIX = ".tmp";
    private static final long LOCK_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /**
     * In-process locks per root, shared by every adapter on that root: the OS file lock is
     * held per process, and a second lock on it from the same JVM would throw, not wait.
     */
    private static final Map<Path, ReentrantLock[]> THREAD_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final ReentrantLock[] threadLocks;

    public LocalStorageAdapter(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.threadLocks = THREAD_LOCKS.computeIfAbsent(this.root, r -> {
            ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
            for (int i = 0; i < LOCK_STRIPES; i++) {
                locks[i] = new ReentrantLock();
            }
            return locks;
        });
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }

    @Override
    public String writeRecord(String path, byte[] content, WriteCondition condition) {
        Path target = resolve(path);
        return withLock(path, () -> {
            String current = currentToken(target);
            switch (condition.kind()) {
                case IF_ABSENT -> {
                    if (current != null) {
                        throw new PreconditionFailedException(path + " already exists in " + location(), null);
                    }
                }
                case IF_MATCH -> {
                    if (!condition.versionToken().equals(current)) {
                        throw new PreconditionFailedException(path + " in " + location()
                                + (current == null ? " no longer exists" : " changed since it was read"), null);
                    }
                }
                case NONE -> {
                }
            }
            writeAtomically(target, content);
            return md5(content);
        });
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        Path file = resolve(path);
        try {
            byte[] content = Files.readAllBytes(file);
            return Optional.of(new StoredObject(content, md5(content)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw translate("read", path, e);
        }
    }

    @Override
    public java.io.InputStream openStream(String path) {
        try {
            return Files.newInputStream(resolve(path));
        } catch (NoSuchFileException e) {
            throw new NotFoundException(location() + path + " does not exist", e);
        } catch (IOException e) {
            throw translate("open", path, e);
        }
    }

    @Override
    public List<String> listRecords(String prefix) {
        // Walk the deepest folder the prefix names, then filter by the full key prefix.
        int slash = prefix.lastIndexOf('/');
        String folderKey = slash < 0 ? "" : prefix.substring(0, slash);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            // A root that is a file is a misconfigured store, not an empty one.
            throw new PermanentStorageException(location() + " is not a folder", null);
        }
        Path start = folderKey.isEmpty() ? root : resolve(folderKey);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String key = toKey(f);
                if (key != null && key.startsWith(prefix)) {
                    keys.add(key);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw translate("list", prefix, e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void deleteRecord(String path) {
        Path file = resolve(path);
        withLock(path, () -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw translate("delete", path, e);
            }
            return null;
        });
    }

    @Override
    public Optional<ObjectMetadata> getMetadata(String path) {
        Path file = resolve(path);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new ObjectMetadata(attributes.size(), attributes.lastModifiedTime().toInstant(),
                    md5(Files.readAllBytes(file)), null));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw translate("stat", path, e);
        }
    }

    /** Maps a key to a file below the root, refusing any key that could escape it. */
    Path resolve(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\\') >= 0
                || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new PermanentStorageException("refusing unsafe key '" + printable(key) + "' in " + location(), null);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".") || segment.equals(INTERNAL_DIR)) {
                throw new PermanentStorageException("refusing unsafe key '" + printable(key) + "' in " + location(),
                        null);
            }
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new PermanentStorageException("refusing key outside the store: '" + printable(key) + "'", null);
        }
        return file;
    }

    private String toKey(Path file) {
        Path relative = root.relativize(file);
        String key = relative.toString().replace(java.io.File.separatorChar, '/');
        if (key.startsWith(INTERNAL_DIR + "/") || file.getFileName().toString().endsWith(TEMP_SUFFIX)
                && file.getFileName().toString().startsWith(".")) {
            return null;
        }
        return key;
    }

    private String currentToken(Path file) {
        try {
            return md5(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw translate("read", root.relativize(file).toString(), e);
        }
    }

    private void writeAtomically(Path target, byte[] content) {
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = target.resolveSibling("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw translate("write", root.relativize(target).toString(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: a stray temp file is never listed as a record.
                }
            }
        }
    }

    private <T> T withLock(String key, java.util.function.Supplier<T> action) {
        int stripe = Math.floorMod(key.hashCode(), LOCK_STRIPES);
        ReentrantLock threadLock = threadLocks[stripe];
        threadLock.lock();
        try {
            Path lockFile = root.resolve(INTERNAL_DIR).resolve("locks").resolve(stripe + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = acquire(channel, key);
                try {
                    return action.get();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw translate("lock", key, e);
        } finally {
            threadLock.unlock();
        }
    }

    /**
     * Polls for the OS lock instead of blocking on it: the kernel's deadlock detection sees
     * whole processes, so two multi-threaded writers each holding one stripe and waiting for
     * the other's would get a false "Resource deadlock avoided" from a blocking lock.
     */
    private FileLock acquire(FileChannel channel, String key) throws IOException {
        long deadline = System.nanoTime() + LOCK_TIMEOUT_NANOS;
        long pauseMillis = 1;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new TransientStorageException("timed out waiting for another process's lock on '"
                        + printable(key) + "' in " + location(), null);
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(pauseMillis) + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransientStorageException("interrupted waiting for a lock in " + location(), e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private StorageException translate(String operation, String key, IOException e) {
        // A local disk does not throttle: what fails here (denied, full, not a folder) stays failed.
        return new PermanentStorageException(operation + " of '" + printable(key) + "' in " + location()
                + " failed: " + e, e);
    }

    private static String printable(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        key.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JRE", e);
        }
    }
}
