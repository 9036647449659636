import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.H2UniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The local MongoDB-wire store: mongo-java-server on an H2 MVStore file, committed before every
 * write is acknowledged.
 *
 * <p>mongo-java-server's H2 backend leaves commits to MVStore's background writer (once a
 * second), so a killed process loses up to a second of acknowledged writes. Here the answer to
 * every command that may change data waits for a commit made after it ({@link GroupCommit}); the
 * writes of concurrent clients share commits. A commit hands the new chunk to the operating
 * system, which keeps it when this process dies; surviving a power loss would need an fsync per
 * commit, which the local store does not pay.
 *
 * <p>Documents are stored as BSON ({@link BsonDocumentType}) and unique-index keys by value
 * ({@link KeyValueType}), instead of the backend's Java serialization. A file written with other
 * types cannot be read with these, so the file records its {@link #FORMAT}.
 *
 * <p>Usage: {@code java -cp ... ExpeStore HOST PORT DATA_FILE}
 */
public final class ExpeStore {

    /** How documents and index keys are written; a file of another format is refused. */
    private static final String FORMAT = "bson-documents,value-keys";

    /**
     * The one store of this process. Static because the backend's and the databases'
     * constructors open what the file holds before a subclass's own fields are set.
     */
    private static MVStore store;

    /** Commands that never change data: answered at once. Anything else waits for a commit. */
    private static final Set<String> READS = Set.of(
        "find", "getmore", "count", "distinct", "aggregate", "killcursors", "listcollections",
        "listindexes", "listdatabases", "hello", "ismaster", "ping", "buildinfo", "whatsmyuri",
        "serverstatus", "dbstats", "collstats", "getlog", "hostinfo", "getcmdlineopts",
        "connectionstatus", "endsessions", "getparameter", "getfreemonitoringstatus");

    /** H2Database storing documents and index keys with the types above. */
    static final class BsonDatabase extends H2Database {
        private static final Constructor<H2UniqueIndex> UNIQUE_INDEX = uniqueIndexConstructor();

        BsonDatabase(String name, CursorRegistry cursors) {
            super(name, store, cursors);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String name,
                                                                 CollectionOptions options) {
            String fullName = getFullCollectionNamespace(name);
            MVMap<Object, Document> data = store.openMap("databases." + fullName,
                new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
            MVMap<String, Object> meta = store.openMap("meta." + fullName);
            return new IndexedCollection(this, name, options, data, meta, cursorRegistry);
        }

        /** As H2Database's (same map name), with keys stored by {@link KeyValueType}. */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collection, String index,
                                                        List<IndexKey> keys, boolean sparse) {
            MVMap<KeyValue, Object> map = indexMap(collection, index);
            try {
                return UNIQUE_INDEX.newInstance(map, index, keys, sparse);
            } catch (ReflectiveOperationException error) {
                throw new IllegalStateException("cannot open index " + index, error);
            }
        }

        /** mongo-java-server ignores non-unique indexes; this store keeps them. */
        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collection, String index,
                                                           List<IndexKey> keys, boolean sparse) {
            return new SecondaryIndex(index, keys, sparse, indexMap(collection, index));
        }

        /** An index's store map: H2Database's name for it, keys stored by {@link KeyValueType}. */
        private <V> MVMap<KeyValue, V> indexMap(String collection, String index) {
            return store.openMap(getFullCollectionNamespace(collection) + "._index_" + index,
                new MVMap.Builder<KeyValue, V>().keyType(new KeyValueType()));
        }

        // H2UniqueIndex's constructor is package-private; H2Database is its only caller.
        private static Constructor<H2UniqueIndex> uniqueIndexConstructor() {
            try {
                Constructor<H2UniqueIndex> constructor = H2UniqueIndex.class.getDeclaredConstructor(
                    MVMap.class, String.class, List.class, boolean.class);
                constructor.setAccessible(true);
                return constructor;
            } catch (NoSuchMethodException error) {
                throw new ExceptionInInitializerError(error);
            }
        }
    }

    static final class CommittingBackend extends H2Backend {
        CommittingBackend() {
            super(store);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String name) {
            return new BsonDatabase(name, getCursorRegistry());
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
                    GroupCommit.hold(channel, store);
                }
            }
        }
    }

    /** Records this launcher's format in a new file; exits when the file has another one. */
    private static void checkFormat(Path file) {
        MVMap<String, String> about = store.openMap("expe.about");
        String found = about.get("format");
        boolean hasData = store.getMapNames().stream().anyMatch(n -> n.startsWith("databases."));
        if (FORMAT.equals(found)) {
            return;
        }
        if (found != null || hasData) {
            System.err.println("expe-store: " + file + " was written in another format ("
                + (found == null ? "an older one" : found) + "); remove it to start afresh");
            System.exit(3);
        }
        about.put("format", FORMAT);
        store.commit();
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
        store = new MVStore.Builder().fileName(file.toString()).open();
        // A commit makes a small chunk, and MVStore keeps a dead chunk for its retention time
        // (45 s) before reusing the space, so the file holds about 45 s of writes more than the
        // data. The time stays: a reader still walking an older version of a map (a long scan)
        // needs those chunks; with no retention such a scan failed with "Chunk ... not found".
        checkFormat(file);
        GroupCommit.start(store);
        CommittingBackend backend = new CommittingBackend();
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
