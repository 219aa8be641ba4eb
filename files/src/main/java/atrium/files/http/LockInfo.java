package atrium.files.http;

import java.util.Optional;

/**
 * The body of a LOCK request that creates a lock (RFC 4918 section 14.11): the scope and
 * the client's owner information, kept as a self-contained XML fragment (the content of
 * {@code <d:owner>}) because section 14.17 asks the server to return it unchanged.
 */
public record LockInfo(LockScope scope, Optional<String> owner) {
}
