import GRDB

/// The store's schema, as append-only migrations in SQL.
///
/// A migration that has shipped is never edited: change the schema by appending a new one.
package enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-email") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-message-parts") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-contacts-and-cases") { db in
            try db.execute(sql: v4)
            try Linking.backfill(db)
        }
        migrator.registerMigration("v5-record-shingles") { db in
            try db.execute(sql: v5)
            try Linking.backfillShingles(db)
        }
        migrator.registerMigration("v6-triage-and-due-dates") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7-one-contact-index") { db in
            try db.execute(sql: v7)
        }
        migrator.registerMigration("v8-outbox") { db in
            try db.execute(sql: v8)
        }
        migrator.registerMigration("v9-aware-at") { db in
            try db.execute(sql: v9)
        }
        migrator.registerMigration("v10-blob-bytes-last") { db in
            try db.execute(sql: v10)
        }
        migrator.registerMigration("v11-blob-ranges") { db in
            try db.execute(sql: v11)
        }
        migrator.registerMigration("v12-contacts-by-name-and-postcode") { db in
            try db.execute(sql: v12)
        }
        migrator.registerMigration("v13-unsettled-by-key") { db in
            try db.execute(sql: v13)
        }
        migrator.registerMigration("v14-blob-file") { db in
            try db.execute(sql: v14)
        }
        migrator.registerMigration("v15-times-with-milliseconds") { db in
            try db.execute(sql: timesWithMilliseconds)
        }
        return migrator
    }

    /// The columns of times that hold the clock's own times (when something arrived, was
    /// written or ended), by table. Whole seconds are rare there (one time in a thousand), so
    /// rewriting them rewrites few rows. Left as they are: the due dates (`acknowledge_by`,
    /// `respond_by`, `hazard_due`, `next_due`), nearly all a whole second (the end of a day),
    /// where the short form is read at most a second late, and `records.contacted_at`, which no
    /// query reads; rewriting those would rewrite every record's row. Part of a shipped
    /// migration: never edited (a column added later gets a migration of its own).
    static let clockTimes: [(table: String, columns: [String])] = [
        ("records", ["received_at"]), ("raw_submissions", ["received_at", "updated_at"]), ("message_parts", ["received_at"]),
        ("blobs", ["created_at"]), ("contacts", ["created_at"]), ("cases", ["closed_at"]), ("audit_log", ["at"]),
        ("record_links", ["created_at"]), ("possible_same_contacts", ["created_at"]),
        ("restrictions", ["review_by", "created_at", "ended_at"]), ("outbox_events", ["created_at"]),
        ("outbox_destinations", ["created_at", "disabled_at"]), ("outbox_deliveries", ["delivered_at"]),
        ("outbox_attempts", ["started_at"]), ("forward_remote_ids", ["created_at"]), ("import_checkpoints", ["updated_at"]),
    ]

    /// SQLite's v15 and PostgreSQL's v5 (the same SQL on both). A time used to be written
    /// `…:05Z` on a whole second and `…:05.250Z` otherwise, and "Z" sorts after ".": a record
    /// that arrived on a whole second was listed and exported after those that arrived later in
    /// that second, and a time window starting on that second missed those. Times are now
    /// written with their milliseconds always (`Timestamp.stored`); this rewrites the whole
    /// seconds already stored in ``clockTimes`` the same way, one pass over each table.
    package static let timesWithMilliseconds: String = clockTimes.map { (table, columns) -> String in
        let whole = { (column: String) in "\(column) LIKE '____-__-__T__:__:__Z'" }
        let sets = columns.map { "\($0) = CASE WHEN \(whole($0)) THEN substr(\($0), 1, 19) || '.000Z' ELSE \($0) END" }
        return "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE \(columns.map(whole).joined(separator: " OR "));"
    }.joined(separator: "\n")

    static let v14 = """
        -- A blob of 16 KB or more (nearly all the bytes of mail) is kept in the store's file of
        -- large blobs, letterbox.sqlite-blobs, appended once and synced before the transaction
        -- that names it commits (BlobFile). Its blobs row holds no bytes; this row says where they
        -- are. Blobs stored before v14 stay in their rows.
        CREATE TABLE blob_files (
            blob_id  INTEGER PRIMARY KEY REFERENCES blobs(id),
            start    INTEGER NOT NULL,
            length   INTEGER NOT NULL
        );
        """

    static let v13 = """
        -- A known idempotency key is found through the records' own unique index when it made a
        -- record (almost always), and through this small index when it did not (a submission
        -- pending, in quarantine or ignored). The full index on every submission's key was a
        -- third random-key index beside the records' and the blobs'. Its pages were 8% of those a
        -- form post wrote under `serve`, and 18% of those a record wrote into a store of a million
        -- records, where each new key's insert rewrote three or four of them.
        -- (Two comparisons rather than IN ('pending', 'quarantined', 'ignored'): SQLite builds a
        -- temporary table for such a list each time an update of a submission tests it.)
        DROP INDEX raw_submissions_by_key;
        CREATE INDEX raw_submissions_unsettled_by_key ON raw_submissions(idempotency_key)
            WHERE disposition != 'accepted' AND disposition != 'redelivery';
        """

    static let v12 = """
        -- A new contact with no strong identifier is compared with others of the same name, those
        -- with the same postcode first. This index finds those in order (newest first, by rowid)
        -- without reading every contact of that name; contacts_by_name finds the others.
        CREATE INDEX contacts_by_name_postcode ON contacts(name_key, postcode) WHERE name_key IS NOT NULL;
        """

    static let v11 = """
        -- A file that is already inside a stored raw message (an email attachment in canonical
        -- base64, or as it is) is kept as where it is: its blobs row holds no bytes, and this
        -- row says which message, where, and how it is written there. The message's bytes are
        -- written once instead of again decoded. Reading decodes the range and checks the
        -- blob's SHA-256 (StoreConnection.blobData).
        CREATE TABLE blob_ranges (
            blob_id        INTEGER PRIMARY KEY REFERENCES blobs(id),
            source_sha256  TEXT NOT NULL REFERENCES blobs(sha256),
            start          INTEGER NOT NULL,
            length         INTEGER NOT NULL,
            coding         TEXT NOT NULL CHECK (coding IN ('identity', 'base64'))
        );
        """

    static let v10 = """
        -- The bytes become the row's last column, so that a large blob is inserted as a zeroblob
        -- and written in place (SQLiteCaseStore.storeBlob): SQLite keeps a trailing zeroblob
        -- unexpanded, but one followed by another column is built in memory whole, and a 50 MB
        -- form post held 100 MB inside SQLite. The table is copied once.
        CREATE TABLE blobs_v10 (
            id          INTEGER PRIMARY KEY,
            sha256      TEXT NOT NULL UNIQUE,
            size        INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            data        BLOB NOT NULL
        );
        INSERT INTO blobs_v10 (id, sha256, size, created_at, data) SELECT id, sha256, size, created_at, data FROM blobs;
        DROP TABLE blobs;
        ALTER TABLE blobs_v10 RENAME TO blobs;
        """

    static let v9 = """
        -- Records say when the landlord became aware of them (FeedbackRecord.awareAt), set by
        -- the adapter. Before, the store assumed it for phone notes: their call time, when not
        -- after arrival. Stored phone records get it written in, so re-reading their due dates
        -- (`triage backfill`, a correction) gives what it gave before.
        UPDATE records SET document = json_set(document, '$.awareAt', json_extract(document, '$.contactedAt'))
        WHERE channel = 'phone'
          AND json_extract(document, '$.contactedAt') IS NOT NULL
          AND json_extract(document, '$.awareAt') IS NULL
          AND julianday(json_extract(document, '$.contactedAt')) <= julianday(json_extract(document, '$.receivedAt'));
        """

    static let v8 = """
        -- The transactional outbox: every change a case system needs to know about (a record, a
        -- record joining a case, a triage correction, a case closed, reopened or joined, two
        -- contacts merged) writes one event here in the same transaction as the change.
        -- event_id is the id receivers see (webhook-id, Message-ID): the same on every retry.
        -- case_id orders delivery: a destination never gets an event before an earlier one of
        -- the same case.
        CREATE TABLE outbox_events (
            id          INTEGER PRIMARY KEY,
            event_id    TEXT NOT NULL UNIQUE,
            type        TEXT NOT NULL,
            case_id     INTEGER NOT NULL,
            record_id   INTEGER,
            created_at  TEXT NOT NULL,
            data        TEXT NOT NULL DEFAULT '{}'
        );

        -- Each destination's queue position: events after `position` have not yet been given a
        -- delivery row. `disabled_at` is set by a receiver answering 410 Gone, and cleared by
        -- `letterbox outbox enable`.
        CREATE TABLE outbox_destinations (
            name             TEXT PRIMARY KEY NOT NULL,
            position         INTEGER NOT NULL,
            created_at       TEXT NOT NULL,
            disabled_at      TEXT,
            disabled_reason  TEXT
        ) WITHOUT ROWID;

        -- One row per event and destination. A worker claims due rows for a short lease
        -- (claimed_until, Unix ms) so two workers never send the same event at once, and a worker
        -- that dies releases its claims when the lease ends. Times are Unix milliseconds.
        CREATE TABLE outbox_deliveries (
            id               INTEGER PRIMARY KEY,
            event_row        INTEGER NOT NULL REFERENCES outbox_events(id),
            destination      TEXT NOT NULL,
            case_id          INTEGER NOT NULL,
            state            TEXT NOT NULL CHECK (state IN ('pending', 'retrying', 'dead', 'delivered')),
            attempts         INTEGER NOT NULL DEFAULT 0,
            next_attempt_at  INTEGER NOT NULL DEFAULT 0,
            claimed_until    INTEGER NOT NULL DEFAULT 0,
            claimed_by       TEXT,
            claims           INTEGER NOT NULL DEFAULT 0,  -- every claim, recorded attempt or not (a worker may die mid-send)
            delivered_at     TEXT,
            last_error       TEXT,
            UNIQUE (destination, event_row)
        );
        CREATE INDEX outbox_deliveries_due ON outbox_deliveries(destination, next_attempt_at)
            WHERE state IN ('pending', 'retrying');
        CREATE INDEX outbox_deliveries_open_by_case ON outbox_deliveries(destination, case_id, event_row)
            WHERE state != 'delivered';
        CREATE INDEX outbox_deliveries_by_state ON outbox_deliveries(destination, state, event_row);

        -- Every attempt, with the receiver's status and its answer (trimmed), for `outbox show`.
        CREATE TABLE outbox_attempts (
            delivery_id  INTEGER NOT NULL REFERENCES outbox_deliveries(id),
            number       INTEGER NOT NULL,
            started_at   TEXT NOT NULL,
            seconds      REAL NOT NULL,
            outcome      TEXT NOT NULL,
            status       INTEGER,
            answer       TEXT,
            PRIMARY KEY (delivery_id, number)
        ) WITHOUT ROWID;

        -- What a case system calls a case: Request Tracker's ticket id, the Message-ID of the first
        -- email about it. Written as soon as it is known, so a retry joins the same case there.
        CREATE TABLE forward_remote_ids (
            destination  TEXT NOT NULL,
            case_id      INTEGER NOT NULL,
            remote_id    TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            PRIMARY KEY (destination, case_id)
        ) WITHOUT ROWID;
        """

    static let v7 = """
        -- records_by_contact_time (contact, time) answers everything records_by_contact did.
        -- Every index keyed by contact takes a write to a random page for each record, which is
        -- what slows intake in a large store. (records_by_text stays: without it, finding a
        -- duplicate reads every record of the contact in the window, which a flood makes long.)
        DROP INDEX records_by_contact;
        """

    static let v6 = """
        -- Triage: kind, category (v1 columns) and service area; due dates: acknowledge_by and
        -- respond_by (v1 columns), the earliest hazard clock, and the earliest of all of them for
        -- `letterbox list --due-before` and `--overdue`. Records stored before v6 are read by
        -- `letterbox triage backfill`, not here, so that upgrading a large store is quick.
        ALTER TABLE records ADD COLUMN service_area TEXT;
        ALTER TABLE records ADD COLUMN hazard_due TEXT;
        ALTER TABLE records ADD COLUMN next_due TEXT;
        CREATE INDEX records_by_next_due ON records(next_due) WHERE next_due IS NOT NULL;
        CREATE INDEX records_by_kind ON records(kind, received_at);
        """

    static let v5 = """
        -- Each record's wording fingerprint (its word-pair hashes, 8 bytes each), so a record that
        -- is a candidate for a later one is compared without reading its document again.
        CREATE TABLE record_shingles (
            record_id   INTEGER PRIMARY KEY REFERENCES records(id),
            word_count  INTEGER NOT NULL,
            shingles    BLOB NOT NULL
        );
        """

    static let v4 = """
        -- Cases: a case is named by its first record; later records join it (follow-ups,
        -- duplicates, repeats). Officers close and reopen cases. Two open cases of one contact
        -- that a later record shows to be the same matter are joined (status 'merged').
        CREATE TABLE cases (
            id            INTEGER PRIMARY KEY,  -- the first record's id; written just before it, so no foreign key
            reference     TEXT NOT NULL UNIQUE,
            contact_id    INTEGER REFERENCES contacts(id),
            opened_at     INTEGER NOT NULL,
            status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'merged')),
            merged_into   INTEGER REFERENCES cases(id),
            closed_at     TEXT,
            closed_by     TEXT,
            close_reason  TEXT
        );
        CREATE INDEX cases_by_contact ON cases(contact_id);

        -- What dedup reads, copied out of the record's document. event_at is when the customer
        -- made contact (the call or message date when plausible, else arrival), Unix seconds.
        ALTER TABLE records ADD COLUMN case_id INTEGER REFERENCES cases(id);
        ALTER TABLE records ADD COLUMN origin_contact_id INTEGER REFERENCES contacts(id);
        ALTER TABLE records ADD COLUMN event_at INTEGER;
        ALTER TABLE records ADD COLUMN text_hash INTEGER;
        ALTER TABLE records ADD COLUMN postcode TEXT;
        ALTER TABLE records ADD COLUMN address_key TEXT;
        CREATE INDEX records_by_text ON records(contact_id, text_hash, event_at) WHERE text_hash IS NOT NULL;
        CREATE INDEX records_by_contact_time ON records(contact_id, event_at);
        CREATE INDEX records_by_case ON records(case_id, event_at);

        -- MinHash LSH: one row per band of each record's wording signature, combined with the
        -- place the contact gave (postcode, else building), for finding near-identical reports
        -- from neighbours. The key starts with the 30-day period of the contact, so new rows go
        -- into the few pages of recent periods (not random pages all over a large store) and a
        -- lookup reads only the bands' keys of the periods in its window.
        CREATE TABLE lsh_bands (
            period     INTEGER NOT NULL,
            bucket     INTEGER NOT NULL,
            day        INTEGER NOT NULL,
            record_id  INTEGER NOT NULL REFERENCES records(id),
            PRIMARY KEY (period, bucket, day, record_id)
        ) WITHOUT ROWID;

        -- Links between records (duplicate_of, repeat_of, related, same_matter_as), with evidence.
        CREATE TABLE record_links (
            record_id   INTEGER NOT NULL REFERENCES records(id),
            kind        TEXT NOT NULL,
            target_id   INTEGER NOT NULL REFERENCES records(id),
            similarity  REAL,
            reason      TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            PRIMARY KEY (record_id, kind, target_id)
        ) WITHOUT ROWID;
        CREATE INDEX record_links_by_target ON record_links(target_id);

        -- Contacts merged by a person (or by a submission carrying identifiers of two) point at
        -- the one they were merged into; their identifiers stay theirs, so unmerge can undo it.
        ALTER TABLE contacts ADD COLUMN merged_into INTEGER REFERENCES contacts(id);
        ALTER TABLE contacts ADD COLUMN name_key TEXT;
        ALTER TABLE contacts ADD COLUMN postcode TEXT;
        CREATE INDEX contacts_by_name ON contacts(name_key) WHERE name_key IS NOT NULL;
        CREATE INDEX contacts_by_merged ON contacts(merged_into) WHERE merged_into IS NOT NULL;

        -- Weak matches (a name, a name and postcode), for a person to confirm or dismiss.
        CREATE TABLE possible_same_contacts (
            contact_id  INTEGER NOT NULL REFERENCES contacts(id),
            other_id    INTEGER NOT NULL REFERENCES contacts(id),
            evidence    TEXT NOT NULL,
            record_id   INTEGER REFERENCES records(id),
            created_at  TEXT NOT NULL,
            PRIMARY KEY (contact_id, other_id)
        ) WITHOUT ROWID;
        CREATE INDEX possible_same_contacts_by_other ON possible_same_contacts(other_id);

        -- Contact arrangements, decided and reviewed by a person. Never applied to emergencies.
        CREATE TABLE restrictions (
            id                      INTEGER PRIMARY KEY,
            contact_id              INTEGER NOT NULL REFERENCES contacts(id),
            reason                  TEXT NOT NULL,
            approved_by             TEXT NOT NULL,
            review_by               TEXT NOT NULL,
            single_point_of_contact TEXT,
            channels                TEXT NOT NULL DEFAULT '',
            vulnerability_check     TEXT,
            created_at              TEXT NOT NULL,
            created_by              TEXT NOT NULL,
            ended_at                TEXT,
            ended_by                TEXT,
            end_reason              TEXT
        );
        CREATE INDEX restrictions_active ON restrictions(contact_id) WHERE ended_at IS NULL;

        ALTER TABLE audit_log ADD COLUMN contact_id INTEGER REFERENCES contacts(id);
        CREATE INDEX audit_log_by_contact ON audit_log(contact_id) WHERE contact_id IS NOT NULL;
        """

    static let v3 = """
        -- Parts of a long text that the gateway did not join: each is a raw submission of its own
        -- (disposition ignored, verdict sms_part); when all have arrived (or waited too long) they
        -- are joined into one submission, whose id is written back here.
        CREATE TABLE message_parts (
            group_key              TEXT NOT NULL,
            part_number            INTEGER NOT NULL,
            total                  INTEGER NOT NULL,
            raw_submission_id      INTEGER NOT NULL REFERENCES raw_submissions(id),
            received_at            TEXT NOT NULL,
            joined_submission_id   INTEGER REFERENCES raw_submissions(id),
            PRIMARY KEY (group_key, part_number, raw_submission_id)
        ) WITHOUT ROWID;
        CREATE INDEX message_parts_waiting ON message_parts(joined_submission_id, received_at);
        """

    static let v2 = """
        -- Blobs move to a rowid table: SQLite keeps a WITHOUT ROWID row whole in the b-tree, which
        -- is slow for rows of megabytes (its own guidance is under a twentieth of a page).
        CREATE TABLE blobs_v2 (
            id          INTEGER PRIMARY KEY,
            sha256      TEXT NOT NULL UNIQUE,
            size        INTEGER NOT NULL,
            data        BLOB NOT NULL,
            created_at  TEXT NOT NULL
        );
        INSERT INTO blobs_v2 (sha256, size, data, created_at) SELECT sha256, size, data, created_at FROM blobs;
        DROP TABLE blobs;
        ALTER TABLE blobs_v2 RENAME TO blobs;

        -- The identifier a sender chose (an email's Message-ID): the key pairs it with the
        -- SHA-256, and a different message reusing it is found through this column and flagged.
        ALTER TABLE raw_submissions ADD COLUMN sender_id TEXT;
        CREATE INDEX raw_submissions_by_sender_id ON raw_submissions(channel, sender_id) WHERE sender_id IS NOT NULL;

        -- A follow-up points at the first record of its case.
        ALTER TABLE records ADD COLUMN follow_up_of INTEGER REFERENCES records(id);
        CREATE INDEX records_by_follow_up ON records(follow_up_of) WHERE follow_up_of IS NOT NULL;

        -- The transport identifiers of accepted submissions (Message-IDs, the forwarded
        -- message's too), so that a reply naming one finds its case.
        CREATE TABLE thread_ids (
            channel     TEXT NOT NULL,
            message_id  TEXT NOT NULL,
            record_id   INTEGER NOT NULL REFERENCES records(id),
            PRIMARY KEY (channel, message_id)
        ) WITHOUT ROWID;

        -- Where an import of a mailbox file got to, so a re-run after an interruption resumes.
        CREATE TABLE import_checkpoints (
            path        TEXT PRIMARY KEY NOT NULL,
            inode       INTEGER NOT NULL,
            offset      INTEGER NOT NULL,
            messages    INTEGER NOT NULL,
            updated_at  TEXT NOT NULL
        ) WITHOUT ROWID;
        """

    static let v1 = """
        -- Exact bytes, stored once per content (raw submissions and attachments share them).
        CREATE TABLE blobs (
            sha256      TEXT PRIMARY KEY NOT NULL,
            size        INTEGER NOT NULL,
            data        BLOB NOT NULL,
            created_at  TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Every arrival on every channel, whatever became of it.
        CREATE TABLE raw_submissions (
            id               INTEGER PRIMARY KEY,
            channel          TEXT NOT NULL,
            source           TEXT NOT NULL,
            received_at      TEXT NOT NULL,
            idempotency_key  TEXT NOT NULL,
            sha256           TEXT NOT NULL REFERENCES blobs(sha256),
            size             INTEGER NOT NULL,
            metadata         TEXT NOT NULL DEFAULT '{}',
            disposition      TEXT NOT NULL
                             CHECK (disposition IN ('pending', 'accepted', 'redelivery', 'quarantined', 'ignored')),
            error_code       TEXT,
            reason           TEXT,
            record_id        INTEGER REFERENCES records(id),
            original_id      INTEGER REFERENCES raw_submissions(id),
            attempts         INTEGER NOT NULL DEFAULT 0,
            updated_at       TEXT NOT NULL
        );
        CREATE INDEX raw_submissions_by_key ON raw_submissions(idempotency_key);
        CREATE INDEX raw_submissions_by_disposition ON raw_submissions(disposition, id);
        CREATE INDEX raw_submissions_by_received ON raw_submissions(received_at);

        -- People, resolved across channels by their strong identifiers.
        CREATE TABLE contacts (
            id          INTEGER PRIMARY KEY,
            name        TEXT,
            created_at  TEXT NOT NULL
        );
        CREATE TABLE contact_identifiers (
            kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'tenancy')),
            value       TEXT NOT NULL,
            contact_id  INTEGER NOT NULL REFERENCES contacts(id),
            PRIMARY KEY (kind, value)
        ) WITHOUT ROWID;
        CREATE INDEX contact_identifiers_by_contact ON contact_identifiers(contact_id);

        -- Feedback records. `document` is the record's JSON (the export contract); the other
        -- columns are copies of its fields for indexes and queries.
        CREATE TABLE records (
            id                 INTEGER PRIMARY KEY,
            reference          TEXT NOT NULL UNIQUE,
            channel            TEXT NOT NULL,
            received_at        TEXT NOT NULL,
            contacted_at       TEXT,
            contact_id         INTEGER REFERENCES contacts(id),
            kind               TEXT,
            category           TEXT,
            acknowledge_by     TEXT,
            respond_by         TEXT,
            idempotency_key    TEXT NOT NULL UNIQUE,
            raw_submission_id  INTEGER NOT NULL REFERENCES raw_submissions(id),
            document           TEXT NOT NULL
        );
        CREATE INDEX records_by_received ON records(received_at);
        CREATE INDEX records_by_channel ON records(channel, received_at);
        CREATE INDEX records_by_contact ON records(contact_id);

        CREATE TABLE record_flags (
            record_id  INTEGER NOT NULL REFERENCES records(id),
            flag       TEXT NOT NULL,
            reason     TEXT NOT NULL
        );
        CREATE INDEX record_flags_by_record ON record_flags(record_id);
        CREATE INDEX record_flags_by_flag ON record_flags(flag);

        CREATE TABLE attachments (
            id          INTEGER PRIMARY KEY,
            record_id   INTEGER NOT NULL REFERENCES records(id),
            name        TEXT NOT NULL,
            media_type  TEXT NOT NULL,
            size        INTEGER NOT NULL,
            sha256      TEXT NOT NULL REFERENCES blobs(sha256)
        );
        CREATE INDEX attachments_by_record ON attachments(record_id);

        -- The last number given out per prefix and year: references are never reused.
        CREATE TABLE reference_counters (
            prefix  TEXT NOT NULL,
            year    INTEGER NOT NULL,
            last    INTEGER NOT NULL,
            PRIMARY KEY (prefix, year)
        ) WITHOUT ROWID;

        -- Every disposition and every change, with its reason.
        CREATE TABLE audit_log (
            id                 INTEGER PRIMARY KEY,
            at                 TEXT NOT NULL,
            actor              TEXT NOT NULL,
            action             TEXT NOT NULL,
            raw_submission_id  INTEGER REFERENCES raw_submissions(id),
            record_id          INTEGER REFERENCES records(id),
            reason             TEXT
        );
        CREATE INDEX audit_log_by_raw ON audit_log(raw_submission_id);
        CREATE INDEX audit_log_by_record ON audit_log(record_id);
        """
}
