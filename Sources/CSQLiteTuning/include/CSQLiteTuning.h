#ifndef LETTERBOX_CSQLITETUNING_H
#define LETTERBOX_CSQLITETUNING_H

/// Leaves the WAL as it is when `connection` (a `sqlite3 *`) closes, even as the store's last
/// connection: no checkpoint, no sync, the file kept (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE). For a
/// process that commits one message and exits (the mail pipe), whose store copies the WAL in
/// itself once it has grown (SQLiteCaseStore's deinit). Returns 0 when set. (sqlite3_db_config
/// takes variable arguments, which Swift cannot call.)
int letterbox_sqlite_keep_wal_on_close(void *connection);

#endif
