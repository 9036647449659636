import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The local MongoDB-wire store: mongo-java-server on an H2 MVStore file, committed before every
 * write is acknowledged.
 *
 * <p>mongo-java-server's H2 backend leaves commits to MVStore's background writer (once a
 * second), so a killed process loses up to a second of acknowledged writes. Here every command
 * that may change data commits the store before its answer is sent. MVStore's commit takes the
 * store lock, so a writer that finds another commit in progress waits for it and then writes
 * whatever is still unsaved: concurrent writers share commits instead of queueing one each.
 * A commit hands the new chunk to the operating system, which keeps it when this process dies;
 * surviving a power loss would need an fsync per commit, which the local store does not pay.
 *
 * <p>Usage: {@code java -cp ... ExpeStore HOST PORT DATA_FILE}
 */
public final class ExpeStore {

    /** Commands that never change data: answered without a commit. Anything else commits. */
    private static final Set<String> READS = Set.of(
        "find", "getmore", "count", "distinct", "aggregate", "killcursors", "listcollections",
        "listindexes", "listdatabases", "hello", "ismaster", "ping", "buildinfo", "whatsmyuri",
        "serverstatus", "dbstats", "collstats", "getlog", "hostinfo", "getcmdlineopts",
        "connectionstatus", "endsessions", "getparameter", "getfreemonitoringstatus");

    static final class CommittingBackend extends H2Backend {
        private final MVStore store;

        CommittingBackend(MVStore store) {
            super(store);
            this.store = store;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command,
                                      Document query) {
            try {
                return super.handleCommand(channel, database, command, query);
            } finally {
                // Also after a failed command: a batch insert refused half-way has stored its
                // first documents, and the driver reports them as written.
                if (!READS.contains(command.toLowerCase())) {
                    store.commit();
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ExpeStore HOST PORT DATA_FILE");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path file = Path.of(args[2]);
        Files.createDirectories(file.toAbsolutePath().getParent());

        // The background writer stays on: it compacts the file as chunks die, and commits
        // nothing that a command has not already committed.
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        // A commit per write makes a small chunk per write. MVStore keeps dead chunks for 45 s
        // by default before reusing their space, in case the disk has not flushed them yet; at a
        // few hundred writes a second that grew the file by 45 MB per 1,000 documents (20,000
        // documents written twice: 920 MB, against 53 MB with no retention). Reusing the space
        // at once is safe when the process dies, since the kernel keeps every completed write;
        // only a power cut between a write and the disk's flush could lose more, which a
        // development store accepts (README, "Data").
        store.setRetentionTime(0);
        CommittingBackend backend = new CommittingBackend(store);
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        System.err.println("expe-store: serving " + file + " on " + host + ":" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            System.err.println("expe-store: stopped");
        }));
    }
}
