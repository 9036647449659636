import java.nio.ByteBuffer;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * A unique index's key in a store page: its values one after another, compared value by value.
 *
 * <p>The H2 backend leaves index keys to MVStore's generic type, which Java-serialises a
 * {@link KeyValue} to write it and again for every comparison of a lookup (it is not
 * {@code Comparable}): a third of the store's CPU in a profile of payment creates. Values are
 * written by MVStore's own type, which has short forms for strings and numbers. Two keys compare
 * equal exactly when their values are equal. Values of one type are in their natural order (a
 * secondary index normalises numbers to doubles first), values of different types in the order
 * of their type's name, and a key that is a prefix of another sorts before it: the order the
 * secondary index's bounds and walks rely on.
 */
final class KeyValueType extends BasicDataType<KeyValue> {

    private final ObjectDataType values = new ObjectDataType();

    @Override
    public int getMemory(KeyValue key) {
        return 48 + 32 * key.size(); // an estimate, for the page cache's accounting
    }

    @Override
    public void write(WriteBuffer buffer, KeyValue key) {
        buffer.putVarInt(key.size());
        for (Object value : key) {
            values.write(buffer, value);
        }
    }

    @Override
    public KeyValue read(ByteBuffer buffer) {
        Object[] read = new Object[DataUtils.readVarInt(buffer)];
        for (int i = 0; i < read.length; i++) {
            read[i] = values.read(buffer);
        }
        return new KeyValue(read);
    }

    @Override
    public int compare(KeyValue a, KeyValue b) {
        int size = Math.min(a.size(), b.size());
        for (int i = 0; i < size; i++) {
            int order = compareValues(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /**
     * A bound that sorts after every value: a key of an index's leading values followed by it
     * sorts after every stored key that starts with those values. Never stored.
     */
    static final Object AFTER_ALL = new Object() {
        @Override
        public String toString() {
            return "AFTER_ALL";
        }
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private int compareValues(Object x, Object y) {
        if (x == AFTER_ALL || y == AFTER_ALL) {
            return x == y ? 0 : (x == AFTER_ALL ? 1 : -1);
        }
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x.getClass() != y.getClass()) {
            return x.getClass().getName().compareTo(y.getClass().getName());
        }
        if (x instanceof Comparable) {
            return ((Comparable) x).compareTo(y);
        }
        return values.compare(x, y); // a document or an array: by its serialised form
    }

    @Override
    public KeyValue[] createStorage(int size) {
        return new KeyValue[size];
    }
}
