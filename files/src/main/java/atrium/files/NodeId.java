package atrium.files;

public record NodeId(long value) {
    /**
     * Mixed, because the ids are time-ordered ({@link atrium.core.Ids}): their low 22 bits
     * are mostly zero and {@link Long#hashCode} of ids made within a second mostly collide,
     * which made hash maps of a folder's nodes degrade to linear scans (a PROPFIND of 2,000
     * entries spent milliseconds there).
     */
    @Override
    public int hashCode() {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }
}
