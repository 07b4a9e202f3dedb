import LetterboxStore

/// The PostgreSQL schema, as append-only migrations like the SQLite store's (`Migrations.swift`
/// in LetterboxStore). The first is the SQLite schema as it stands at v10, in PostgreSQL's
/// types: `bigint` for INTEGER, `text` for TEXT (times stay ISO 8601 text, as the SQLite store
/// writes and sorts them), `double precision` for REAL and `bytea` for BLOB. Foreign keys are
/// `DEFERRABLE`: the store writes a case row before its first record and a raw submission before
/// the record that answers it, and `store copy` moves rows that point both ways in one
/// transaction.
enum PostgresSchema {
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1-sqlite-v10", v1),
        ("v2-one-submission-per-key", v2),
        ("v3-blob-ranges", v3),
        ("v4-contacts-by-name-and-postcode", v4),
        ("v5-times-with-milliseconds", Migrations.timesWithMilliseconds),
    ]

    /// The lock migrations take (`pg_advisory_xact_lock`): two instances starting at once apply
    /// them one after the other.
    static let migrationLock: Int64 = 7_165_000_116

    /// Applies the migrations not yet applied, in order, each in its own transaction, on a
    /// synchronous connection (``PostgresCaseStore``).
    static func migrate(_ db: SyncPostgresConnection) throws {
        try db.run("CREATE TABLE IF NOT EXISTS letterbox_migrations (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", [])
        let applied = Set(try db.values("SELECT identifier FROM letterbox_migrations", [], as: String.self))
        for (identifier, sql) in migrations where !applied.contains(identifier) {
            try db.run("BEGIN", [])
            do {
                try db.run("SELECT pg_advisory_xact_lock(?)", [migrationLock])
                if try db.value("SELECT 1 FROM letterbox_migrations WHERE identifier = ?", [identifier], as: Int64.self) == nil {
                    for statement in PostgresStore.statements(sql) { try db.run(statement, []) }
                    try db.run("INSERT INTO letterbox_migrations (identifier) VALUES (?)", [identifier])
                }
                try db.run("COMMIT", [])
            } catch {
                _ = try? db.run("ROLLBACK", [])
                throw error
            }
        }
    }

    /// The tables, in an order where each row's references are written before it (apart from
    /// the references that go both ways, which the deferred keys allow), and each table's key.
    static let tables: [(name: String, key: [String])] = [
        ("blobs", ["id"]),
        ("blob_ranges", ["blob_id"]),
        ("contacts", ["id"]),
        ("contact_identifiers", ["kind", "value"]),
        ("cases", ["id"]),
        ("raw_submissions", ["id"]),
        ("records", ["id"]),
        ("record_flags", []),
        ("attachments", ["id"]),
        ("reference_counters", ["prefix", "year"]),
        ("audit_log", ["id"]),
        ("thread_ids", ["channel", "message_id"]),
        ("import_checkpoints", ["path"]),
        ("message_parts", ["group_key", "part_number", "raw_submission_id"]),
        ("lsh_bands", ["period", "bucket", "day", "record_id"]),
        ("record_links", ["record_id", "kind", "target_id"]),
        ("possible_same_contacts", ["contact_id", "other_id"]),
        ("restrictions", ["id"]),
        ("record_shingles", ["record_id"]),
        ("outbox_events", ["id"]),
        ("outbox_destinations", ["name"]),
        ("outbox_deliveries", ["id"]),
        ("outbox_attempts", ["delivery_id", "number"]),
        ("forward_remote_ids", ["destination", "case_id"]),
    ]

    /// Tables whose `id` is generated: their sequences follow the largest id after a copy.
    static let identityTables: Set<String> = Set(tables.filter { $0.key == ["id"] }.map(\.name))

    /// SQLite's v12: a new contact's namesakes, those with its postcode first, found newest
    /// first in index order (a PostgreSQL index carries no row order, so `id` is in both).
    static let v4 = """
        CREATE INDEX contacts_by_name_postcode ON contacts(name_key, postcode, id) WHERE name_key IS NOT NULL;
        CREATE INDEX contacts_by_name_id ON contacts(name_key, id) WHERE name_key IS NOT NULL;
        DROP INDEX contacts_by_name;
        """

    /// SQLite's v11: files kept as ranges of the stored raw message they came in.
    static let v3 = """
        CREATE TABLE blob_ranges (
            blob_id        bigint PRIMARY KEY REFERENCES blobs(id) DEFERRABLE INITIALLY IMMEDIATE,
            source_sha256  text NOT NULL REFERENCES blobs(sha256) DEFERRABLE INITIALLY IMMEDIATE,
            start          bigint NOT NULL,
            length         bigint NOT NULL,
            coding         text NOT NULL CHECK (coding IN ('identity', 'base64'))
        );
        """

    /// One stored submission per idempotency key, whichever instance stored it (redeliveries,
    /// rows that point at the original, excepted): the guard beneath the write lock.
    static let v2 = """
        CREATE UNIQUE INDEX raw_submissions_one_per_key ON raw_submissions(idempotency_key) WHERE disposition != 'redelivery';
        """

    static let v1 = """
        CREATE TABLE blobs (
            id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            sha256      text NOT NULL UNIQUE,
            size        bigint NOT NULL,
            created_at  text NOT NULL,
            data        bytea NOT NULL
        );
        CREATE TABLE contacts (
            id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name         text,
            created_at   text NOT NULL,
            merged_into  bigint REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            name_key     text,
            postcode     text
        );
        CREATE INDEX contacts_by_name ON contacts(name_key) WHERE name_key IS NOT NULL;
        CREATE INDEX contacts_by_merged ON contacts(merged_into) WHERE merged_into IS NOT NULL;
        CREATE TABLE contact_identifiers (
            kind        text NOT NULL CHECK (kind IN ('email', 'phone', 'tenancy')),
            value       text NOT NULL,
            contact_id  bigint NOT NULL REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            PRIMARY KEY (kind, value)
        );
        CREATE INDEX contact_identifiers_by_contact ON contact_identifiers(contact_id);
        CREATE TABLE cases (
            id            bigint PRIMARY KEY,  -- the first record's id; written just before it, so no foreign key
            reference     text NOT NULL UNIQUE,
            contact_id    bigint REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            opened_at     bigint NOT NULL,
            status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'merged')),
            merged_into   bigint REFERENCES cases(id) DEFERRABLE INITIALLY IMMEDIATE,
            closed_at     text,
            closed_by     text,
            close_reason  text
        );
        CREATE INDEX cases_by_contact ON cases(contact_id);
        CREATE TABLE raw_submissions (
            id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            channel          text NOT NULL,
            source           text NOT NULL,
            received_at      text NOT NULL,
            idempotency_key  text NOT NULL,
            sha256           text NOT NULL REFERENCES blobs(sha256) DEFERRABLE INITIALLY IMMEDIATE,
            size             bigint NOT NULL,
            metadata         text NOT NULL DEFAULT '{}',
            disposition      text NOT NULL
                             CHECK (disposition IN ('pending', 'accepted', 'redelivery', 'quarantined', 'ignored')),
            error_code       text,
            reason           text,
            record_id        bigint,
            original_id      bigint REFERENCES raw_submissions(id) DEFERRABLE INITIALLY IMMEDIATE,
            attempts         bigint NOT NULL DEFAULT 0,
            updated_at       text NOT NULL,
            sender_id        text
        );
        CREATE INDEX raw_submissions_by_key ON raw_submissions(idempotency_key);
        CREATE INDEX raw_submissions_by_disposition ON raw_submissions(disposition, id);
        CREATE INDEX raw_submissions_by_received ON raw_submissions(received_at);
        CREATE INDEX raw_submissions_by_sender_id ON raw_submissions(channel, sender_id) WHERE sender_id IS NOT NULL;
        CREATE TABLE records (
            id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            reference          text NOT NULL UNIQUE,
            channel            text NOT NULL,
            received_at        text NOT NULL,
            contacted_at       text,
            contact_id         bigint REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            kind               text,
            category           text,
            acknowledge_by     text,
            respond_by         text,
            idempotency_key    text NOT NULL UNIQUE,
            raw_submission_id  bigint NOT NULL REFERENCES raw_submissions(id) DEFERRABLE INITIALLY IMMEDIATE,
            document           text NOT NULL,
            follow_up_of       bigint REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            case_id            bigint REFERENCES cases(id) DEFERRABLE INITIALLY IMMEDIATE,
            origin_contact_id  bigint REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            event_at           bigint,
            text_hash          bigint,
            postcode           text,
            address_key        text,
            service_area       text,
            hazard_due         text,
            next_due           text
        );
        ALTER TABLE raw_submissions ADD FOREIGN KEY (record_id) REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE;
        CREATE INDEX records_by_received ON records(received_at);
        CREATE INDEX records_by_channel ON records(channel, received_at);
        CREATE INDEX records_by_follow_up ON records(follow_up_of) WHERE follow_up_of IS NOT NULL;
        CREATE INDEX records_by_text ON records(contact_id, text_hash, event_at) WHERE text_hash IS NOT NULL;
        CREATE INDEX records_by_contact_time ON records(contact_id, event_at);
        CREATE INDEX records_by_case ON records(case_id, event_at);
        CREATE INDEX records_by_next_due ON records(next_due) WHERE next_due IS NOT NULL;
        CREATE INDEX records_by_kind ON records(kind, received_at);
        CREATE TABLE record_flags (
            record_id  bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            flag       text NOT NULL,
            reason     text NOT NULL
        );
        CREATE INDEX record_flags_by_record ON record_flags(record_id);
        CREATE INDEX record_flags_by_flag ON record_flags(flag);
        CREATE TABLE attachments (
            id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            record_id   bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            name        text NOT NULL,
            media_type  text NOT NULL,
            size        bigint NOT NULL,
            sha256      text NOT NULL REFERENCES blobs(sha256) DEFERRABLE INITIALLY IMMEDIATE
        );
        CREATE INDEX attachments_by_record ON attachments(record_id);
        CREATE TABLE reference_counters (
            prefix  text NOT NULL,
            year    bigint NOT NULL,
            last    bigint NOT NULL,
            PRIMARY KEY (prefix, year)
        );
        CREATE TABLE audit_log (
            id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at                 text NOT NULL,
            actor              text NOT NULL,
            action             text NOT NULL,
            raw_submission_id  bigint REFERENCES raw_submissions(id) DEFERRABLE INITIALLY IMMEDIATE,
            record_id          bigint REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            reason             text,
            contact_id         bigint REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE
        );
        CREATE INDEX audit_log_by_raw ON audit_log(raw_submission_id);
        CREATE INDEX audit_log_by_record ON audit_log(record_id);
        CREATE INDEX audit_log_by_contact ON audit_log(contact_id) WHERE contact_id IS NOT NULL;
        CREATE TABLE thread_ids (
            channel     text NOT NULL,
            message_id  text NOT NULL,
            record_id   bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            PRIMARY KEY (channel, message_id)
        );
        CREATE TABLE import_checkpoints (
            path        text PRIMARY KEY NOT NULL,
            inode       bigint NOT NULL,
            "offset"    bigint NOT NULL,
            messages    bigint NOT NULL,
            updated_at  text NOT NULL
        );
        CREATE TABLE message_parts (
            group_key              text NOT NULL,
            part_number            bigint NOT NULL,
            total                  bigint NOT NULL,
            raw_submission_id      bigint NOT NULL REFERENCES raw_submissions(id) DEFERRABLE INITIALLY IMMEDIATE,
            received_at            text NOT NULL,
            joined_submission_id   bigint REFERENCES raw_submissions(id) DEFERRABLE INITIALLY IMMEDIATE,
            PRIMARY KEY (group_key, part_number, raw_submission_id)
        );
        CREATE INDEX message_parts_waiting ON message_parts(joined_submission_id, received_at);
        CREATE TABLE lsh_bands (
            period     bigint NOT NULL,
            bucket     bigint NOT NULL,
            day        bigint NOT NULL,
            record_id  bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            PRIMARY KEY (period, bucket, day, record_id)
        );
        CREATE TABLE record_links (
            record_id   bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            kind        text NOT NULL,
            target_id   bigint NOT NULL REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            similarity  double precision,
            reason      text NOT NULL,
            created_at  text NOT NULL,
            PRIMARY KEY (record_id, kind, target_id)
        );
        CREATE INDEX record_links_by_target ON record_links(target_id);
        CREATE TABLE possible_same_contacts (
            contact_id  bigint NOT NULL REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            other_id    bigint NOT NULL REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            evidence    text NOT NULL,
            record_id   bigint REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            created_at  text NOT NULL,
            PRIMARY KEY (contact_id, other_id)
        );
        CREATE INDEX possible_same_contacts_by_other ON possible_same_contacts(other_id);
        CREATE TABLE restrictions (
            id                      bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            contact_id              bigint NOT NULL REFERENCES contacts(id) DEFERRABLE INITIALLY IMMEDIATE,
            reason                  text NOT NULL,
            approved_by             text NOT NULL,
            review_by               text NOT NULL,
            single_point_of_contact text,
            channels                text NOT NULL DEFAULT '',
            vulnerability_check     text,
            created_at              text NOT NULL,
            created_by              text NOT NULL,
            ended_at                text,
            ended_by                text,
            end_reason              text
        );
        CREATE INDEX restrictions_active ON restrictions(contact_id) WHERE ended_at IS NULL;
        CREATE TABLE record_shingles (
            record_id   bigint PRIMARY KEY REFERENCES records(id) DEFERRABLE INITIALLY IMMEDIATE,
            word_count  bigint NOT NULL,
            shingles    bytea NOT NULL
        );
        CREATE TABLE outbox_events (
            id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            event_id    text NOT NULL UNIQUE,
            type        text NOT NULL,
            case_id     bigint NOT NULL,
            record_id   bigint,
            created_at  text NOT NULL,
            data        text NOT NULL DEFAULT '{}'
        );
        CREATE TABLE outbox_destinations (
            name             text PRIMARY KEY NOT NULL,
            position         bigint NOT NULL,
            created_at       text NOT NULL,
            disabled_at      text,
            disabled_reason  text
        );
        CREATE TABLE outbox_deliveries (
            id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            event_row        bigint NOT NULL REFERENCES outbox_events(id) DEFERRABLE INITIALLY IMMEDIATE,
            destination      text NOT NULL,
            case_id          bigint NOT NULL,
            state            text NOT NULL CHECK (state IN ('pending', 'retrying', 'dead', 'delivered')),
            attempts         bigint NOT NULL DEFAULT 0,
            next_attempt_at  bigint NOT NULL DEFAULT 0,
            claimed_until    bigint NOT NULL DEFAULT 0,
            claimed_by       text,
            claims           bigint NOT NULL DEFAULT 0,
            delivered_at     text,
            last_error       text,
            UNIQUE (destination, event_row)
        );
        CREATE INDEX outbox_deliveries_due ON outbox_deliveries(destination, next_attempt_at) WHERE state IN ('pending', 'retrying');
        CREATE INDEX outbox_deliveries_open_by_case ON outbox_deliveries(destination, case_id, event_row) WHERE state != 'delivered';
        CREATE INDEX outbox_deliveries_by_state ON outbox_deliveries(destination, state, event_row);
        CREATE TABLE outbox_attempts (
            delivery_id  bigint NOT NULL REFERENCES outbox_deliveries(id) DEFERRABLE INITIALLY IMMEDIATE,
            number       bigint NOT NULL,
            started_at   text NOT NULL,
            seconds      double precision NOT NULL,
            outcome      text NOT NULL,
            status       bigint,
            answer       text,
            PRIMARY KEY (delivery_id, number)
        );
        CREATE TABLE forward_remote_ids (
            destination  text NOT NULL,
            case_id      bigint NOT NULL,
            remote_id    text NOT NULL,
            created_at   text NOT NULL,
            PRIMARY KEY (destination, case_id)
        );
        """
}
