package atrium.server;

import atrium.core.Config;
import atrium.core.ConfigException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** Entry point: {@code run} starts the server, {@code cli …} runs an admin command on the same data. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogSetup.installManager();
        String command = args.length == 0 ? "run" : args[0];
        try {
            switch (command) {
                case "run" -> run();
                case "cli" -> System.exit(Cli.run(Arrays.copyOfRange(args, 1, args.length)));
                default -> {
                    System.err.println("usage: Main run | cli <command>");
                    System.exit(64);
                }
            }
        } catch (ConfigException e) {
            System.err.println("atrium: configuration error: " + e.getMessage());
            System.exit(ConfigException.EXIT_CODE);
        }
    }

    private static void run() {
        Config config = Config.load(System.getenv());
        LogSetup.configure(config.string("log.level"));
        Atrium atrium = Atrium.start(config);
        Path pidFile = config.dataDir().resolve("atrium.pid");
        try {
            Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            Logger.getLogger(Main.class.getName()).warning("cannot write " + pidFile + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            atrium.close();
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // a stale pid file is harmless: status checks the process
            }
            stopped.countDown();
        }, "atrium-shutdown"));
        Logger.getLogger(Main.class.getName()).info(() -> "JVM up " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
