package atrium.identity;

import atrium.core.AtriumException;
import atrium.core.Ids;
import atrium.core.Msg;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bulk import of accounts from a CSV: a dry run says what would happen; the real run
 * imports the valid rows, reports each bad row with its line number, and updates the
 * accounts that exist already, so running it twice changes nothing more. Groups listed
 * in the file are added to the account (never removed). Generated passwords can be
 * fetched once.
 */
public final class UserImportService {
    /** A refused line and why, rendered in the reader's language when shown. */
    public record RowError(int line, Msg reason) {
    }

    public record Report(boolean dryRun, int total, List<String> created, List<String> updated, List<String> newGroups,
                         List<RowError> errors, Map<String, String> generatedPasswords) {
    }

    /** A running or finished import as the admin console polls it. */
    public static final class Job {
        private final long id;
        private final boolean dryRun;
        private final long ownerId;
        private final long startedAt;
        private final AtomicInteger processed = new AtomicInteger();
        private final AtomicInteger total = new AtomicInteger();
        private final AtomicReference<Report> report = new AtomicReference<>();
        private final AtomicReference<Msg> failure = new AtomicReference<>();
        private final AtomicReference<Map<String, String>> passwords = new AtomicReference<>();

        Job(long id, boolean dryRun, long ownerId, long startedAt) {
            this.id = id;
            this.dryRun = dryRun;
            this.ownerId = ownerId;
            this.startedAt = startedAt;
        }

        public long id() {
            return id;
        }

        public boolean dryRun() {
            return dryRun;
        }

        public int processed() {
            return processed.get();
        }

        public int total() {
            return total.get();
        }

        public Optional<Report> report() {
            return Optional.ofNullable(report.get());
        }

        public Optional<Msg> failure() {
            return Optional.ofNullable(failure.get());
        }

        public boolean passwordsAvailable() {
            Map<String, String> p = passwords.get();
            return p != null && !p.isEmpty();
        }
    }

    private static final long KEEP_JOBS_MS = 3_600_000;

    private final AccountService accounts;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;
    private final int threads;
    private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
    /** Columns other modules handle, registered at start. */
    private final List<ImportColumn> columns = new CopyOnWriteArrayList<>();

    public UserImportService(AccountService accounts, AuditLog audit, Ids ids, Clock clock) {
        this.accounts = accounts;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        // Password hashing is CPU-bound: one worker per core.
        this.threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** A column another module handles (the phone system's extension), registered by server's Main at start. */
    public void addColumn(ImportColumn column) {
        columns.add(column);
    }

    /** Starts an import in the background; poll {@link #job}. */
    public Job start(Caller caller, byte[] csv, boolean dryRun) {
        AccountService.requireAdmin(caller);
        jobs.values().removeIf(j -> clock.millis() - j.startedAt > KEEP_JOBS_MS);
        Job job = new Job(ids.next(), dryRun, caller.id().value(), clock.millis());
        jobs.put(job.id, job);
        Thread.ofVirtual().name("import-" + job.id).start(() -> {
            try {
                Report r = run(caller, csv, dryRun, job.total, job.processed);
                job.passwords.set(new ConcurrentHashMap<>(r.generatedPasswords()));
                job.report.set(r);
            } catch (AtriumException e) {
                job.failure.set(e.msg());
            } catch (RuntimeException e) {
                job.failure.set(Msg.of("identity.import.unexpected"));
                java.util.logging.Logger.getLogger(UserImportService.class.getName())
                        .log(java.util.logging.Level.SEVERE, "import " + job.id + " failed", e);
            }
        });
        return job;
    }

    public Job job(Caller caller, long id) {
        Job j = jobs.get(id);
        if (j == null || (j.ownerId != caller.id().value() && !caller.isAdmin())) {
            throw new AtriumException.NotFound(Msg.of("identity.import.not-found"));
        }
        return j;
    }

    /** The generated passwords as CSV, once; afterwards they are gone. */
    public String takePasswords(Caller caller, long id) {
        Job j = job(caller, id);
        Map<String, String> p = j.passwords.getAndSet(Map.of());
        if (p == null || p.isEmpty()) {
            throw new AtriumException.Gone(Msg.of("identity.import.passwords-gone"));
        }
        audit.record(caller, "import-passwords-downloaded", null, p.size() + " passwords");
        StringBuilder sb = new StringBuilder("\uFEFFlogin;password\r\n");
        p.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append(';').append(e.getValue()).append("\r\n"));
        return sb.toString();
    }

    /** Runs an import synchronously (the CLI uses this directly). */
    public Report run(Caller caller, byte[] csv, boolean dryRun, AtomicInteger total, AtomicInteger processed) {
        AccountService.requireAdmin(caller);
        CsvImport.ParsedCsv parsed = CsvImport.parse(csv, List.copyOf(columns));
        List<RowError> errors = Collections.synchronizedList(new ArrayList<>());
        parsed.errors().forEach(e -> errors.add(new RowError(e.line(), e.reason())));
        List<CsvImport.ImportRow> rows = parsed.rows();
        total.set(rows.size());

        Set<String> groupNames = new LinkedHashSet<>();
        rows.forEach(r -> groupNames.addAll(r.groups()));
        List<String> newGroups = new ArrayList<>();
        for (String g : groupNames) {
            if (!newGroups.stream().anyMatch(n -> n.equalsIgnoreCase(g)) && !groupExists(g)) {
                newGroups.add(g);
            }
        }
        if (!dryRun && !groupNames.isEmpty()) {
            accounts.ensureGroups(caller, groupNames);
        }

        List<String> created = Collections.synchronizedList(new ArrayList<>());
        List<String> updated = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> passwords = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (CsvImport.ImportRow row : rows) {
                futures.add(pool.submit(() -> {
                    try {
                        importRow(caller, row, dryRun, created, updated, passwords);
                    } catch (AtriumException e) {
                        errors.add(new RowError(row.line(), e.msg()));
                    } finally {
                        processed.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        List<RowError> sortedErrors = new ArrayList<>(errors);
        sortedErrors.sort(Comparator.comparingInt(RowError::line));
        List<String> c = new ArrayList<>(created);
        List<String> u = new ArrayList<>(updated);
        Collections.sort(c);
        Collections.sort(u);
        if (!dryRun) {
            audit.record(caller, "import", null, c.size() + " created, " + u.size() + " updated, "
                    + sortedErrors.size() + " rows refused, " + newGroups.size() + " new groups");
        }
        return new Report(dryRun, rows.size(), c, u, newGroups, sortedErrors, passwords);
    }

    private boolean groupExists(String name) {
        try {
            accounts.findGroup(name);
            return true;
        } catch (AtriumException.NotFound e) {
            return false;
        }
    }

    private void importRow(Caller caller, CsvImport.ImportRow row, boolean dryRun, List<String> created,
                           List<String> updated, Map<String, String> passwords) {
        Optional<Account> existing;
        try {
            existing = Optional.of(accounts.find(row.login()));
        } catch (AtriumException.NotFound e) {
            existing = Optional.empty();
        }
        row.password().ifPresent(p -> accounts.checkPassword(p, row.login(), row.displayName()));
        if (dryRun) {
            (existing.isPresent() ? updated : created).add(row.login());
            return;
        }
        List<String> groups = new ArrayList<>(row.groups());
        if (existing.isPresent()) {
            UserView current = accounts.view(existing.get());
            for (String g : current.groups()) {
                if (groups.stream().noneMatch(n -> n.equalsIgnoreCase(g))) {
                    groups.add(g);
                }
            }
            // A blank name cell comes back as the login: keep the name the account has then.
            Optional<String> name = row.displayName().equals(row.login()) ? Optional.empty() : Optional.of(row.displayName());
            AccountChanges changes = new AccountChanges(name, row.email(),
                    Optional.empty(), row.quotaGiven() ? Optional.of(row.quota()) : Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(groups));
            accounts.update(caller, row.login(), changes);
            if (row.password().isPresent()) {
                accounts.resetPassword(caller, row.login(), row.password());
            }
            updated.add(row.login());
        } else {
            AccountChanges changes = new AccountChanges(Optional.of(row.displayName()), row.email(),
                    Optional.empty(), Optional.of(row.quota()), Optional.empty(), Optional.empty(), Optional.of(groups));
            var result = accounts.create(caller, row.login(), row.password(), changes);
            result.generatedPassword().ifPresent(p -> passwords.put(row.login().toLowerCase(Locale.ROOT), p));
            created.add(row.login());
        }
        // After the account exists; a refusal here is reported on the row, the account stays made.
        row.extras().forEach((column, value) -> column.apply(caller, row.login(), value));
    }
}
