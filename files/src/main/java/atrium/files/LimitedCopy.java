package atrium.files;

import atrium.core.AtriumException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Streams an upload into a blob, stopping as soon as it passes the bytes it may take. */
final class LimitedCopy {
    private static final int BUFFER = 64 * 1024;

    /** Called with each piece before it is written (checksums). */
    interface Observer {
        void update(byte[] b, int off, int len);
    }

    private LimitedCopy() {
    }

    static long copy(InputStream in, OutputStream out, long allowed, Observer observer, Supplier<AtriumException> tooMuch) {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > allowed) {
                    throw tooMuch.get();
                }
                observer.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("the upload broke off", e);
        }
    }
}
