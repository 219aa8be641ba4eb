package atrium.voip.db;

import atrium.identity.AccountId;
import atrium.voip.Device;
import atrium.voip.DeviceId;
import atrium.voip.Extension;
import atrium.voip.Registration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Extensions, devices (with their sealed HA1s) and registrations: the voip module's tables. */
public final class PhoneStore implements AutoCloseable {
    /** A device with what its digest check needs: the realm its HA1s were made for and the sealed HA1s. */
    public record DeviceSecrets(Device device, String realm, String sealedMd5, String sealedSha256) {
    }

    private final Jdbi jdbi;
    private final BindingWriter writer;

    public PhoneStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.writer = new BindingWriter(jdbi);
    }

    /** Stops the bindings' writer once what is queued is written. */
    @Override
    public void close() {
        writer.close();
    }

    // ---- extensions

    public Optional<Extension> extensionOf(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_extensions WHERE account_id = :a")
                .bind("a", account.value()).map((rs, ctx) -> extension(rs)).findOne());
    }

    public Optional<Extension> extensionByNumber(String number) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_extensions WHERE number = :n")
                .bind("n", number).map((rs, ctx) -> extension(rs)).findOne());
    }

    public List<Extension> extensions() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_extensions ORDER BY number")
                .map((rs, ctx) -> extension(rs)).list());
    }

    /** Gives the account this number, or changes its number; the unique index refuses a number already taken. */
    public void putExtension(Extension e) {
        jdbi.useTransaction(h -> {
            int changed = h.createUpdate("UPDATE voip_extensions SET number = :n WHERE account_id = :a")
                    .bind("n", e.number()).bind("a", e.account().value()).execute();
            if (changed == 0) {
                h.createUpdate("INSERT INTO voip_extensions (account_id, number, created_at) VALUES (:a, :n, :t)")
                        .bind("a", e.account().value()).bind("n", e.number()).bind("t", e.createdAt()).execute();
            }
        });
    }

    /** Removes the extension with its devices and their registrations. */
    public boolean deleteExtension(AccountId account) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    DELETE FROM voip_registrations WHERE device_id IN (SELECT id FROM voip_devices WHERE account_id = :a)""")
                    .bind("a", account.value()).execute();
            h.createUpdate("DELETE FROM voip_devices WHERE account_id = :a").bind("a", account.value()).execute();
            return h.createUpdate("DELETE FROM voip_extensions WHERE account_id = :a").bind("a", account.value())
                    .execute() > 0;
        });
    }

    private static Extension extension(ResultSet rs) throws SQLException {
        return new Extension(new AccountId(rs.getLong("account_id")), rs.getString("number"), rs.getLong("created_at"));
    }

    // ---- devices

    public void insertDevice(DeviceSecrets d) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO voip_devices (id, account_id, username, label, realm, ha1_md5, ha1_sha256, created_at)
                        VALUES (:id, :a, :u, :l, :r, :m, :s, :t)""")
                .bind("id", d.device().id().value()).bind("a", d.device().account().value())
                .bind("u", d.device().username()).bind("l", d.device().label()).bind("r", d.realm())
                .bind("m", d.sealedMd5()).bind("s", d.sealedSha256()).bind("t", d.device().createdAt()).execute());
    }

    /** New secrets after a password reset; the device's registrations go (the old password made them). */
    public void replaceSecrets(DeviceSecrets d) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE voip_devices SET realm = :r, ha1_md5 = :m, ha1_sha256 = :s WHERE id = :id")
                    .bind("r", d.realm()).bind("m", d.sealedMd5()).bind("s", d.sealedSha256())
                    .bind("id", d.device().id().value()).execute();
            h.createUpdate("DELETE FROM voip_registrations WHERE device_id = :id").bind("id", d.device().id().value())
                    .execute();
        });
    }

    public Optional<DeviceSecrets> deviceByUsername(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_devices WHERE username = :u")
                .bind("u", username).map((rs, ctx) -> secrets(rs)).findOne());
    }

    public Optional<Device> deviceById(DeviceId id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_devices WHERE id = :id")
                .bind("id", id.value()).map((rs, ctx) -> secrets(rs).device()).findOne());
    }

    public List<Device> devicesOf(AccountId account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_devices WHERE account_id = :a ORDER BY username")
                .bind("a", account.value()).map((rs, ctx) -> secrets(rs).device()).list());
    }

    public List<Device> devices() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM voip_devices ORDER BY username")
                .map((rs, ctx) -> secrets(rs).device()).list());
    }

    public boolean deleteDevice(DeviceId id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM voip_registrations WHERE device_id = :id").bind("id", id.value()).execute();
            return h.createUpdate("DELETE FROM voip_devices WHERE id = :id").bind("id", id.value()).execute() > 0;
        });
    }

    private static DeviceSecrets secrets(ResultSet rs) throws SQLException {
        return new DeviceSecrets(new Device(new DeviceId(rs.getLong("id")), new AccountId(rs.getLong("account_id")),
                rs.getString("username"), rs.getString("label"), rs.getLong("created_at")), rs.getString("realm"),
                rs.getString("ha1_md5"), rs.getString("ha1_sha256"));
    }

    // ---- registrations

    /** The live bindings of a device (not yet expired at {@code now}). */
    public List<Registration> bindings(DeviceId device, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM voip_registrations WHERE device_id = :d AND expires_at > :now ORDER BY id""")
                .bind("d", device.value()).bind("now", now).map((rs, ctx) -> registration(rs)).list());
    }

    /** Every live binding, for the administrators' view. */
    public List<Registration> liveBindings(long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM voip_registrations WHERE expires_at > :now ORDER BY device_id, id""")
                .bind("now", now).map((rs, ctx) -> registration(rs)).list());
    }

    /**
     * Applies one REGISTER's changes to a device's bindings in one transaction: removals by contact URI, then
     * additions or refreshes (by contact URI).
     */
    /**
     * One REGISTER's changes to a device's bindings, committed together with those of other REGISTERs arriving
     * at the same time (group commit); returns once they are stored.
     */
    public void apply(DeviceId device, List<String> removedUris, List<Registration> upserts, long now) {
        writer.apply(device, removedUris, upserts, now);
    }

    /** Removes every binding of a device ({@code Contact: *}). */
    public void removeAll(DeviceId device) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM voip_registrations WHERE device_id = :d")
                .bind("d", device.value()).execute());
    }

    public int purgeExpired(long now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM voip_registrations WHERE expires_at <= :now")
                .bind("now", now).execute());
    }

    private static Registration registration(ResultSet rs) throws SQLException {
        return new Registration(rs.getLong("id"), new DeviceId(rs.getLong("device_id")), rs.getString("contact"),
                rs.getString("contact_uri"), rs.getString("transport"), rs.getString("source"),
                rs.getString("user_agent"), rs.getString("call_id"), rs.getLong("cseq"), rs.getLong("expires_at"));
    }
}
