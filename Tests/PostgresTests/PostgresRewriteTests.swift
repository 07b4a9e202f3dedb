@testable import LetterboxPostgres
import Testing

/// The shared SQL dialect in PostgreSQL's words.
struct PostgresRewriteTests {
    @Test("json_extract of a key and of a nested path; placeholders numbered outside quotes")
    func jsonExtractAndPlaceholders() {
        #expect(SyncPostgresConnection.rewrite("SELECT json_extract(document, '$.body') FROM records WHERE id = ?")
            == "SELECT (document::jsonb ->> 'body') FROM records WHERE id = $1")
        #expect(SyncPostgresConnection.rewrite("SELECT json_extract(root.document, '$.contact.email') AS e FROM records root WHERE id = ? AND x = '?'")
            == "SELECT (root.document::jsonb #>> '{contact,email}') AS e FROM records root WHERE id = $1 AND x = '?'")
        #expect(SyncPostgresConnection.rewrite("SELECT id FROM records INDEXED BY records_by_case WHERE case_id = ?") == "SELECT id FROM records WHERE case_id = $1")
    }
}
