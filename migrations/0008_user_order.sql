-- Paged lists at a million users (issue 15). The list orders by any field of REFERENCE 1b,
-- with ties broken by created_at and then id in the same direction (store::user_list): so each
-- index below, read forwards or backwards, is that order, and a page is read from it instead
-- of sorting the app's users. The same index serves an equality filter on its field in the
-- default order (newest first), its range filters, and their counts.
DROP INDEX users_by_newest;
CREATE INDEX users_by_created_at ON users(app_id, created_at, id);
CREATE INDEX users_by_id ON users(app_id, id);
CREATE INDEX users_by_email_order ON users(app_id, email, created_at, id);
CREATE INDEX users_by_phone_order ON users(app_id, phone, created_at, id);
CREATE INDEX users_by_external_id_order ON users(app_id, external_id, created_at, id);
CREATE INDEX users_by_login_count ON users(app_id, login_count, created_at, id);
CREATE INDEX users_by_status ON users(app_id, status, created_at, id);
CREATE INDEX users_by_updated_at ON users(app_id, updated_at, created_at, id);
CREATE INDEX users_by_last_login_at ON users(app_id, last_login_at, created_at, id);

-- How many users each app has in each status, kept by the triggers below, so that a list's
-- total_users without filters (or filtered by status) is read, not counted: counting a million
-- index entries took 80 ms. POST /_emulator/reset of every app sets the triggers aside for its
-- wholesale delete and empties this table itself (store::users).
CREATE TABLE user_counts (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    users INTEGER NOT NULL,
    PRIMARY KEY (app_id, status)
) STRICT, WITHOUT ROWID;
INSERT INTO user_counts (app_id, status, users)
    SELECT app_id, status, COUNT(*) FROM users GROUP BY app_id, status;

CREATE TRIGGER user_counts_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_counts (app_id, status, users) VALUES (NEW.app_id, NEW.status, 1)
        ON CONFLICT (app_id, status) DO UPDATE SET users = users + 1;
END;
CREATE TRIGGER user_counts_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET users = users - 1 WHERE app_id = OLD.app_id AND status = OLD.status;
END;
CREATE TRIGGER user_counts_update AFTER UPDATE OF app_id, status ON users
WHEN OLD.app_id <> NEW.app_id OR OLD.status <> NEW.status BEGIN
    UPDATE user_counts SET users = users - 1 WHERE app_id = OLD.app_id AND status = OLD.status;
    INSERT INTO user_counts (app_id, status, users) VALUES (NEW.app_id, NEW.status, 1)
        ON CONFLICT (app_id, status) DO UPDATE SET users = users + 1;
END;
