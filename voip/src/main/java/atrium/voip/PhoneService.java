package atrium.voip;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import atrium.core.blob.MasterKey;
import atrium.identity.Account;
import atrium.identity.AccountId;
import atrium.identity.AccountService;
import atrium.identity.AuditLog;
import atrium.identity.Caller;
import atrium.identity.Secrets;
import atrium.sip.DigestAlgorithm;
import atrium.voip.db.PhoneStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Extensions and SIP devices: administrators give a user a number and devices, each with its own SIP username and a
 * generated password shown once. Only the digest's HA1s are kept, sealed with the master key (ADR 0023).
 */
public final class PhoneService {
    private static final Logger LOG = Logger.getLogger(PhoneService.class.getName());
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_LABEL = 100;

    /**
     * How long a device or extension read for the registrar and calls is used without reading it again (ms). Changes
     * made through this service on this node take effect at once (the caches are emptied); one made on another node
     * within this time (ADR 0033). The account's state is not cached: identity tells nobody of a disabled account.
     */
    static final long CACHED_FOR = 5_000;

    /** A device just made or given a new password: the password is in no other answer, ever. */
    public record WithPassword(Device device, String password) {
    }

    /** A device as the digest check needs it, with its HA1s unsealed on first use; empty when made for another realm. */
    private record CachedDevice(Optional<PhoneStore.DeviceSecrets> secrets, long until,
                                Map<DigestAlgorithm, Optional<String>> ha1s) {
    }

    private record CachedExtension(Optional<Extension> extension, long until) {
    }

    private final PhoneStore store;
    private final AccountService accounts;
    private final AuditLog audit;
    private final MasterKey key;
    private final Ids ids;
    private final Clock clock;
    private final LiveEvents live;
    private final String realm;
    private final int minLength;
    private final int maxLength;
    private final Map<String, CachedDevice> devices = new ConcurrentHashMap<>();
    private final Map<AccountId, CachedExtension> extensionsByAccount = new ConcurrentHashMap<>();
    /** Counts {@link #forget()}s: a value read before one must not stay cached after it. */
    private final AtomicLong changes = new AtomicLong();

    public PhoneService(PhoneStore store, AccountService accounts, AuditLog audit, MasterKey key, Ids ids, Clock clock,
                        LiveEvents live, String realm, int minLength, int maxLength) {
        this.store = store;
        this.accounts = accounts;
        this.audit = audit;
        this.key = key;
        this.ids = ids;
        this.clock = clock;
        this.live = live;
        this.realm = realm;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    public String realm() {
        return realm;
    }

    // ---- administrators

    /** Gives {@code login} the extension {@code number}, or changes it. */
    public Extension setExtension(Caller caller, String login, String number) {
        AccountService.requireAdmin(caller);
        Account account = accounts.find(login);
        checkNumber(number);
        store.extensionByNumber(number).filter(e -> !e.account().equals(account.id())).ifPresent(e -> {
            Optional<Account> holder = accounts.byId(e.account());
            if (holder.isPresent()) {
                throw new AtriumException.Conflict(Msg.of("voip.extension.taken", number, holder.get().login()));
            }
            dropOrphan(e);
        });
        Extension e = store.extensionOf(account.id()).map(old -> new Extension(old.account(), number, old.createdAt()))
                .orElseGet(() -> new Extension(account.id(), number, clock.millis()));
        store.putExtension(e);
        forget();
        audit.record(caller, "voip-extension-set", login, "number=" + number);
        return e;
    }

    /**
     * Removes the extensions (with devices and registrations) of accounts deleted since: identity has no hook on
     * deletion, so housekeeping and {@link #setExtension} catch them. Returns how many went.
     */
    public int dropOrphans() {
        int n = 0;
        for (Extension e : store.extensions()) {
            if (accounts.byId(e.account()).isEmpty()) {
                dropOrphan(e);
                n++;
            }
        }
        return n;
    }

    private void dropOrphan(Extension e) {
        droppingBindings(store.devicesOf(e.account()), () -> store.deleteExtension(e.account()));
        audit.record(Optional.empty(), "voip-extension-removed", Optional.of("#" + e.account().value()), "local",
                "number=" + e.number() + ": the account was deleted");
    }

    /** The number as the firm's dial plan wants it: digits only, within the configured lengths. */
    public void checkNumber(String number) {
        if (number.isEmpty() || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw AtriumException.Invalid.field("number", Msg.of("voip.extension.digits", number));
        }
        if (number.length() < minLength || number.length() > maxLength) {
            throw AtriumException.Invalid.field("number", Msg.of("voip.extension.length", number, minLength, maxLength));
        }
    }

    public void removeExtension(Caller caller, String login) {
        AccountService.requireAdmin(caller);
        Account account = accounts.find(login);
        if (!droppingBindings(store.devicesOf(account.id()), () -> store.deleteExtension(account.id()))) {
            throw new AtriumException.NotFound(Msg.of("voip.extension.none", login));
        }
        audit.record(caller, "voip-extension-removed", login, "");
    }

    /** Adds a device to {@code login}'s extension; the username is chosen or {@code {number}-{n}}. */
    public WithPassword addDevice(Caller caller, String login, Optional<String> username, Optional<String> label) {
        AccountService.requireAdmin(caller);
        Account account = accounts.find(login);
        Extension ext = store.extensionOf(account.id())
                .orElseThrow(() -> new AtriumException.Conflict(Msg.of("voip.extension.none", login)));
        String name = username.map(String::strip).orElseGet(() -> nextUsername(ext));
        if (!USERNAME.matcher(name).matches()) {
            throw AtriumException.Invalid.field("username", Msg.of("voip.device.username", name));
        }
        if (store.deviceByUsername(name).isPresent()) {
            throw new AtriumException.Conflict(Msg.of("voip.device.taken", name));
        }
        String text = label.map(String::strip).orElse("");
        if (text.length() > MAX_LABEL || text.chars().anyMatch(Character::isISOControl)) {
            throw AtriumException.Invalid.field("label", Msg.of("voip.device.label", MAX_LABEL));
        }
        Device device = new Device(new DeviceId(ids.next()), account.id(), name, text, clock.millis());
        String password = Secrets.generatedPassword();
        store.insertDevice(sealed(device, password));
        forget();
        audit.record(caller, "voip-device-added", login, "username=" + name);
        return new WithPassword(device, password);
    }

    private String nextUsername(Extension ext) {
        Set<String> taken = new HashSet<>();
        store.devicesOf(ext.account()).forEach(d -> taken.add(d.username()));
        for (int n = 1; ; n++) {
            String candidate = ext.number() + "-" + n;
            if (!taken.contains(candidate) && store.deviceByUsername(candidate).isEmpty()) {
                return candidate;
            }
        }
    }

    /** A new generated password for a device; its registrations end (the phone must be given the new one). */
    public WithPassword resetPassword(Caller caller, String username) {
        AccountService.requireAdmin(caller);
        return newPassword(caller, device(username));
    }

    /** The same for one of the caller's own devices; someone else's is not found (nothing to learn from a 403). */
    public WithPassword resetOwnPassword(Caller caller, String username) {
        Device device = store.deviceByUsername(username).map(PhoneStore.DeviceSecrets::device)
                .filter(d -> d.account().equals(caller.id()))
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("voip.device.none", username)));
        return newPassword(caller, device);
    }

    private WithPassword newPassword(Caller caller, Device device) {
        String username = device.username();
        String password = Secrets.generatedPassword();
        droppingBindings(List.of(device), () -> {
            store.replaceSecrets(sealed(device, password));
            return true;
        });
        audit.record(caller, "voip-device-password-reset", loginOf(device.account()), "username=" + username);
        return new WithPassword(device, password);
    }

    public void deleteDevice(Caller caller, String username) {
        AccountService.requireAdmin(caller);
        Device device = device(username);
        droppingBindings(List.of(device), () -> store.deleteDevice(device.id()));
        audit.record(caller, "voip-device-removed", loginOf(device.account()), "username=" + username);
    }

    /** Runs a change that drops the devices' registrations, then tells the live view which went. */
    private <T> T droppingBindings(List<Device> devices, Supplier<T> change) {
        long now = clock.millis();
        List<Map.Entry<Registration, Device>> gone = new ArrayList<>();
        devices.forEach(d -> store.bindings(d.id(), now).forEach(r -> gone.add(Map.entry(r, d))));
        T result = change.get();
        forget();
        gone.forEach(e -> live.registrationRemoved(e.getKey().id(), e.getValue()));
        return result;
    }

    private Device device(String username) {
        return store.deviceByUsername(username).map(PhoneStore.DeviceSecrets::device)
                .orElseThrow(() -> new AtriumException.NotFound(Msg.of("voip.device.none", username)));
    }

    public List<Extension> extensions(Caller caller) {
        AccountService.requireAdmin(caller);
        return store.extensions();
    }

    public List<Device> devicesOf(AccountId account) {
        return store.devicesOf(account);
    }

    public List<Device> allDevices() {
        return store.devices();
    }

    /** The account's extension; read at most every {@link #CACHED_FOR} ms (each REGISTER and call asks). */
    public Optional<Extension> extensionOf(AccountId account) {
        long now = clock.millis();
        CachedExtension known = extensionsByAccount.get(account);
        if (known != null && now < known.until()) {
            return known.extension();
        }
        long seen = changes.get();
        CachedExtension fresh = new CachedExtension(store.extensionOf(account), now + CACHED_FOR);
        keep(extensionsByAccount, account, fresh, seen);
        return fresh.extension();
    }

    /**
     * Empties the caches after a change of devices, extensions or passwords, so that the next REGISTER or call reads
     * them again (same node only: other nodes within {@link #CACHED_FOR} ms).
     */
    private void forget() {
        changes.incrementAndGet();
        devices.clear();
        extensionsByAccount.clear();
    }

    /** The login of the account holding {@code number}, if an existing account does. */
    public Optional<String> holderOf(String number) {
        return store.extensionByNumber(number).flatMap(e -> accounts.byId(e.account())).map(Account::login);
    }

    public String loginOf(AccountId account) {
        return accounts.byId(account).map(Account::login).orElse("#" + account.value());
    }

    // ---- digest

    private PhoneStore.DeviceSecrets sealed(Device device, String password) {
        return new PhoneStore.DeviceSecrets(device, realm, seal(device, DigestAlgorithm.MD5, password),
                seal(device, DigestAlgorithm.SHA_256, password));
    }

    private String seal(Device device, DigestAlgorithm algorithm, String password) {
        byte[] ha1 = algorithm.ha1(device.username(), realm, password).getBytes(StandardCharsets.US_ASCII);
        return Base64.getEncoder().encodeToString(key.seal(ha1, aad(device.id(), algorithm)));
    }

    private static byte[] aad(DeviceId id, DigestAlgorithm algorithm) {
        return ("voip-device:" + id.value() + ":" + algorithm.token()).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Caches a value read from the database when {@code seen} was the count of changes; a change made while it was read
     * (its write may have come after the read) takes it out again, whether it cleared the map before or after this put.
     */
    private <K, V> void keep(Map<K, V> cache, K key, V value, long seen) {
        cache.put(key, value);
        if (changes.get() != seen) {
            cache.remove(key, value);
        }
    }

    /**
     * A device by SIP username with its HA1 for {@code algorithm}, for the registrar's digest check. The device and its
     * opened HA1s are kept {@link #CACHED_FOR} ms: a phone registering or calling costs one database read (its
     * account, which may have been disabled) and no decryption. Unknown usernames are not kept (a scanner would fill
     * the map).
     */
    public Optional<Authenticated> forDigest(String username, DigestAlgorithm algorithm) {
        long now = clock.millis();
        CachedDevice known = devices.get(username);
        if (known == null || now >= known.until()) {
            long seen = changes.get();
            Optional<PhoneStore.DeviceSecrets> found = store.deviceByUsername(username);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            known = new CachedDevice(found.filter(this::ofThisRealm), now + CACHED_FOR, new ConcurrentHashMap<>());
            keep(devices, username, known, seen);
        }
        Optional<PhoneStore.DeviceSecrets> secrets = known.secrets();
        if (secrets.isEmpty() || accounts.byId(secrets.get().device().account()).filter(Account::enabled).isEmpty()) {
            // A disabled or deleted account's phones stop registering, like its sign-ins.
            return Optional.empty();
        }
        PhoneStore.DeviceSecrets s = secrets.get();
        return known.ha1s().computeIfAbsent(algorithm, a -> open(s, a)).map(ha1 -> new Authenticated(s.device(), ha1));
    }

    private boolean ofThisRealm(PhoneStore.DeviceSecrets s) {
        if (!s.realm().equals(realm)) {
            // HA1 depends on the realm: after sip.realm changed, every device needs a new password.
            LOG.warning("SIP device " + s.device().username() + " has a password made for realm '" + s.realm()
                    + "', not '" + realm + "': reset its password");
            return false;
        }
        return true;
    }

    private Optional<String> open(PhoneStore.DeviceSecrets s, DigestAlgorithm algorithm) {
        String sealed = algorithm == DigestAlgorithm.SHA_256 ? s.sealedSha256() : s.sealedMd5();
        return key.open(Base64.getDecoder().decode(sealed), aad(s.device().id(), algorithm))
                .map(ha1 -> new String(ha1, StandardCharsets.US_ASCII));
    }

    /** A device and the HA1 its digest answer is checked against. */
    public record Authenticated(Device device, String ha1) {
    }
}
