import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A non-unique index, which mongo-java-server does not keep (it scans the collection for any
 * filter but `_id` and unique keys): a store map whose keys are the indexed values followed by
 * the document's position, so one document's entries are unique and a query's equal values are
 * a prefix of the keys.
 *
 * <p>A query that gives equal values for the index's first fields (in order) gets the positions
 * under that prefix; the collection then matches each document against the whole query, as it
 * does after a unique index, so the index only narrows what is read. Ranges and sort orders are
 * left to that match: the index serves "the open payments", "the unapplied transitions" or "this
 * merchant's payments" without reading the others.
 */
final class SecondaryIndex extends Index<Object> {

    private final MVMap<KeyValue, Boolean> entries;

    SecondaryIndex(String name, List<IndexKey> keys, boolean sparse,
                   MVMap<KeyValue, Boolean> entries) {
        super(name, keys, sparse);
        this.entries = entries;
    }

    /** The position H2Collection stores a document under: its `_id`. */
    private static Object positionOf(Document document) {
        return Missing.ofNullable(Utils.getSubdocumentValue(document, "_id"));
    }

    private List<KeyValue> keysOf(Document document, Object position) {
        List<KeyValue> keys = new ArrayList<>();
        for (KeyValue values : getKeyValues(document)) {
            List<Object> key = new ArrayList<>();
            for (Object value : values.normalized()) {
                key.add(value);
            }
            if (isSparse() && key.stream().allMatch(v -> v == null || v instanceof Missing)) {
                continue;
            }
            key.add(position);
            keys.add(new KeyValue(key));
        }
        return keys;
    }

    @Override
    public Object getPosition(Document document) {
        return null; // not a unique index: no one document answers for a key
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // any values may repeat
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        for (KeyValue key : keysOf(document, position)) {
            entries.put(key, Boolean.TRUE);
        }
    }

    @Override
    public Object remove(Document document) {
        Object position = positionOf(document);
        for (KeyValue key : keysOf(document, position)) {
            entries.remove(key);
        }
        return position;
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument,
                            MongoCollection<Object> collection) {
        // any values may repeat
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
                              MongoCollection<Object> collection) {
        for (KeyValue key : keysOf(oldDocument, position)) {
            entries.remove(key);
        }
        add(newDocument, position, collection);
    }

    /** The values the query gives for the index's leading fields, equal ones only. */
    private List<Object> equalPrefix(Document query) {
        List<Object> prefix = new ArrayList<>();
        for (IndexKey key : getKeys()) {
            Object value = query.get(key.getKey());
            if (value == null || value instanceof Document || value instanceof Pattern
                || value instanceof Iterable || value instanceof Map) {
                break; // absent, an operator, a pattern or an array: the prefix ends here
            }
            prefix.add(new KeyValue(value).normalized().get(0));
        }
        return prefix;
    }

    @Override
    public boolean canHandle(Document query) {
        return !equalPrefix(query).isEmpty();
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        List<Object> prefix = equalPrefix(query);
        KeyValue from = new KeyValue(prefix);
        List<Object> positions = new ArrayList<>();
        Cursor<KeyValue, Boolean> cursor = entries.cursor(from);
        while (cursor.hasNext()) {
            KeyValue key = cursor.next();
            if (!startsWith(key, prefix)) {
                break;
            }
            Object position = key.get(key.size() - 1);
            if (positions.isEmpty() || !positions.get(positions.size() - 1).equals(position)) {
                positions.add(position); // an array field gives a document several keys
            }
        }
        return positions;
    }

    private static boolean startsWith(KeyValue key, List<Object> prefix) {
        if (key.size() <= prefix.size()) {
            return false;
        }
        for (int i = 0; i < prefix.size(); i++) {
            if (KeyValueType.compareValues(key.get(i), prefix.get(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long getCount() {
        return entries.sizeAsLong();
    }

    @Override
    public long getDataSize() {
        return getCount(); // not tracked; the store's statistics do not need it
    }

    @Override
    public boolean isUnique() {
        return false;
    }

    @Override
    public void drop() {
        entries.clear();
    }
}
