-- How many users of each app fall in each bucket of a range-filterable field (issue 15), kept
-- by the triggers below, so that `total_users` of a list filtered by `login_count`,
-- `created_at`, `updated_at` or `last_login_at` sums buckets instead of counting index
-- entries: counting half of a million users took 40 ms whichever index served it.
--
-- A bucket is the value shifted right: `login_count` by 0 bits (one bucket per count), times
-- (microseconds) by 32 bits, about 72 minutes each. store::user_count sums the buckets wholly
-- on one side of a filter's value and counts only the users in the value's own bucket through
-- the field's index. `>>` is arithmetic in SQLite and in Rust, so both agree on the bucket of a
-- time before 1970. Buckets left at zero users stay until a reset; they cost a row each.
CREATE TABLE user_field_counts (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    users INTEGER NOT NULL,
    PRIMARY KEY (app_id, field, bucket)
) STRICT, WITHOUT ROWID;

INSERT INTO user_field_counts (app_id, field, bucket, users)
    SELECT app_id, 'login_count', login_count, COUNT(*) FROM users GROUP BY 1, 3;
INSERT INTO user_field_counts (app_id, field, bucket, users)
    SELECT app_id, 'created_at', created_at >> 32, COUNT(*) FROM users GROUP BY 1, 3;
INSERT INTO user_field_counts (app_id, field, bucket, users)
    SELECT app_id, 'updated_at', updated_at >> 32, COUNT(*) FROM users GROUP BY 1, 3;
INSERT INTO user_field_counts (app_id, field, bucket, users)
    SELECT app_id, 'last_login_at', last_login_at >> 32, COUNT(*) FROM users GROUP BY 1, 3;

CREATE TRIGGER user_field_counts_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_field_counts (app_id, field, bucket, users) VALUES
        (NEW.app_id, 'login_count', NEW.login_count, 1),
        (NEW.app_id, 'created_at', NEW.created_at >> 32, 1),
        (NEW.app_id, 'updated_at', NEW.updated_at >> 32, 1),
        (NEW.app_id, 'last_login_at', NEW.last_login_at >> 32, 1)
        ON CONFLICT (app_id, field, bucket) DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER user_field_counts_delete AFTER DELETE ON users BEGIN
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'login_count' AND bucket = OLD.login_count;
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'created_at' AND bucket = OLD.created_at >> 32;
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'updated_at' AND bucket = OLD.updated_at >> 32;
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'last_login_at'
        AND bucket = OLD.last_login_at >> 32;
END;

-- One trigger per field, each only when the bucket changes: a write that touches `updated_at`
-- within the same 72 minutes costs nothing here. Users never move between apps.
CREATE TRIGGER user_field_counts_login_count AFTER UPDATE OF login_count ON users
WHEN OLD.login_count <> NEW.login_count BEGIN
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'login_count' AND bucket = OLD.login_count;
    INSERT INTO user_field_counts (app_id, field, bucket, users)
        VALUES (NEW.app_id, 'login_count', NEW.login_count, 1)
        ON CONFLICT (app_id, field, bucket) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER user_field_counts_created_at AFTER UPDATE OF created_at ON users
WHEN OLD.created_at >> 32 <> NEW.created_at >> 32 BEGIN
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'created_at' AND bucket = OLD.created_at >> 32;
    INSERT INTO user_field_counts (app_id, field, bucket, users)
        VALUES (NEW.app_id, 'created_at', NEW.created_at >> 32, 1)
        ON CONFLICT (app_id, field, bucket) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER user_field_counts_updated_at AFTER UPDATE OF updated_at ON users
WHEN OLD.updated_at >> 32 <> NEW.updated_at >> 32 BEGIN
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'updated_at' AND bucket = OLD.updated_at >> 32;
    INSERT INTO user_field_counts (app_id, field, bucket, users)
        VALUES (NEW.app_id, 'updated_at', NEW.updated_at >> 32, 1)
        ON CONFLICT (app_id, field, bucket) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER user_field_counts_last_login_at AFTER UPDATE OF last_login_at ON users
WHEN OLD.last_login_at >> 32 <> NEW.last_login_at >> 32 BEGIN
    UPDATE user_field_counts SET users = users - 1
        WHERE app_id = OLD.app_id AND field = 'last_login_at'
        AND bucket = OLD.last_login_at >> 32;
    INSERT INTO user_field_counts (app_id, field, bucket, users)
        VALUES (NEW.app_id, 'last_login_at', NEW.last_login_at >> 32, 1)
        ON CONFLICT (app_id, field, bucket) DO UPDATE SET users = users + 1;
END;
