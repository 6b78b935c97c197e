import GRDB
import SwitchyardCore

/// The schema, one migration per change; applied in order when a store opens.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: registry, pools, routing, journal") { db in
            try db.execute(sql: """
                CREATE TABLE bundles (
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    manifest TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    floating INTEGER NOT NULL,
                    registered_at TEXT NOT NULL,
                    registered_by TEXT NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE TRIGGER bundles_are_immutable BEFORE UPDATE OF name, version, digest, manifest, floating ON bundles
                BEGIN SELECT RAISE(ABORT, 'bundles are immutable: register a new version instead'); END;

                CREATE TABLE prompts (digest TEXT PRIMARY KEY, text TEXT NOT NULL);

                CREATE TABLE signoffs (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    signed_at TEXT NOT NULL,
                    FOREIGN KEY (name, version) REFERENCES bundles(name, version)
                );

                CREATE TABLE pools (
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    spec TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    updated_by TEXT NOT NULL,
                    PRIMARY KEY (name, version),
                    FOREIGN KEY (name, version) REFERENCES bundles(name, version)
                );

                CREATE TABLE routing_generations (
                    generation INTEGER PRIMARY KEY,
                    routing TEXT NOT NULL,
                    committed_at TEXT NOT NULL,
                    journal_seq INTEGER NOT NULL
                );

                CREATE TABLE journal (
                    seq INTEGER PRIMARY KEY,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX journal_by_kind ON journal(kind, seq);
                CREATE INDEX journal_by_time ON journal(time);
                CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
                CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
                BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

                CREATE TABLE journal_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    seq INTEGER NOT NULL,
                    hash TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2: incident freezes") { db in
            try db.execute(sql: """
                CREATE TABLE freezes (
                    id INTEGER PRIMARY KEY,
                    scope TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    since TEXT NOT NULL,
                    expires TEXT,
                    lifted_at TEXT,
                    lifted_by TEXT,
                    journal_seq INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3: rollouts") { db in
            try db.execute(sql: """
                CREATE TABLE rollouts (
                    id INTEGER PRIMARY KEY,
                    canary TEXT NOT NULL,
                    state TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE UNIQUE INDEX one_active_rollout ON rollouts(active) WHERE active = 1;
                """)
        }
        migrator.registerMigration("v4: rollback drains, automation state, observations") { db in
            try db.execute(sql: """
                CREATE TABLE rollbacks (
                    id INTEGER PRIMARY KEY,
                    from_bundle TEXT NOT NULL,
                    to_bundle TEXT NOT NULL,
                    state TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    journal_seq INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX one_active_rollback ON rollbacks(active) WHERE active = 1;

                CREATE TABLE automation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    state TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );

                CREATE TABLE observations (
                    bundle TEXT PRIMARY KEY,
                    observation TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v5: routing as of a journal entry, for replay") { db in
            try db.execute(sql: "CREATE INDEX routing_generations_by_journal ON routing_generations(journal_seq)")
        }
        migrator.registerMigration("v6: requests served, for `affected`") { db in
            try db.execute(sql: """
                CREATE TABLE served_requests (
                    id TEXT NOT NULL,
                    time TEXT NOT NULL,
                    tenant TEXT NOT NULL,
                    session TEXT,
                    bundle TEXT NOT NULL,
                    generation INTEGER NOT NULL,
                    status INTEGER NOT NULL
                );
                CREATE INDEX served_requests_by_bundle ON served_requests(bundle, time);
                CREATE INDEX served_requests_by_time ON served_requests(time);
                """)
        }
        migrator.registerMigration("v7: evaluation reports, the promotion gate's evidence") { db in
            try db.execute(sql: """
                CREATE TABLE eval_reports (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    suite TEXT NOT NULL,
                    suite_digest TEXT NOT NULL,
                    passed INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    report TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX eval_reports_by_bundle ON eval_reports(name, version);
                """)
        }
        migrator.registerMigration("v8: requests served, packed one row per bundle and second") { db in
            try db.execute(sql: """
                CREATE TABLE served_request_batches (
                    bundle TEXT NOT NULL,
                    first_ms INTEGER NOT NULL,
                    last_ms INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    requests BLOB NOT NULL
                );
                CREATE INDEX served_request_batches_by_bundle ON served_request_batches(bundle, last_ms);
                CREATE INDEX served_request_batches_by_time ON served_request_batches(last_ms);
                """)
            try ServedRequestBatch.migrateRows(db)
            try db.execute(sql: "DROP TABLE served_requests")
        }
        return migrator
    }
}
