package atrium.chat;

/**
 * A file of the author's Files carried by a message ({@code owner} is the account whose file it
 * is): name, size and type as they were when it was attached; {@code preview} when files can
 * make a thumbnail of it.
 */
public record Attachment(long fileId, long owner, String name, long size, String contentType, boolean preview) {
}
