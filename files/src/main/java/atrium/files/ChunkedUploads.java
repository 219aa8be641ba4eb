package atrium.files;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.blob.Blob;
import atrium.core.blob.BlobId;
import atrium.core.blob.BlobStore;
import atrium.core.blob.BlobWriter;
import atrium.core.db.Database;
import atrium.identity.AccountId;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Chunked uploads as the Nextcloud clients send them (shared/reference/nextcloud-client-protocol.md §4):
 * an upload folder per transfer, one blob per chunk, kept in the database so an upload
 * survives a restart and can be resumed, then streamed chunk after chunk into
 * {@link FileService#write} for the destination. A chunk is never held in memory.
 */
public final class ChunkedUploads {
    /** How long an unfinished upload is kept. */
    public static final Duration MAX_AGE = Duration.ofHours(24);
    /** The highest chunk number of the v2 form (Nextcloud, S3 multipart). */
    public static final int MAX_V2_CHUNK = 10_000;

    /** An upload in progress; destination and totalLength as the client announced them at MKCOL. */
    public record Transfer(long id, AccountId owner, String transferId, Optional<String> destination,
                           Optional<Long> totalLength, long createdAt) {
    }

    public record Chunk(String name, BlobId blob, long size) {
    }

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final FileService files;
    private final Ids ids;
    private final Clock clock;

    public ChunkedUploads(Database db, BlobStore blobs, FileService files, Ids ids, Clock clock) {
        this.jdbi = db.jdbi();
        this.blobs = blobs;
        this.files = files;
        this.ids = ids;
        this.clock = clock;
    }

    /** The numeric order of a chunk name (both 16-digit indexes and 1…10000); empty when not a chunk name. */
    public static Optional<Long> chunkNumber(String name) {
        if (!name.matches("[0-9]{1,16}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(name));
    }

    public Optional<Transfer> find(AccountId owner, String transferId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files_uploads WHERE owner_id = :o AND transfer_id = :t")
                .bind("o", owner.value()).bind("t", transferId)
                .map((rs, ctx) -> transfer(rs)).findOne());
    }

    /**
     * Starts an upload (MKCOL). With a total length, refuses (quota exceeded) what could not fit.
     *
     * @param replacedSize the size of the file the upload will replace, when known (v2 names its destination)
     * @throws AtriumException.Conflict when the upload exists already
     */
    public Transfer create(AccountId owner, String transferId, Optional<String> destination, Optional<Long> totalLength,
                           long replacedSize) {
        if (find(owner, transferId).isPresent()) {
            throw new AtriumException.Conflict(Msg.of("files.upload.exists", transferId));
        }
        Optional<Long> quota = files.quota(owner);
        if (totalLength.isPresent() && quota.isPresent()
                && totalLength.get() > quota.get() - files.used(owner) + replacedSize) {
            throw FileService.quotaExceeded(quota.get());
        }
        Transfer t = new Transfer(ids.next(), owner, transferId, destination, totalLength, clock.millis());
        jdbi.useTransaction(h -> h.createUpdate("""
                        INSERT INTO files_uploads (id, owner_id, transfer_id, destination, total_length, created_at)
                        VALUES (:id, :o, :t, :d, :len, :at)""")
                .bind("id", t.id()).bind("o", owner.value()).bind("t", transferId).bind("d", destination.orElse(null))
                .bind("len", totalLength.orElse(null)).bind("at", t.createdAt()).execute());
        return t;
    }

    /** The chunks received so far, in assembly (numeric) order. */
    public List<Chunk> chunks(Transfer t) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, blob_id, size FROM files_upload_chunks WHERE upload_id = :u")
                        .bind("u", t.id())
                        .map((rs, ctx) -> new Chunk(rs.getString("name"), new BlobId(rs.getString("blob_id")), rs.getLong("size")))
                        .list())
                .stream().sorted(ORDER).toList();
    }

    private static final Comparator<Chunk> ORDER = Comparator.<Chunk>comparingLong(c -> chunkNumber(c.name()).orElse(Long.MAX_VALUE))
            .thenComparing(Chunk::name);

    /**
     * Streams one chunk into a blob of its own; a chunk of the same name is replaced. The
     * chunks of an upload together may not exceed its announced total length, nor (without
     * one) the free space of the quota.
     *
     * @return true when the chunk is new, false when it replaced one
     */
    public boolean putChunk(Transfer t, String name, InputStream body, long declaredLength) {
        long others = chunks(t).stream().filter(c -> !c.name().equals(name)).mapToLong(Chunk::size).sum();
        Optional<Long> quota = files.quota(t.owner());
        long allowed = t.totalLength().map(total -> total - others)
                .orElseGet(() -> quota.map(q -> q - files.used(t.owner()) - others).orElse(Long.MAX_VALUE));
        DiskSpace disk = files.disk();
        DiskSpace.Limit limit = disk.limit(allowed, () -> tooMuch(t, quota));
        limit.check(declaredLength);
        Blob blob = disk.guard(() -> {
            try (BlobWriter writer = blobs.create()) {
                long n = LimitedCopy.copy(body, writer.stream(), limit.bytes(), LimitedCopy.NONE, limit.exceeded());
                if (declaredLength >= 0 && n != declaredLength) {
                    throw new AtriumException.Invalid(Msg.of("files.upload.short", n, declaredLength));
                }
                return writer.commit();
            }
        });
        Optional<BlobId> replaced;
        try {
            replaced = disk.guard(() -> jdbi.inTransaction(h -> {
                Optional<BlobId> old = h.createQuery("SELECT blob_id FROM files_upload_chunks WHERE upload_id = :u AND name = :n")
                        .bind("u", t.id()).bind("n", name).mapTo(String.class).findOne().map(BlobId::new);
                if (h.createQuery("SELECT COUNT(*) FROM files_uploads WHERE id = :u").bind("u", t.id())
                        .mapTo(Integer.class).one() == 0) {
                    throw new AtriumException.NotFound(Msg.of("files.upload.not-found", t.transferId()));
                }
                h.createUpdate("DELETE FROM files_upload_chunks WHERE upload_id = :u AND name = :n")
                        .bind("u", t.id()).bind("n", name).execute();
                h.createUpdate("INSERT INTO files_upload_chunks (upload_id, name, blob_id, size) VALUES (:u, :n, :b, :s)")
                        .bind("u", t.id()).bind("n", name).bind("b", blob.id().value()).bind("s", blob.size()).execute();
                return old;
            }));
        } catch (RuntimeException e) {
            blobs.delete(blob.id());
            throw e;
        }
        replaced.ifPresent(blobs::delete);
        return replaced.isEmpty();
    }

    private static AtriumException tooMuch(Transfer t, Optional<Long> quota) {
        if (t.totalLength().isPresent()) {
            return new AtriumException.Invalid(Msg.of("files.upload.over-total", t.totalLength().get()));
        }
        return FileService.quotaExceeded(quota.orElseThrow());
    }

    /** Removes one chunk (the desktop client drops stray chunks before it resumes). */
    public boolean deleteChunk(Transfer t, String name) {
        Optional<BlobId> old = jdbi.inTransaction(h -> {
            Optional<BlobId> b = h.createQuery("SELECT blob_id FROM files_upload_chunks WHERE upload_id = :u AND name = :n")
                    .bind("u", t.id()).bind("n", name).mapTo(String.class).findOne().map(BlobId::new);
            h.createUpdate("DELETE FROM files_upload_chunks WHERE upload_id = :u AND name = :n")
                    .bind("u", t.id()).bind("n", name).execute();
            return b;
        });
        old.ifPresent(blobs::delete);
        return old.isPresent();
    }

    /**
     * Streams the chunks, in numeric order, into the destination file, then removes the upload.
     * With a total length, the chunks must sum up to it exactly. A failure (checksum, quota,
     * precondition) leaves the destination as it was and the upload in place; content the
     * virus scanner refuses removes the upload.
     *
     * @param treeOwner whose tree the destination is in: the uploader's, or the owner of a
     *                  share the uploader may write in (docs/adr/0011)
     */
    public FileService.Written assemble(Transfer t, AccountId treeOwner, List<String> destination, Optional<Long> totalLength,
                                        FileService.Upload upload) {
        List<Chunk> chunks = chunks(t);
        long sum = chunks.stream().mapToLong(Chunk::size).sum();
        Optional<Long> expected = totalLength.or(t::totalLength);
        if (expected.isPresent() && expected.get() != sum) {
            throw new AtriumException.Invalid(Msg.of("files.upload.sum-mismatch", expected.get(), sum));
        }
        Iterator<Chunk> it = chunks.iterator();
        Enumeration<InputStream> streams = new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return blobs.open(it.next().blob(), 0, -1);
            }
        };
        FileService.Written written;
        try (InputStream body = new SequenceInputStream(streams)) {
            written = files.write(treeOwner, destination, body, sum, upload);
        } catch (AtriumException.Rejected e) {
            // The same chunks would be refused again (a virus): the upload goes, and they with it.
            cancel(t);
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cancel(t);
        return written;
    }

    /** Removes an upload and its chunks' blobs. */
    public void cancel(Transfer t) {
        List<Chunk> chunks = chunks(t);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM files_upload_chunks WHERE upload_id = :u").bind("u", t.id()).execute();
            h.createUpdate("DELETE FROM files_uploads WHERE id = :u").bind("u", t.id()).execute();
        });
        for (Chunk c : chunks) {
            blobs.delete(c.blob());
        }
    }

    /** Housekeeping: removes uploads started more than {@link #MAX_AGE} ago. @return how many */
    public int purgeExpired() {
        long before = clock.millis() - MAX_AGE.toMillis();
        List<Transfer> stale = jdbi.withHandle(h -> h.createQuery("SELECT * FROM files_uploads WHERE created_at < :b")
                .bind("b", before).map((rs, ctx) -> transfer(rs)).list());
        for (Transfer t : stale) {
            cancel(t);
        }
        return stale.size();
    }

    private static Transfer transfer(java.sql.ResultSet rs) throws java.sql.SQLException {
        long total = rs.getLong("total_length");
        Optional<Long> totalLength = rs.wasNull() ? Optional.empty() : Optional.of(total);
        return new Transfer(rs.getLong("id"), new AccountId(rs.getLong("owner_id")), rs.getString("transfer_id"),
                Optional.ofNullable(rs.getString("destination")), totalLength, rs.getLong("created_at"));
    }
}
