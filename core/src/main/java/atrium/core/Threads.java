package atrium.core;

/** Small helpers for the few places that start a thread of their own. */
public final class Threads {
    private Threads() {
    }

    /**
     * Waits for a helper thread whose work the caller's outcome depends on, even when the
     * caller is interrupted meanwhile (the interrupt is kept for later): leaving early would
     * let the helper touch a file or buffer the caller is about to close or reuse.
     */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
