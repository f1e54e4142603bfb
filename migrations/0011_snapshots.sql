-- Snapshots (issue 16, `POST /_emulator/snapshots`): a copy of every table's rows, restored
-- by `POST /_emulator/snapshots/{name}/restore`. Each snapshot's rows live in tables of their
-- own, `snapshot_{seq}_{table}` (made by `CREATE TABLE ... AS SELECT`: no keys, no indexes,
-- no triggers), so taking one and putting it back are one statement per table. They sit in the
-- same database, so a file database keeps them across restarts; no foreign key points at them,
-- so a reset leaves them alone.
CREATE TABLE emulator_snapshots (
    seq INTEGER PRIMARY KEY NOT NULL,      -- names the snapshot's tables
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,           -- the emulator's clock then, µs
    clock_offset_micros INTEGER NOT NULL,  -- the clock's offset then, put back on restore
    users INTEGER NOT NULL
) STRICT;
