package com.mantissa.stance.sync.storage;

import com.mantissa.stance.sync.wire.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A folder as a store: the embedded default and the CLI's local target.
 *
 * <p>Keys map to files below the root; a key that would leave the root ({@code ..}, absolute,
 * backslash, control characters) is refused, so nothing is ever written outside it. Writes go
 * to a temporary file in the same folder, with a short name of its own (so a key whose last
 * name is at the file system's limit still has room), and are renamed into place, so a reader
 * never sees a half-written record. Conditional writes hold between threads and between processes: each key
 * hashes to one of a fixed set of lock files under {@code .stance-sync/locks} inside the root,
 * locked with an OS file lock while the condition is checked and the rename happens.
 *
 * <p>Key limit: every {@code /}-separated name of a key is at most {@value #MAX_NAME_BYTES}
 * UTF-8 bytes, the file-name limit of ext4, XFS, APFS and NTFS; the whole key has no limit
 * of its own beyond the OS path limit. A key over it, like an unsafe key, is an
 * {@link InvalidKeyException}: a problem of that record, not of the store.
 *
 * <p>The version token is taken from the file system, never from the content, so a metadata
 * or existence check costs one {@code stat} whatever the file's size: size, modification
 * time in nanoseconds and file key (device and inode). Every write renames a new file into
 * place and sets its modification time strictly after the one it replaces, so each write
 * yields a new token, even for the same content and on a file system with a coarse clock;
 * an edit in place by anyone else changes the modification time too.
 *
 * <p>The root: reading one record below a root that does not exist yet answers "absent" (a
 * first push creates the folders), but {@link #listRecords} there is a
 * {@link PermanentStorageException} ("does not exist"), so a pull from a mistyped folder is
 * an error rather than an empty success. A root that is a regular file, or that cannot be
 * written, is a {@link PermanentStorageException} naming the root on the first call that
 * touches it.
 */
public final class LocalStorageAdapter implements StorageAdapter {
    static final String INTERNAL_DIR = ".stance-sync";
    /** The longest name (file or folder) a key may have, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    private static final int MAX_READ_ATTEMPTS = 5;
    private static final int LOCK_STRIPES = 64;
    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final long LOCK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

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
            BasicFileAttributes current = attributes(target, path);
            condition.check(current == null ? null : token(current), path + " in " + location());
            writeAtomically(target, content, current);
            return token(attributes(target, path));
        });
    }

    @Override
    public Optional<StoredObject> readRecord(String path) {
        Path file = resolve(path);
        for (int attempt = 1; attempt <= MAX_READ_ATTEMPTS; attempt++) {
            // The token before and after the read: equal only if no write replaced the file meanwhile.
            BasicFileAttributes before = attributes(file, path);
            if (before == null) {
                return Optional.empty();
            }
            try {
                byte[] content = Files.readAllBytes(file);
                BasicFileAttributes after = attributes(file, path);
                if (after != null && token(before).equals(token(after))) {
                    return Optional.of(new StoredObject(content, token(after)));
                }
            } catch (NoSuchFileException replacedOrDeleted) {
                // Looked at again on the next attempt.
            } catch (IOException e) {
                throw translate("read", path, e);
            }
        }
        throw new TransientStorageException(path + " in " + location() + " changed during each of "
                + MAX_READ_ATTEMPTS + " reads", null);
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
        if (!Files.isDirectory(root)) {
            // A root that is a file or is missing is a misconfigured store, not an empty one.
            throw new PermanentStorageException(location() + (Files.exists(root) ? " is not a folder"
                    : " does not exist"), null);
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
        BasicFileAttributes attributes = attributes(resolve(path), path);
        return attributes == null ? Optional.empty() : Optional.of(new ObjectMetadata(attributes.size(),
                attributes.lastModifiedTime().toInstant(), token(attributes), null));
    }

    /** The file's attributes, null when it does not exist; never reads its content. */
    private BasicFileAttributes attributes(Path file, String key) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw translate("stat", key, e);
        }
    }

    /** Size, modification time and file key: changes whenever the file is replaced or edited. */
    private static String token(BasicFileAttributes a) {
        Object fileKey = a.fileKey();
        return Long.toHexString(a.size()) + "-" + Long.toHexString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS))
                + (fileKey == null ? "" : "-" + fileKey.toString().replaceAll("[^0-9A-Za-z]", ""));
    }

    /** Maps a key to a file below the root, refusing any key that could escape it. */
    Path resolve(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\\') >= 0
                || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidKeyException("refusing unsafe key '" + printable(key) + "' in " + location());
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".") || segment.equals(INTERNAL_DIR)) {
                throw new InvalidKeyException("refusing unsafe key '" + printable(key) + "' in " + location());
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new InvalidKeyException("key '" + printable(key) + "' has a name of " + bytes
                        + " bytes; a folder store (" + location() + ") holds names of at most " + MAX_NAME_BYTES
                        + " bytes");
            }
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new InvalidKeyException("refusing key outside the store: '" + printable(key) + "'");
        }
        return file;
    }

    private String toKey(Path file) {
        Path relative = root.relativize(file);
        String key = relative.toString().replace(java.io.File.separatorChar, '/');
        String name = file.getFileName().toString();
        if (key.startsWith(INTERNAL_DIR + "/") || name.endsWith(TEMP_SUFFIX) && name.startsWith(TEMP_PREFIX)) {
            return null;
        }
        return key;
    }

    /** Writes a temporary file, dates it after {@code replaced}, and renames it over {@code target}. */
    private void writeAtomically(Path target, byte[] content, BasicFileAttributes replaced) {
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            // Short and fixed-length, whatever the key: "." + 16 hex digits + ".tmp".
            temp = target.resolveSibling(String.format("%s%016x%s", TEMP_PREFIX,
                    ThreadLocalRandom.current().nextLong(), TEMP_SUFFIX));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (replaced != null) {
                dateAfter(temp, replaced.lastModifiedTime());
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

    /**
     * Sets {@code file}'s modification time strictly after {@code previous}, so that the token of
     * the new version differs from the old one's even within one tick of the file system's clock.
     */
    private static void dateAfter(Path file, FileTime previous) throws IOException {
        long previousMicros = previous.to(TimeUnit.MICROSECONDS);
        if (Files.getLastModifiedTime(file).to(TimeUnit.MICROSECONDS) > previousMicros) {
            return;
        }
        Files.setLastModifiedTime(file, FileTime.from(previousMicros + 1, TimeUnit.MICROSECONDS));
        if (Files.getLastModifiedTime(file).to(TimeUnit.MICROSECONDS) <= previousMicros) {
            // A file system that keeps whole seconds only.
            Files.setLastModifiedTime(file, FileTime.from(previous.to(TimeUnit.SECONDS) + 1, TimeUnit.SECONDS));
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
        if (Files.exists(root) && !Files.isDirectory(root)) {
            return new PermanentStorageException(location() + " is not a folder (" + operation + " of '"
                    + printable(key) + "')", e);
        }
        return new PermanentStorageException(operation + " of '" + printable(key) + "' in " + location()
                + " failed: " + e, e);
    }

    private static String printable(String key) {
        return key == null ? "null" : Printable.of(key);
    }
}
