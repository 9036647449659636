import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * H2Collection that picks the secondary index bounding most of a query, and lets it answer in
 * order and count.
 *
 * <p>mongo-java-server reads every position an index gives, then sorts, skips and limits in
 * memory, and counts by reading every match: a page of a merchant's payments read all of the
 * merchant's payments twice (the count, then the page). Here, when the index the query falls to
 * holds its keys in the order the query sorts by, documents are read in that order and the read
 * stops once the page is full; a count the index's bounds decide is read from key positions.
 *
 * <p>An update works on copies of the documents it matched. mongo-java-server changes the
 * document a query gave it in place before putting it back, and the stored instance is the one
 * a commit may be serialising and other connections' answers encoding: updating hot documents
 * while a commit wrote their page stopped the store (ConcurrentModificationException), and a
 * reader could be answered half of an update. Stored documents are never changed, so reads
 * need no copies.
 */
final class IndexedCollection extends H2Collection {

    IndexedCollection(MongoDatabase database, String name, CollectionOptions options,
                      MVMap<Object, Document> data, MVMap<String, Object> meta,
                      CursorRegistry cursors) {
        super(database, name, options, data, meta, cursors);
    }

    /** The index serving a query, with its bounds when it is a secondary index. */
    private record Served(Index<Object> index, SecondaryIndex.Bounds bounds) {
    }

    /**
     * The index that serves the query: a unique one when it can (mongo-java-server's choice),
     * else the secondary index whose bounds account for most of the query's fields; null for
     * a scan. Each index's bounds are worked out once per query.
     */
    private Served servedBy(Document query) {
        Served best = null;
        for (Index<Object> index : getIndexes()) {
            if (!(index instanceof SecondaryIndex secondary)) {
                if (index.canHandle(query)) {
                    return new Served(index, null);
                }
                continue;
            }
            SecondaryIndex.Bounds bounds = secondary.bounds(query);
            if (bounds != null && (best == null || bounds.fields() > best.bounds().fields())) {
                best = new Served(secondary, bounds);
            }
        }
        return best;
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit,
                                         int batchSize, Document fieldSelector) {
        Served served = servedBy(query);
        if (served == null) {
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
        }
        if (!(served.index() instanceof SecondaryIndex index)) {
            return matchDocuments(query, served.index().getPositions(query), orderBy, skip, limit,
                batchSize, fieldSelector);
        }
        Iterable<Object> inOrder = index.positionsInOrder(served.bounds(), orderBy);
        if (inOrder == null) { // read what the bounds give, then sort in memory
            return matchDocuments(query, index.positions(served.bounds()), orderBy, skip, limit,
                batchSize, fieldSelector);
        }
        // Lazy: the stream's skip and limit stop the walk once the page is full.
        Stream<Document> documents = StreamSupport.stream(inOrder.spliterator(), false)
            .map(this::getDocument);
        return matchDocumentsFromStream(query, documents, skip, limit, batchSize, null,
            fieldSelector);
    }

    /** Set while this thread runs an update, whose matches must be copies. */
    private static final ThreadLocal<Boolean> UPDATING = ThreadLocal.withInitial(() -> false);

    @Override
    public synchronized Document findAndModify(Document query) {
        return updating(() -> super.findAndModify(query));
    }

    @Override
    public synchronized Document updateDocuments(Document selector, Document update,
                                                 ArrayFilters arrayFilters, boolean multi,
                                                 boolean upsert, Oplog oplog) {
        return updating(() -> super.updateDocuments(selector, update, arrayFilters, multi,
            upsert, oplog));
    }

    private static Document updating(Supplier<Document> update) {
        UPDATING.set(true);
        try {
            return update.get();
        } finally {
            UPDATING.set(false);
        }
    }

    /** Every query's documents pass here (index or scan); an update's matches leave as copies. */
    @Override
    protected QueryResult matchDocumentsFromStream(Document query, Stream<Document> documents,
                                                   int skip, int limit, int batchSize,
                                                   Comparator<Document> order,
                                                   Document fieldSelector) {
        if (!UPDATING.get()) {
            return super.matchDocumentsFromStream(query, documents, skip, limit, batchSize,
                order, fieldSelector);
        }
        Stream<Document> copies = documents
            .filter(document -> documentMatchesQuery(document, query))
            .map(Document::cloneDeeply);
        // Matched already: the empty query lets each copy through without matching it again.
        return super.matchDocumentsFromStream(new Document(), copies, skip, limit, batchSize,
            order, fieldSelector);
    }

    @Override
    public synchronized int count(Document query, int skip, int limit) {
        Served served = query == null ? null : servedBy(query);
        long matching = served != null && served.index() instanceof SecondaryIndex index
            ? index.countMatching(served.bounds(), query, count()) : -1;
        if (matching < 0) {
            return super.count(query, skip, limit);
        }
        long counted = Math.max(0, matching - Math.max(0, skip));
        return (int) (limit > 0 ? Math.min(limit, counted) : counted);
    }
}
