import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
 * <p>Documents are stored as BSON. The H2 backend's default, Java serialization, was most of the
 * server's CPU in a profile of the bench (a commit writes whole pages, so each write serialises
 * every document of the pages it touched).
 *
 * <p>Usage: {@code java -cp ... ExpeStore HOST PORT DATA_FILE}
 */
public final class ExpeStore {

    /**
     * The one store of this process. Static because the backend's and the databases'
     * constructors open what the file holds before a subclass's own fields are set.
     */
    private static MVStore store;

    /** Commands that never change data: answered without a commit. Anything else commits. */
    private static final Set<String> READS = Set.of(
        "find", "getmore", "count", "distinct", "aggregate", "killcursors", "listcollections",
        "listindexes", "listdatabases", "hello", "ismaster", "ping", "buildinfo", "whatsmyuri",
        "serverstatus", "dbstats", "collstats", "getlog", "hostinfo", "getcmdlineopts",
        "connectionstatus", "endsessions", "getparameter", "getfreemonitoringstatus");

    /** A document in a store page: its BSON, behind its length. */
    static final class BsonDocumentType extends BasicDataType<Document> {
        static final BsonDocumentType INSTANCE = new BsonDocumentType();

        @Override
        public int getMemory(Document document) {
            return 64 + 96 * document.size(); // an estimate, for the page cache's accounting
        }

        @Override
        public void write(WriteBuffer buffer, Document document) {
            ByteBuf bson = Unpooled.buffer(256);
            try {
                BsonEncoder.encodeDocument(document, bson);
                buffer.putVarInt(bson.readableBytes());
                buffer.put(bson.nioBuffer());
            } finally {
                bson.release();
            }
        }

        @Override
        public Document read(ByteBuffer buffer) {
            int length = DataUtils.readVarInt(buffer);
            ByteBuffer bson = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /** H2Database storing its documents as BSON (its own data map; the rest as H2Database). */
    static final class BsonDatabase extends H2Database {
        BsonDatabase(String name, CommittingBackend backend) {
            super(name, store, backend.cursors());
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String name,
                                                                 CollectionOptions options) {
            String fullName = getFullCollectionNamespace(name);
            MVMap<Object, Document> data = store.openMap("databases." + fullName,
                new MVMap.Builder<Object, Document>().valueType(BsonDocumentType.INSTANCE));
            MVMap<String, Object> meta = store.openMap("meta." + fullName);
            return new H2Collection(this, name, options, data, meta, cursorRegistry);
        }
    }

    static final class CommittingBackend extends H2Backend {
        CommittingBackend() {
            super(store);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String name) {
            return new BsonDatabase(name, this);
        }

        de.bwaldvogel.mongo.backend.CursorRegistry cursors() {
            return getCursorRegistry();
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
        store = new MVStore.Builder().fileName(file.toString()).open();
        // A commit per write makes a small chunk per write, and MVStore keeps a dead chunk for
        // its retention time (45 s) before reusing the space, so the file holds about 45 s of
        // writes more than the data (measured: 920 MB after 40,000 writes in 40 s). The time
        // stays: a reader still walking an older version of a map (a long scan) needs those
        // chunks; with no retention such a scan failed with "Chunk ... not found".
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
