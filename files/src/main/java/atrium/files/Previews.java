package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.blob.BlobId;
import atrium.core.blob.BlobStore;
import atrium.core.blob.BlobWriter;
import atrium.core.db.Database;
import atrium.files.db.PreviewStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Thumbnails of files, made on first request and kept as blobs of a store of their own, keyed
 * by file id, etag and size: a new content has a new etag, so it never gets an old picture,
 * and {@link #purge} (housekeeping) removes the pictures of contents that are gone.
 *
 * <p>Work is bounded: files over {@code maxBytes} get no thumbnail, images over {@code maxPixels}
 * are refused before decoding, and at most one rendering per processor runs at a time, each
 * given {@code timeout}. A rendering that overruns is abandoned by the request (404) but keeps
 * its permit until it really ends, since PDFBox does not stop when interrupted.
 */
public final class Previews {
    /** The sizes made: a request for x × y gets the smallest one that covers both. */
    static final int[] SIZES = {64, 128, 256, 512, 1024};
    private static final Logger LOG = Logger.getLogger(Previews.class.getName());

    public record Limits(long maxPixels, long maxBytes, Duration timeout) {
    }

    private final Jdbi jdbi;
    private final PreviewStore store = new PreviewStore();
    private final BlobStore cache;
    private final FileService files;
    private final Clock clock;
    private final Limits limits;
    private final Semaphore permits = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    public Previews(Database db, BlobStore cache, FileService files, Clock clock, Limits limits) {
        this.jdbi = db.jdbi();
        this.cache = cache;
        this.files = files;
        this.clock = clock;
        this.limits = limits;
    }

    /** Whether a file can have a thumbnail: what {@code nc:has-preview} says. */
    public static boolean available(Node node) {
        return !node.folder() && node.contentType().map(Thumbnails::supports).orElse(false);
    }

    /** The size made for a request of x × y pixels (a non-positive side counts as unasked). */
    public static int sizeFor(int x, int y) {
        int wanted = Math.max(x, y);
        for (int s : SIZES) {
            if (s >= wanted) {
                return s;
            }
        }
        return SIZES[SIZES.length - 1];
    }

    /** The thumbnail of a file at one of {@link #SIZES}, from the cache or made now. */
    public Thumbnails.Image preview(Node file, int size) {
        if (!available(file)) {
            throw new AtriumException.NotFound(Msg.of("files.preview.none", file.name()));
        }
        if (file.size() > limits.maxBytes()) {
            throw new AtriumException.NotFound(Msg.of("files.preview.file-too-large", file.name()));
        }
        Optional<PreviewStore.Row> cached = jdbi.withHandle(h -> store.find(h, file.id(), file.etag(), size));
        if (cached.isPresent() && cache.exists(cached.get().blob())) {
            try (InputStream in = cache.open(cached.get().blob(), 0, -1)) {
                return new Thumbnails.Image(in.readAllBytes(), cached.get().contentType());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Thumbnails.Image made = render(file, size);
        keep(file, size, made);
        return made;
    }

    private Thumbnails.Image render(Node file, int size) {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        try {
            if (!permits.tryAcquire(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AtriumException.NotFound(Msg.of("files.preview.busy"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AtriumException.NotFound(Msg.of("files.preview.busy"));
        }
        CompletableFuture<Thumbnails.Image> job = new CompletableFuture<>();
        Thread.ofVirtual().name("preview-" + file.id().value()).start(() -> {
            try (InputStream in = files.read(file, 0, file.size())) {
                job.complete(Thumbnails.PDF.equals(file.contentType().orElseThrow())
                        ? Thumbnails.ofPdf(in, size) : Thumbnails.ofImage(in, size, limits.maxPixels()));
            } catch (Throwable t) {
                job.completeExceptionally(t);
            } finally {
                permits.release();
            }
        });
        try {
            return job.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warning(() -> "preview of file " + file.id().value() + " took more than " + limits.timeout() + ": abandoned");
            throw new AtriumException.NotFound(Msg.of("files.preview.timeout", file.name()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AtriumException.NotFound(Msg.of("files.preview.busy"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("rendering a preview failed", e.getCause());
        }
    }

    /** Stores a thumbnail and drops the file's thumbnails of older contents. */
    private void keep(Node file, int size, Thumbnails.Image image) {
        BlobId blob;
        try (BlobWriter w = cache.create()) {
            w.stream().write(image.bytes());
            blob = w.commit().id();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<BlobId> old = jdbi.inTransaction(h -> {
                store.insert(h, new PreviewStore.Row(file.id(), file.etag(), size, blob, image.contentType()), clock.millis());
                return store.removeOthers(h, file.id(), file.etag());
            });
            old.forEach(cache::delete);
        } catch (RuntimeException e) {
            // Another request made the same thumbnail first: theirs is kept.
            cache.delete(blob);
        }
    }

    /** Removes the thumbnails of contents that no longer exist; returns how many. */
    public int purge() {
        List<BlobId> stale = jdbi.inTransaction(store::removeStale);
        stale.forEach(cache::delete);
        return stale.size();
    }
}
