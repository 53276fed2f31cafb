package dev.webhookhub.mapping;

/** Per-key values a mapping keeps between raw events of one environment and source. */
public interface MappingState {

    /** The value saved for {@code key}, as JSON values (Map, List, ...), or null when there is none. */
    Object load(String key);

    void save(String key, Object value);

    /** For previews: reads what is stored, remembers saves for the rest of the request, writes nothing. */
    static MappingState readOnly(MappingState stored) {
        var pending = new java.util.HashMap<String, Object>();
        return new MappingState() {
            @Override
            public Object load(String key) {
                return pending.containsKey(key) ? pending.get(key) : stored.load(key);
            }

            @Override
            public void save(String key, Object value) {
                pending.put(key, value);
            }
        };
    }

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
