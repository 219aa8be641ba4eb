package atrium.voip.db;

import atrium.voip.DeviceId;
import atrium.voip.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes the binding changes of concurrent REGISTERs together: one writer thread takes whatever has queued up
 * and applies it in one transaction (group commit), and each REGISTER waits for its own change to be committed
 * before its 200 goes out. One transaction per REGISTER made a hundred phones registering at once queue on
 * SQLite's single writer until some waited past the busy timeout and failed (docs/benchmarks.md, "SIP").
 */
final class BindingWriter implements AutoCloseable {
    /** One REGISTER's changes, and who waits for them. */
    private record Change(DeviceId device, List<String> removedUris, List<Registration> upserts, long now,
                          CompletableFuture<Void> done) {
    }

    private static final Change STOP = new Change(null, List.of(), List.of(), 0, null);
    private static final int MAX_BATCH = 500;

    private final Jdbi jdbi;
    private final LinkedBlockingQueue<Change> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    BindingWriter(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.thread = Thread.ofPlatform().daemon().name("sip-binding-writer").start(this::run);
    }

    /** Applies the changes (deletions then upserts, in the order REGISTERs arrived); returns once committed. */
    void apply(DeviceId device, List<String> removedUris, List<Registration> upserts, long now) {
        Change c = new Change(device, List.copyOf(removedUris), List.copyOf(upserts), now, new CompletableFuture<>());
        queue.add(c);
        try {
            c.done().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the registration was being stored", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the registration was not stored within 30 s", e);
        }
    }

    private void run() {
        List<Change> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            write(batch);
            batch.clear();
            if (stop) {
                queue.forEach(c -> c.done().completeExceptionally(new IllegalStateException("the phone system is stopping")));
                return;
            }
        }
    }

    /** The whole batch in one transaction; if that fails, each change alone, so one bad change fails only itself. */
    private void write(List<Change> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            jdbi.useTransaction(h -> batch.forEach(c -> apply(h, c)));
            batch.forEach(c -> c.done().complete(null));
        } catch (RuntimeException whole) {
            for (Change c : batch) {
                try {
                    jdbi.useTransaction(h -> apply(h, c));
                    c.done().complete(null);
                } catch (RuntimeException e) {
                    c.done().completeExceptionally(e);
                }
            }
        }
    }

    private static void apply(Handle h, Change c) {
        for (String uri : c.removedUris()) {
            h.createUpdate("DELETE FROM voip_registrations WHERE device_id = :d AND contact_uri = :u")
                    .bind("d", c.device().value()).bind("u", uri).execute();
        }
        for (Registration r : c.upserts()) {
            int changed = h.createUpdate("""
                            UPDATE voip_registrations SET contact = :c, transport = :t, source = :s, user_agent = :ua,
                                call_id = :ci, cseq = :cs, expires_at = :e, updated_at = :now
                            WHERE device_id = :d AND contact_uri = :u""")
                    .bind("c", r.contact()).bind("t", r.transport()).bind("s", r.source()).bind("ua", r.userAgent())
                    .bind("ci", r.callId()).bind("cs", r.cseq()).bind("e", r.expiresAt()).bind("now", c.now())
                    .bind("d", c.device().value()).bind("u", r.contactUri()).execute();
            if (changed == 0) {
                h.createUpdate("""
                                INSERT INTO voip_registrations (id, device_id, contact, contact_uri, transport, source,
                                    user_agent, call_id, cseq, expires_at, updated_at)
                                VALUES (:id, :d, :c, :u, :t, :s, :ua, :ci, :cs, :e, :now)""")
                        .bind("id", r.id()).bind("d", c.device().value()).bind("c", r.contact())
                        .bind("u", r.contactUri()).bind("t", r.transport()).bind("s", r.source())
                        .bind("ua", r.userAgent()).bind("ci", r.callId()).bind("cs", r.cseq())
                        .bind("e", r.expiresAt()).bind("now", c.now()).execute();
            }
        }
    }

    @Override
    public void close() {
        queue.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
