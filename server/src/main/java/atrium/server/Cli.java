package atrium.server;

import atrium.core.AtriumException;
import atrium.core.Config;
import atrium.core.ConfigException;
import atrium.core.Ids;
import atrium.core.Language;
import atrium.core.db.Database;
import atrium.core.mail.Mailer;
import atrium.files.FilesModule;
import atrium.files.StorageCheck;
import atrium.identity.Account;
import atrium.identity.AccountChanges;
import atrium.identity.AccountId;
import atrium.identity.AccountRules;
import atrium.identity.Caller;
import atrium.identity.IdentityModule;
import atrium.identity.UserImportService;
import atrium.identity.UserView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./atrium cli …}: administration from the shell, on the same data directory as the server. */
@Command(name = "atrium cli", mixinStandardHelpOptions = true, subcommands = {Cli.UserCmd.class, Cli.FilesCmd.class, Cli.Status.class},
        description = "Administer Atrium from the command line (works whether or not the server is running).")
final class Cli implements Callable<Integer> {
    /** Messages from the server side (errors, import reasons) follow the shell's locale, French or English. */
    static final Language LANGUAGE = Language.fromEnvironment(System.getenv());

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 64;
    }

    static int run(String[] args) {
        LogSetup.configure("warn");
        CommandLine cl = new CommandLine(new Cli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof AtriumException ae) {
                cmd.getErr().println("atrium: " + ae.msg().text(LANGUAGE));
                return 1;
            }
            if (e instanceof ConfigException ce) {
                cmd.getErr().println("atrium: configuration error: " + ce.getMessage());
                return ConfigException.EXIT_CODE;
            }
            throw e;
        });
        return cl.execute(args);
    }

    /** Opens the data directory's database and the identity module, without any listener. */
    static final class Context implements AutoCloseable {
        final Config config;
        final Database db;
        final IdentityModule identity;
        final Caller caller;

        Context() {
            config = Config.load(System.getenv());
            db = Database.open(config);
            Clock clock = Clock.systemUTC();
            // The command line sends no mail: it would exit before the queue is sent.
            identity = new IdentityModule(config, db, new Ids(clock, 1023), clock, Mailer.off(config));
            // The shell user acts as an administrator; the audit log shows them as "cli".
            caller = Caller.system(new Account(new AccountId(0), "cli", "Command line", Optional.empty(), "en",
                    Optional.empty(), true, true, false, 0, Optional.empty()));
        }

        @Override
        public void close() {
            db.close();
        }
    }

    @Command(name = "user", description = "Manage accounts.", mixinStandardHelpOptions = true,
            subcommands = {UserAdd.class, UserList.class, UserDisable.class, UserEnable.class, UserImport.class})
    static final class UserCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 64;
        }
    }

    @Command(name = "add", description = "Create an account; prints the generated password unless --password-stdin.",
            mixinStandardHelpOptions = true)
    static final class UserAdd implements Callable<Integer> {
        @Parameters(index = "0", description = "login") String login;
        @Option(names = "--display-name") String displayName;
        @Option(names = "--email") String email;
        @Option(names = "--language", description = "fr or en") String language;
        @Option(names = "--quota", description = "e.g. \"10 GB\" or none") String quota;
        @Option(names = "--group", description = "group (repeatable); created if missing") List<String> groups;
        @Option(names = "--admin") boolean admin;
        @Option(names = "--password-stdin", description = "read the password from standard input") boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            try (Context ctx = new Context()) {
                Optional<String> password = Optional.empty();
                if (passwordStdin) {
                    password = Optional.of(new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip());
                }
                if (groups != null && !groups.isEmpty()) {
                    ctx.identity.accounts.ensureGroups(ctx.caller, groups);
                }
                var created = ctx.identity.accounts.create(ctx.caller, login, password, new AccountChanges(
                        Optional.ofNullable(displayName), Optional.ofNullable(email), Optional.ofNullable(language),
                        quota == null ? Optional.empty() : Optional.of(AccountRules.quota(quota)), Optional.empty(),
                        Optional.of(admin), Optional.ofNullable(groups)));
                System.out.println("Created " + created.user().account().login());
                created.generatedPassword().ifPresent(p -> System.out.println("Password: " + p));
                return 0;
            }
        }
    }

    @Command(name = "list", description = "List accounts.", mixinStandardHelpOptions = true)
    static final class UserList implements Callable<Integer> {
        @Option(names = "--search") String search;
        @Option(names = "--group") String group;

        @Override
        public Integer call() {
            try (Context ctx = new Context()) {
                int offset = 0;
                System.out.printf("%-24s %-30s %-30s %-10s %-8s %s%n", "LOGIN", "NAME", "EMAIL", "QUOTA", "STATE", "GROUPS");
                while (true) {
                    var page = ctx.identity.accounts.search(ctx.caller, Optional.ofNullable(search), Optional.ofNullable(group),
                            500, offset);
                    for (UserView v : ctx.identity.accounts.views(page.items())) {
                        Account a = v.account();
                        System.out.printf("%-24s %-30s %-30s %-10s %-8s %s%n", a.login(), a.displayName(), a.email().orElse(""),
                                AccountRules.formatQuota(a.quotaBytes()),
                                (a.enabled() ? "enabled" : "disabled") + (a.admin() ? ",admin" : ""), String.join(",", v.groups()));
                    }
                    offset += page.items().size();
                    if (page.items().isEmpty() || offset >= page.total()) {
                        System.out.println(page.total() + " accounts");
                        return 0;
                    }
                }
            }
        }
    }

    @Command(name = "disable", description = "Disable an account and sign it out everywhere.", mixinStandardHelpOptions = true)
    static final class UserDisable implements Callable<Integer> {
        @Parameters(index = "0") String login;

        @Override
        public Integer call() {
            return setEnabled(login, false);
        }
    }

    @Command(name = "enable", description = "Enable an account.", mixinStandardHelpOptions = true)
    static final class UserEnable implements Callable<Integer> {
        @Parameters(index = "0") String login;

        @Override
        public Integer call() {
            return setEnabled(login, true);
        }
    }

    private static int setEnabled(String login, boolean enabled) {
        try (Context ctx = new Context()) {
            ctx.identity.accounts.update(ctx.caller, login, new AccountChanges(Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of(enabled), Optional.empty(), Optional.empty()));
            System.out.println((enabled ? "Enabled " : "Disabled ") + login);
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import accounts from a CSV (login; display name; email; groups; quota; password).")
    static final class UserImport implements Callable<Integer> {
        @Parameters(index = "0", description = "the CSV file") Path file;
        @Option(names = "--dry-run", description = "only show what would happen") boolean dryRun;
        @Option(names = "--passwords-file", description = "where to write generated passwords (default: FILE.passwords.csv)")
        Path passwordsFile;

        @Override
        public Integer call() throws Exception {
            if (!Files.isReadable(file)) {
                System.err.println("atrium: cannot read " + file);
                return 1;
            }
            byte[] csv = Files.readAllBytes(file);
            try (Context ctx = new Context()) {
                AtomicInteger total = new AtomicInteger();
                AtomicInteger done = new AtomicInteger();
                long t0 = System.nanoTime();
                Thread progress = Thread.ofVirtual().start(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(500);
                            if (total.get() > 0) {
                                System.err.printf("\r%d / %d rows", done.get(), total.get());
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                UserImportService.Report r;
                try {
                    r = ctx.identity.imports.run(ctx.caller, csv, dryRun, total, done);
                } finally {
                    progress.interrupt();
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.err.print("\r");
                PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
                out.printf("%s%d rows in %d ms: %d %s, %d %s, %d refused%n", dryRun ? "Dry run: " : "", r.total(), ms,
                        r.created().size(), dryRun ? "to create" : "created", r.updated().size(),
                        dryRun ? "to update" : "updated", r.errors().size());
                if (!r.newGroups().isEmpty()) {
                    out.println((dryRun ? "Groups to create: " : "Groups created: ") + String.join(", ", r.newGroups()));
                }
                for (var e : r.errors()) {
                    out.printf("line %d: %s%n", e.line(), e.reason().text(LANGUAGE));
                }
                if (!r.generatedPasswords().isEmpty()) {
                    Path target = passwordsFile != null ? passwordsFile : Path.of(file + ".passwords.csv");
                    StringBuilder sb = new StringBuilder("login;password\n");
                    r.generatedPasswords().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                            .forEach(e -> sb.append(e.getKey()).append(';').append(e.getValue()).append('\n'));
                    Files.writeString(target, sb, StandardCharsets.UTF_8);
                    try {
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException ignored) {
                        // not a POSIX file system
                    }
                    out.println("Generated passwords written to " + target + " (readable only by you); hand them out and delete it.");
                }
                return r.errors().isEmpty() ? 0 : 2;
            }
        }
    }

    /** The pid of the server running on this data directory, if one is. */
    static Optional<Long> serverPid(Config config) throws IOException {
        Path pid = config.dataDir().resolve("atrium.pid");
        if (Files.isRegularFile(pid)) {
            try {
                long p = Long.parseLong(Files.readString(pid).strip());
                if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
                    return Optional.of(p);
                }
            } catch (NumberFormatException ignored) {
                // a damaged pid file means we cannot tell: say not running
            }
        }
        return Optional.empty();
    }

    @Command(name = "files", description = "Look after the file storage.", mixinStandardHelpOptions = true,
            subcommands = {FilesCheck.class})
    static final class FilesCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 64;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the file storage: blobs of every file present and of the right size, no orphan blob,"
                    + " folder sizes, the tree, temporary files, the thumbnail store. Exit code 0 when clean, 1 when problems were found.")
    static final class FilesCheck implements Callable<Integer> {
        @Option(names = "--repair", description = "delete orphan blobs and old temporary files, forget thumbnails whose blob is gone,"
                + " recompute folder sizes")
        boolean repair;
        @Option(names = "--limit", defaultValue = "20", description = "how many problems to show (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws IOException {
            try (Context ctx = new Context()) {
                // Beside a running server, young blobs and temporary files may belong to uploads in flight.
                boolean running = serverPid(ctx.config).isPresent();
                Duration orphanAge = running ? Duration.ofHours(1) : Duration.ZERO;
                ctx.db.migrate("files");
                Clock clock = Clock.systemUTC();
                var check = new StorageCheck(ctx.db, FilesModule.blobStore(ctx.config), FilesModule.previewStore(ctx.config),
                        new Ids(clock, 1023), clock,
                        owner -> ctx.identity.accounts.byId(owner).map(Account::login).orElse("#" + owner.value()));
                StorageCheck.Report r = check.run(StorageCheck.Options.olderThan(repair, orphanAge, Duration.ofHours(1), limit));
                PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
                out.println(StorageCheck.summary(r).text(LANGUAGE));
                r.counts().forEach((kind, n) -> out.printf("  %s: %d%n", StorageCheck.label(kind).text(LANGUAGE), n));
                for (StorageCheck.Problem p : r.problems()) {
                    out.println("- " + p.message().text(LANGUAGE));
                }
                if (r.problemCount() > r.problems().size()) {
                    out.printf("  (%d more)%n", r.problemCount() - r.problems().size());
                }
                for (var done : r.repairs()) {
                    out.println("repair: " + done.text(LANGUAGE));
                }
                return r.clean() ? 0 : 1;
            }
        }
    }

    @Command(name = "status", description = "Show the state of this Atrium.", mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            try (Context ctx = new Context()) {
                String running = serverPid(ctx.config).map(p -> "running (pid " + p + ")").orElse("not running");
                System.out.println("  version:   " + Optional.ofNullable(Cli.class.getPackage().getImplementationVersion()).orElse("dev"));
                System.out.println("  server:    " + running);
                System.out.println("  data:      " + ctx.config.dataDir());
                System.out.println("  database:  " + ctx.db.dialect().name().toLowerCase() + (ctx.db.healthy() ? " (ok)" : " (DOWN)"));
                System.out.println("  accounts:  " + ctx.identity.accounts.count());
                System.out.println("  groups:    " + ctx.identity.accounts.listGroups(ctx.caller).size());
                System.out.println("  2FA for all: " + ctx.identity.settings.requireTotpForAll());
                return 0;
            }
        }
    }
}
