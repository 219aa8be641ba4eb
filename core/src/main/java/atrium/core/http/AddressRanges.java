package atrium.core.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A set of addresses and CIDR ranges (IPv4 and IPv6), e.g. the trusted reverse proxies. */
public final class AddressRanges {
    private record Range(byte[] network, int prefix) {
    }

    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** Parses "10.0.0.0/8, ::1"; throws IllegalArgumentException naming the bad entry. */
    public static AddressRanges parse(List<String> entries) {
        List<Range> out = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.split("/", 2);
            if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            byte[] addr;
            try {
                addr = InetAddress.getByName(parts[0]).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            int prefix = addr.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + entry + "' has a bad prefix length");
                }
                if (prefix < 0 || prefix > addr.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a bad prefix length");
                }
            }
            out.add(new Range(addr, prefix));
        }
        return new AddressRanges(List.copyOf(out));
    }

    public boolean contains(String address) {
        byte[] addr;
        try {
            if (!address.matches("[0-9a-fA-F:.%a-z]+")) {
                return false;
            }
            addr = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        for (Range r : ranges) {
            if (r.network.length == addr.length && matches(r.network, addr, r.prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] net, byte[] addr, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != addr[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (net[full] & mask) == (addr[full] & mask);
    }
}
