package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import atrium.server.DavTest.Dav;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * COPY and MOVE across a share's boundary (docs/api/webdav.md, docs/adr/0017): out of a share
 * one received, into one, and between two shares, over real WebDAV with two or three users, one
 * permission at a time. A refusal changes nothing on either side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShareMoveTest {
    private static final String OC = "http://owncloud.org/ns";
    private static final String DAV = "DAV:";

    /** The server's settings: SQLite here, PostgreSQL in {@link PostgresShareMoveTest} (which may skip the class). */
    Map<String, String> settings() {
        return Map.of("proxy.enabled", "true");
    }

    @BeforeAll
    void start() {
        DavTest.server = null;
        DavTest.server = TestServer.start(settings());
    }

    @AfterAll
    void stop() {
        if (DavTest.server != null) {
            DavTest.stop();
            DavTest.server = null;
        }
    }

    /** Every byte value, so a copy that re-encodes anything shows. */
    private static byte[] binary(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + i / 256);
        }
        return b;
    }

    private static Res move(Dav u, String from, String to) {
        return u.send("MOVE", u.root() + from, null, "Destination", u.root() + to);
    }

    private static Res copy(Dav u, String from, String to) {
        return u.send("COPY", u.root() + from, null, "Destination", u.root() + to);
    }

    private static byte[] get(Dav u, String path) {
        Res r = u.send("GET", u.root() + path, null);
        assertThat(r.status()).as(path + " " + r.text()).isEqualTo(200);
        return r.body();
    }

    private static int status(Dav u, String path) {
        return u.send("PROPFIND", u.root() + path, null, "Depth", "0").status();
    }

    /** Puts the owner's trashed item of that name back (under "name (restored)" when the name is taken). */
    private static void restoreFromTrash(Dav owner, String filename) {
        TrashTest.Item item = TrashTest.items(owner).stream().filter(i -> i.filename().equals(filename)).findFirst().orElseThrow();
        Res restore = TrashTest.restore(owner, item);
        assertThat(restore.status()).as(restore.text()).isEqualTo(201);
    }

    private static String used(Dav u) {
        return u.prop("/", DAV, "quota-used-bytes").orElseThrow();
    }

    /** alice's /Docs holding data.bin (binary) and sub/b.txt, shared with a new bob. */
    private record Shared(Dav alice, Dav bob, byte[] data) {
    }

    private static Shared docs(Optional<String> aliceQuota, int permissions) {
        Dav alice = Dav.create(aliceQuota);
        Dav bob = Dav.create();
        byte[] data = binary(70_000);
        assertThat(alice.mkcol("/Docs").status()).isEqualTo(201);
        assertThat(alice.send("PUT", alice.root() + "/Docs/data.bin", data).status()).isEqualTo(201);
        assertThat(alice.mkcol("/Docs/sub").status()).isEqualTo(201);
        assertThat(alice.put("/Docs/sub/b.txt", "bee").status()).isEqualTo(201);
        ShareTest.share(alice, "/Docs", bob, permissions);
        return new Shared(alice, bob, data);
    }

    @Test
    void aReadOnlyShareLetsTheRecipientCopyOutByteForByteButNotMoveOut() {
        Shared s = docs(Optional.empty(), 1);
        Dav bob = s.bob();
        String aliceDocs = s.alice().etag("/Docs");

        Res file = copy(bob, "/Docs/data.bin", "/mine.bin");
        assertThat(file.status()).as(file.text()).isEqualTo(201);
        assertThat(get(bob, "/mine.bin")).isEqualTo(s.data());
        assertThat(bob.etag("/mine.bin")).isNotEqualTo(s.alice().etag("/Docs/data.bin"));
        // A copy of the whole shared folder (its mount point) with what is below it.
        Res folder = copy(bob, "/Docs", "/Copied");
        assertThat(folder.status()).as(folder.text()).isEqualTo(201);
        assertThat(get(bob, "/Copied/data.bin")).isEqualTo(s.data());
        assertThat(new String(get(bob, "/Copied/sub/b.txt"))).isEqualTo("bee");
        // The copies are bob's: his quota, his ids, his rights.
        assertThat(used(bob)).isEqualTo(Long.toString(2L * s.data().length + 3));
        assertThat(ShareTest.permissions(bob, "/mine.bin")).hasValue("RGDNVW");
        assertThat(bob.prop("/mine.bin", OC, "fileid")).isNotEqualTo(s.alice().prop("/Docs/data.bin", OC, "fileid"));

        Res out = move(bob, "/Docs/data.bin", "/moved.bin");
        assertThat(out.status()).as(out.text()).isEqualTo(403);
        assertThat(out.text()).contains("does not let you delete");
        assertThat(status(bob, "/moved.bin")).isEqualTo(404);
        assertThat(get(s.alice(), "/Docs/data.bin")).isEqualTo(s.data());
        assertThat(s.alice().etag("/Docs")).isEqualTo(aliceDocs);
        assertThat(TrashTest.items(s.alice())).isEmpty();
    }

    @Test
    void aMoveOutOfAShareWithDeleteLandsInTheRecipientsFilesAndTheSourceInTheOwnersTrash() {
        Shared s = docs(Optional.empty(), 1 | 8);
        Dav bob = s.bob();
        String aliceDocs = s.alice().etag("/Docs");
        String fileEtag = s.alice().etag("/Docs/data.bin");
        String bobRoot = bob.etag("/");
        assertThat(bob.mkcol("/Mine").status()).isEqualTo(201);

        Res r = move(bob, "/Docs/data.bin", "/Mine/data.bin");
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.header("OC-FileId")).isPresent();
        assertThat(get(bob, "/Mine/data.bin")).isEqualTo(s.data());
        // Its content did not change, so neither does its etag: the sync client that moved it downloads nothing.
        assertThat(bob.etag("/Mine/data.bin")).isEqualTo(fileEtag);
        assertThat(status(bob, "/Docs/data.bin")).isEqualTo(404);
        assertThat(status(s.alice(), "/Docs/data.bin")).isEqualTo(404);
        assertThat(TrashTest.items(s.alice())).extracting(TrashTest.Item::filename).containsExactly("data.bin");
        assertThat(TrashTest.items(bob)).isEmpty();
        // Both trees changed, so both sync clients look again.
        assertThat(s.alice().etag("/Docs")).isNotEqualTo(aliceDocs);
        assertThat(bob.etag("/")).isNotEqualTo(bobRoot);
        assertThat(used(bob)).isEqualTo(Long.toString(s.data().length));

        // A folder moves out whole.
        Res folder = move(bob, "/Docs/sub", "/Mine/sub");
        assertThat(folder.status()).as(folder.text()).isEqualTo(201);
        assertThat(new String(get(bob, "/Mine/sub/b.txt"))).isEqualTo("bee");
        assertThat(status(s.alice(), "/Docs/sub")).isEqualTo(404);
        // The owner gets it back from the trash, content intact.
        restoreFromTrash(s.alice(), "data.bin");
        assertThat(get(s.alice(), "/Docs/data.bin")).isEqualTo(s.data());
    }

    @Test
    void copyingOrMovingIntoAShareNeedsCreateThereAndUpdateToReplace() {
        Shared readOnly = docs(Optional.empty(), 1);
        Dav bob = readOnly.bob();
        assertThat(bob.put("/own.txt", "own").status()).isEqualTo(201);
        for (Res refused : List.of(copy(bob, "/own.txt", "/Docs/own.txt"), move(bob, "/own.txt", "/Docs/own.txt"))) {
            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.text()).contains("does not let you add files or folders");
        }
        assertThat(new String(get(bob, "/own.txt"))).isEqualTo("own");
        assertThat(status(readOnly.alice(), "/Docs/own.txt")).isEqualTo(404);
        assertThat(TrashTest.items(bob)).isEmpty();

        Shared createOnly = docs(Optional.empty(), 1 | 4);
        Dav carl = createOnly.bob();
        byte[] mine = binary(5000);
        assertThat(carl.send("PUT", carl.root() + "/mine.bin", mine).status()).isEqualTo(201);
        assertThat(carl.mkcol("/Folder").status()).isEqualTo(201);
        assertThat(carl.put("/Folder/in.txt", "in").status()).isEqualTo(201);
        Res copied = copy(carl, "/mine.bin", "/Docs/sub/mine.bin");
        assertThat(copied.status()).as(copied.text()).isEqualTo(201);
        assertThat(get(createOnly.alice(), "/Docs/sub/mine.bin")).isEqualTo(mine);
        Res moved = move(carl, "/Folder", "/Docs/Folder");
        assertThat(moved.status()).as(moved.text()).isEqualTo(201);
        assertThat(new String(get(createOnly.alice(), "/Docs/Folder/in.txt"))).isEqualTo("in");
        assertThat(status(carl, "/Folder")).isEqualTo(404);
        // What the mover had is in the mover's own trash.
        assertThat(TrashTest.items(carl)).extracting(TrashTest.Item::filename).containsExactly("Folder");
        assertThat(used(createOnly.alice())).isEqualTo(Long.toString(createOnly.data().length + 3 + mine.length + 2));
        // Replacing a file of the share is a change: create alone is not enough.
        Res replace = copy(carl, "/mine.bin", "/Docs/data.bin");
        assertThat(replace.status()).as(replace.text()).isEqualTo(403);
        assertThat(replace.text()).contains("is read-only for you");
        assertThat(get(createOnly.alice(), "/Docs/data.bin")).isEqualTo(createOnly.data());
        // Overwrite: F on an existing name stops before anything is done.
        Res noOverwrite = carl.send("COPY", carl.root() + "/mine.bin", null, "Destination", carl.root() + "/Docs/sub/mine.bin",
                "Overwrite", "F");
        assertThat(noOverwrite.status()).isEqualTo(412);
    }

    @Test
    void whatComesIntoAShareCountsAgainstItsOwnersQuotaAndA507LeavesTheSourceWhereItWas() {
        Dav alice = Dav.create(Optional.of("1 KB"));
        Dav bob = Dav.create();
        assertThat(alice.mkcol("/Box").status()).isEqualTo(201);
        ShareTest.share(alice, "/Box", bob, 31);
        byte[] big = binary(4096);
        assertThat(bob.send("PUT", bob.root() + "/big.bin", big).status()).isEqualTo(201);
        for (Res full : List.of(copy(bob, "/big.bin", "/Box/big.bin"), move(bob, "/big.bin", "/Box/big.bin"))) {
            assertThat(full.status()).as(full.text()).isEqualTo(507);
        }
        assertThat(get(bob, "/big.bin")).isEqualTo(big);
        assertThat(TrashTest.items(bob)).isEmpty();
        assertThat(status(alice, "/Box/big.bin")).isEqualTo(404);
        assertThat(used(alice)).isEqualTo("0");

        assertThat(bob.put("/small.txt", "small").status()).isEqualTo(201);
        assertThat(move(bob, "/small.txt", "/Box/small.txt").status()).isEqualTo(201);
        assertThat(used(alice)).isEqualTo("5");
        assertThat(new String(get(alice, "/Box/small.txt"))).isEqualTo("small");
    }

    @Test
    void aMoveBetweenSharesKeepsTheIdWithinOneOwnersTreeAndCopiesAcrossOwners() {
        Dav alice = Dav.create();
        Dav carol = Dav.create();
        Dav bob = Dav.create();
        alice.mkcol("/Docs");
        alice.mkcol("/Other");
        carol.mkcol("/Box");
        byte[] data = binary(3000);
        assertThat(alice.send("PUT", alice.root() + "/Docs/data.bin", data).status()).isEqualTo(201);
        ShareTest.share(alice, "/Docs", bob, 31);
        ShareTest.share(alice, "/Other", bob, 31);
        ShareTest.share(carol, "/Box", bob, 31);
        String id = alice.prop("/Docs/data.bin", OC, "fileid").orElseThrow();

        Res sameOwner = move(bob, "/Docs/data.bin", "/Other/data.bin");
        assertThat(sameOwner.status()).as(sameOwner.text()).isEqualTo(201);
        assertThat(alice.prop("/Other/data.bin", OC, "fileid")).hasValue(id);
        assertThat(TrashTest.items(alice)).isEmpty();

        Res otherOwner = move(bob, "/Other/data.bin", "/Box/data.bin");
        assertThat(otherOwner.status()).as(otherOwner.text()).isEqualTo(201);
        assertThat(get(carol, "/Box/data.bin")).isEqualTo(data);
        assertThat(carol.prop("/Box/data.bin", OC, "fileid")).isNotEqualTo(Optional.of(id));
        assertThat(status(alice, "/Other/data.bin")).isEqualTo(404);
        assertThat(TrashTest.items(alice)).extracting(TrashTest.Item::filename).containsExactly("data.bin");
        assertThat(used(carol)).isEqualTo(Long.toString(data.length));

        // Out of a share without delete: a copy only.
        Dav dave = Dav.create();
        carol.mkcol("/Read");
        carol.put("/Read/r.txt", "read me");
        ShareTest.share(carol, "/Read", bob, 1);
        assertThat(move(bob, "/Read/r.txt", "/Docs/r.txt").status()).isEqualTo(403);
        assertThat(copy(bob, "/Read/r.txt", "/Docs/r.txt").status()).isEqualTo(201);
        assertThat(new String(get(alice, "/Docs/r.txt"))).isEqualTo("read me");
        assertThat(new String(get(carol, "/Read/r.txt"))).isEqualTo("read me");
        // Someone who received nothing moves nothing of theirs.
        assertThat(move(dave, "/Read/r.txt", "/r.txt").status()).isEqualTo(404);
    }

    @Test
    void whatACopyReplacesInASharedFolderGoesToItsOwnersTrashAndALockStopsAMoveOut() {
        Shared s = docs(Optional.empty(), 31);
        Dav bob = s.bob();
        assertThat(bob.put("/data.bin", "bob's version").status()).isEqualTo(201);
        Res replaced = copy(bob, "/data.bin", "/Docs/data.bin");
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(204);
        assertThat(new String(get(s.alice(), "/Docs/data.bin"))).isEqualTo("bob's version");
        // alice's own content is not gone: it is in her trash, whole.
        restoreFromTrash(s.alice(), "data.bin");
        assertThat(get(s.alice(), "/Docs/data%20(restored).bin")).isEqualTo(s.data());

        // alice holds a lock on a file: bob's move out is refused with 423, nothing moves.
        Res lock = s.alice().send("LOCK", s.alice().root() + "/Docs/sub/b.txt", """
                <d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype>
                </d:lockinfo>""");
        assertThat(lock.status()).as(lock.text()).isEqualTo(200);
        Res locked = move(bob, "/Docs/sub/b.txt", "/b.txt");
        assertThat(locked.status()).as(locked.text()).isEqualTo(423);
        assertThat(status(bob, "/b.txt")).isEqualTo(404);
        assertThat(new String(get(s.alice(), "/Docs/sub/b.txt"))).isEqualTo("bee");
    }

    @Test
    void aReceivedShareCannotBeReplacedByACopyOrAMove() {
        Dav alice = Dav.create();
        Dav bob = Dav.create();
        alice.put("/note.txt", "alice's note");
        ShareTest.share(alice, "/note.txt", bob, 31);
        bob.put("/mine.txt", "bob's");
        Res r = copy(bob, "/mine.txt", "/note.txt");
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.text()).contains("'note.txt' is a share you received");
        Res fr = bob.send("MOVE", bob.root() + "/mine.txt", null, "Destination", bob.root() + "/note.txt",
                "Accept-Language", "fr");
        assertThat(fr.status()).isEqualTo(403);
        assertThat(fr.text()).contains("est un partage que vous avez reçu");
        assertThat(new String(get(alice, "/note.txt"))).isEqualTo("alice's note");
        assertThat(new String(get(bob, "/mine.txt"))).isEqualTo("bob's");
    }
}
