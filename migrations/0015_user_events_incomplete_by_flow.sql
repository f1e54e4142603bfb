-- Only incomplete events are found by their ceremony's id: a finish completes its start's
-- event through this index, and a start recorded twice is kept once. An event written complete
-- (a start and its finish written together, as the event queue mostly writes them) no longer
-- enters a flow index, whose random keys cost a page of the write-ahead log per event.
DROP INDEX user_events_by_flow;
CREATE UNIQUE INDEX user_events_incomplete_by_flow ON user_events(flow_id)
    WHERE flow_id IS NOT NULL AND completed_at IS NULL;
