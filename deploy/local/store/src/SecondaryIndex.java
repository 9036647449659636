import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
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
 * the document's position (its `_id`), so one document's entries are unique and the keys of
 * equal leading values are next to one another, in the order of the values that follow.
 *
 * <p>A query that gives equal values for the index's first fields, then optionally a range
 * ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}) on the next one, reads only the keys
 * between those bounds. The collection ({@link IndexedCollection}) then matches each document
 * against the whole query, so the index only narrows what is read; it walks the keys in the
 * order a sort asks for when the sort follows the index, so a page of "this merchant's newest
 * payments" reads that page and no more; and a count whose query the bounds alone decide is a
 * difference of two key positions, never a walk.
 */
final class SecondaryIndex extends Index<Object> {

    private static final Set<String> RANGE_OPERATORS = Set.of("$gt", "$gte", "$lt", "$lte");

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

    /**
     * What a query fixes of this index's keys: equal values for its first fields, then perhaps a
     * range on the next; keys from {@code from} (null: the first) to {@code to}. {@code fields}
     * counts the query's fields the bounds account for entirely; {@code sameTypeRange} is whether
     * a range's two ends are values of one type.
     */
    record Bounds(List<Object> equal, KeyValue from, KeyValue to, int fields,
                  boolean sameTypeRange) {
    }

    /** The bounds of the keys that may match the query, or null when it fixes none. */
    Bounds bounds(Document query) {
        List<Object> equal = new ArrayList<>();
        List<IndexKey> keys = getKeys();
        int next = 0;
        for (; next < keys.size(); next++) {
            Object value = query.get(keys.get(next).getKey());
            if (!isPlainValue(value)) {
                break;
            }
            equal.add(normalized(value));
        }
        Document range = next < keys.size() ? rangeOf(query.get(keys.get(next).getKey())) : null;
        if (equal.isEmpty() && range == null) {
            return null;
        }
        List<Object> from = new ArrayList<>(equal);
        List<Object> to = new ArrayList<>(equal);
        Object low = null;
        Object high = null;
        for (String operator : range == null ? Set.<String>of() : range.keySet()) {
            Object bound = normalized(range.get(operator));
            switch (operator) {
                case "$gt", "$gte" -> {
                    low = bound;
                    from.add(bound);
                    if (operator.equals("$gt")) {
                        from.add(KeyValueType.AFTER_ALL); // past every key of the bound itself
                    }
                }
                default -> {
                    high = bound;
                    to.add(bound);
                    if (operator.equals("$lte")) {
                        to.add(KeyValueType.AFTER_ALL);
                    }
                }
            }
        }
        if (high == null) {
            to.add(KeyValueType.AFTER_ALL);
        }
        boolean sameType = range == null
            || (low != null && high != null && low.getClass() == high.getClass());
        // No lower bound and no equal values: from the first key (a KeyValue is never empty).
        return new Bounds(equal, from.isEmpty() ? null : new KeyValue(from), new KeyValue(to),
            equal.size() + (range == null ? 0 : 1), sameType);
    }

    private static boolean isPlainValue(Object value) {
        return value != null && !(value instanceof Document) && !(value instanceof Pattern)
            && !(value instanceof Iterable) && !(value instanceof Map);
    }

    /** A condition made only of range operators on plain values, or null. */
    private static Document rangeOf(Object condition) {
        if (!(condition instanceof Document range) || range.isEmpty()) {
            return null;
        }
        for (String operator : range.keySet()) {
            if (!RANGE_OPERATORS.contains(operator) || !isPlainValue(range.get(operator))) {
                return null;
            }
        }
        if ((range.containsKey("$gt") && range.containsKey("$gte"))
            || (range.containsKey("$lt") && range.containsKey("$lte"))) {
            return null; // two bounds on one side: left to the scan
        }
        return range;
    }

    private static Object normalized(Object value) {
        return new KeyValue(value).normalized().get(0);
    }

    @Override
    public boolean canHandle(Document query) {
        return bounds(query) != null;
    }

    /** Every position whose keys lie within the query's bounds, in key order. */
    @Override
    public Iterable<Object> getPositions(Document query) {
        return positions(bounds(query));
    }

    Iterable<Object> positions(Bounds bounds) {
        return () -> walk(bounds, false);
    }

    /**
     * The positions within the query's bounds in the order {@code orderBy} asks for, or null
     * when the keys are not in that order. The keys are ordered by the index's fields after the
     * equal ones, then by `_id`, all ascending (read backwards for descending): a sort on a
     * prefix of those, in one direction, is served; fields the query fixes sort nothing and are
     * passed over. Values of one field are assumed to be of one type, as the services' are.
     */
    Iterable<Object> positionsInOrder(Bounds bounds, Document orderBy) {
        List<String> order = new ArrayList<>();
        for (IndexKey key : getKeys().subList(bounds.equal().size(), getKeys().size())) {
            order.add(key.getKey());
        }
        order.add("_id");
        Set<String> fixed = new HashSet<>();
        for (IndexKey key : getKeys().subList(0, bounds.equal().size())) {
            fixed.add(key.getKey());
        }
        int next = 0;
        int direction = 0;
        for (String field : orderBy == null ? Set.<String>of() : orderBy.keySet()) {
            if (fixed.contains(field)) {
                continue;
            }
            if (!(orderBy.get(field) instanceof Number sign) || next >= order.size()
                || !order.get(next).equals(field)) {
                return null; // a sort by text score, $natural, or on fields out of key order
            }
            int wanted = Integer.signum(sign.intValue());
            if (direction != 0 && wanted != direction) {
                return null;
            }
            direction = wanted;
            next++;
        }
        boolean reverse = direction < 0;
        return () -> walk(bounds, reverse);
    }

    /**
     * How many documents match the query, read from key positions alone, or -1 when the keys
     * cannot tell: the query has conditions beyond the bounds, a range is open on one side
     * (values of other types would count), or some document has several keys (an array).
     */
    long countMatching(Bounds bounds, Document query, long documents) {
        if (bounds.fields() != query.size() || !bounds.sameTypeRange() || isSparse()
            || entries.sizeAsLong() != documents) {
            return -1;
        }
        return keysBefore(bounds.to()) - keysBefore(bounds.from());
    }

    /** How many keys sort before {@code bound} (which is never a stored key; null: none). */
    private long keysBefore(KeyValue bound) {
        if (bound == null) {
            return 0;
        }
        long index = entries.getKeyIndex(bound);
        return index < 0 ? -(index + 1) : index;
    }

    private Iterator<Object> walk(Bounds bounds, boolean reverse) {
        Cursor<KeyValue, Boolean> cursor = reverse
            ? entries.cursor(bounds.to(), bounds.from(), true)
            : entries.cursor(bounds.from(), bounds.to(), false);
        Set<Object> seen = new HashSet<>(); // an array field gives a document several keys
        return new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                while (next == null && cursor.hasNext()) {
                    KeyValue key = cursor.next();
                    Object position = key.get(key.size() - 1);
                    if (seen.add(position)) {
                        next = position;
                    }
                }
                return next != null;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Object position = next;
                next = null;
                return position;
            }
        };
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
