-- Mapping state is kept optimistically: a raw event is mapped against the state as read, and its commit stores the
-- new state only if the key is still at the version it read (MappingStateRepository.compareAndSet).
ALTER TABLE mapping_state ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
