package dev.webhookhub.mapping;

/** Per-key values a mapping keeps between raw events of one environment and source. */
public interface MappingState {

    /** The value saved for {@code key}, as JSON values (Map, List, ...), or null when there is none. */
    Object load(String key);

    void save(String key, Object value);

    /** State that lives only as long as this object: test events, golden samples. */
    static MappingState inMemory() {
        var values = new java.util.HashMap<String, Object>();
        return new MappingState() {
            @Override
            public Object load(String key) {
                return values.get(key);
            }

            @Override
            public void save(String key, Object value) {
                values.put(key, value);
            }
        };
    }
}
