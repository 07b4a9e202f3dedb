#include "CSQLiteTuning.h"

#include <sqlite3.h>

int letterbox_sqlite_keep_wal_on_close(void *connection) {
    int set = 0;
    int code = sqlite3_db_config((sqlite3 *)connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &set);
    if (code != SQLITE_OK) return code;
    return set == 1 ? 0 : -1;
}
