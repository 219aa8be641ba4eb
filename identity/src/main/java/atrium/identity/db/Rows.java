package atrium.identity.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Reading nullable columns as Optionals, the same way in every store. */
final class Rows {
    private Rows() {
    }

    static Optional<String> string(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    static Optional<Long> longValue(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
