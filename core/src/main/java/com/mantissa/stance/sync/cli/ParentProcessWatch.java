package com.mantissa.stance.sync.cli;

import java.util.Optional;

/**
 * In the child: ends this JVM, as a SIGTERM would (shutdown hooks run), once the JVM that
 * started it is gone, even killed with SIGKILL, which runs no hook in the parent to stop it.
 * Watching is a daemon thread that checks a few times a second that the parent still runs and
 * is still this process's parent (a parent that died is replaced at once, even while it is a
 * zombie). It uses nothing but the JDK and the launcher's constants (compiled in), so it loads
 * nothing else.
 */
final class ParentProcessWatch {
    private static final long POLL_MILLIS = 200;

    private ParentProcessWatch() {
    }

    /** Starts watching when this JVM is a launcher's child; does nothing otherwise. */
    static void startIfChild() {
        String value = System.getProperty(ShortRunLauncher.CHILD_PROPERTY);
        if (value == null) {
            return;
        }
        long parentPid;
        try {
            parentPid = Long.parseLong(value);
        } catch (NumberFormatException notAProcessId) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Thread watch = new Thread(() -> {
            while (parent.isPresent() && parent.get().isAlive() && ProcessHandle.current().parent()
                    .map(ProcessHandle::pid).orElse(parentPid) == parentPid) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("stance-sync: stopping: the process that started this run (" + parentPid
                    + ") is gone");
            System.exit(ShortRunLauncher.PARENT_GONE);
        }, "stance-sync-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
