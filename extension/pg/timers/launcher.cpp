// The timer launcher (timers/bgworker.hpp): one static background worker, connected to no
// database, that reads the shared catalog pg_database and keeps one timer running per database
// it serves. It wakes every workitem.tick_interval (and whenever one of its timers starts or
// stops): a new database gets a timer at once; a database whose timer left (no extension there
// yet, or the extension dropped) gets another try after workitem.timer_probe_interval; a
// database dropped or closed to connections has its timer stopped, so the postmaster does not
// keep restarting a timer that cannot connect.
#include "runtime/settings.hpp"

#include "runtime/pg.hpp"
#include "timers/bgworker.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_database.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}

extern "C" {
PGDLLEXPORT void workitem_timer_launcher_main(Datum argument);
}

namespace workitem::pg {

namespace {

constexpr const char* launcher_name = "workitem timer launcher";
constexpr const char* timer_type = "workitem timer";

// What the launcher knows of one database it serves (in TopMemoryContext).
struct Served {
    Oid database;
    NameData name;
    BackgroundWorkerHandle* handle;  // its timer, when this launcher started one
    TimestampTz next_try;            // when to start a timer again
    bool warned;                     // the WARNING about worker slots is logged
    bool seen;                       // in pg_database at the last scan
    bool stopped;                    // its timer was seen stopped (handle kept until next_try)
};

Served* served = nullptr;
int served_count = 0;
int served_capacity = 0;
bool reported_missing = false;  // workitem.database names a database that is not there

Served& entry_for(Oid database, const char* name) {
    for (int i = 0; i < served_count; ++i) {
        if (served[i].database == database) return served[i];
    }
    if (served_count == served_capacity) {
        served_capacity = served_capacity == 0 ? 16 : served_capacity * 2;
        const Size size = sizeof(Served) * static_cast<Size>(served_capacity);
        served = static_cast<Served*>(served == nullptr ? MemoryContextAlloc(TopMemoryContext, size)
                                                        : repalloc(served, size));
    }
    Served& entry = served[served_count++];
    entry = Served{};
    entry.database = database;
    namestrcpy(&entry.name, name);
    return entry;
}

// Marks the databases to serve: connectable ones, templates aside (a connection to template1
// would make CREATE DATABASE fail), and only workitem.database when it names one. In the
// caller's transaction.
void scan_databases() {
    const char* only = timer_database();
    for (int i = 0; i < served_count; ++i) served[i].seen = false;
    Relation relation = table_open(DatabaseRelationId, AccessShareLock);
    TableScanDesc scan = table_beginscan_catalog(relation, 0, nullptr);
    bool found_only = false;
    for (HeapTuple tuple; (tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr;) {
        auto* database = reinterpret_cast<Form_pg_database>(GETSTRUCT(tuple));
        if (only[0] != '\0' && strcmp(NameStr(database->datname), only) != 0) continue;
        if (!database->datallowconn || database->datistemplate ||
            database_is_invalid_form(database)) {
            continue;
        }
        found_only = true;
        entry_for(database->oid, NameStr(database->datname)).seen = true;
    }
    table_endscan(scan);
    table_close(relation, AccessShareLock);
    if (only[0] != '\0' && !found_only && !reported_missing) {
        ereport(LOG, (errmsg("workitem timer launcher: database \"%s\" (workitem.database) does "
                             "not exist or does not allow connections; waiting for it",
                             only)));
    }
    reported_missing = only[0] != '\0' && !found_only;
}

void start_timer(Served& entry) {
    BackgroundWorker worker;
    describe_database_timer(worker, entry.database, NameStr(entry.name));
    BackgroundWorkerHandle* handle = nullptr;
    const MemoryContext previous = MemoryContextSwitchTo(TopMemoryContext);
    const bool registered = RegisterDynamicBackgroundWorker(&worker, &handle);
    MemoryContextSwitchTo(previous);
    if (!registered) {
        if (!entry.warned) {
            ereport(WARNING,
                    (errmsg("workitem timer launcher: no background worker slot left for the "
                            "timer of database \"%s\"",
                            NameStr(entry.name)),
                     errdetail("Its activations, lease expiries, deadlines and purges wait."),
                     errhint("Raise max_worker_processes (now %d): one timer per database with "
                             "the extension, besides the launcher. Tried again every "
                             "workitem.timer_probe_interval.",
                             max_worker_processes)));
        }
        entry.warned = true;
        return;
    }
    entry.handle = handle;
    entry.warned = false;
}

// When the launcher exits, its timers go too (the next launcher starts them again): a timer
// left behind, once its database is dropped, would be restarted by the postmaster for ever.
void stop_timers(int, Datum) {
    for (int i = 0; i < served_count; ++i) {
        if (served[i].handle != nullptr) TerminateBackgroundWorker(served[i].handle);
    }
}

void serve_databases() {
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    (void)GetTransactionSnapshot();
    scan_databases();
    const TimestampTz now = GetCurrentTimestamp();
    const TimestampTz retry_at =
        TimestampTzPlusMilliseconds(now, timer_probe_interval_seconds() * INT64CONST(1000));
    for (int i = served_count - 1; i >= 0; --i) {
        Served& entry = served[i];
        if (!entry.seen) {  // dropped, closed to connections, a template now
            if (entry.handle != nullptr) {
                TerminateBackgroundWorker(entry.handle);
                pfree(entry.handle);
            }
            entry = served[--served_count];
            continue;
        }
        if (entry.handle != nullptr) {
            pid_t pid = 0;
            const BgwHandleStatus status = GetBackgroundWorkerPid(entry.handle, &pid);
            if (status == BGWH_POSTMASTER_DIED) proc_exit(1);
            if (status != BGWH_STOPPED) {  // running, or about to start
                entry.stopped = false;
                continue;
            }
            // Stopped: gone for good (no extension, exit 0) or waiting for the postmaster to
            // restart it (a crash, pg_terminate_backend) - the handle does not say which. It is
            // given until the next try; then the handle is let go only once terminated, so no
            // registration is left behind to be restarted for a database dropped later.
            if (!entry.stopped) {
                entry.stopped = true;
                entry.next_try = retry_at;
                continue;
            }
            if (now < entry.next_try) continue;
            TerminateBackgroundWorker(entry.handle);
            pfree(entry.handle);
            entry.handle = nullptr;
            entry.stopped = false;
        }
        if (now < entry.next_try) continue;
        entry.next_try = retry_at;
        if (timer_pid_in(entry.database) != 0) continue;  // one started before this launcher
        start_timer(entry);
    }
    CommitTransactionCommand();
}

}  // namespace

int timer_pid_in(unsigned int database) {
    pgstat_clear_snapshot();
    const int backends = pgstat_fetch_stat_numbackends();
    for (int i = 1; i <= backends; ++i) {
        const LocalPgBackendStatus* local = pgstat_fetch_stat_local_beentry(i);
        if (local == nullptr) continue;
        const PgBackendStatus& backend = local->backendStatus;
        if (backend.st_backendType != B_BG_WORKER || backend.st_databaseid != database) continue;
        const char* type = GetBackgroundWorkerTypeByPid(backend.st_procpid);
        if (type != nullptr && strcmp(type, timer_type) == 0) return backend.st_procpid;
    }
    return 0;
}

void register_timer_worker() {
    if (!process_shared_preload_libraries_in_progress) return;
    BackgroundWorker worker{};
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = 2;  // seconds: after a crash or pg_terminate_backend
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "workitem");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "workitem_timer_launcher_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "%s", launcher_name);
    snprintf(worker.bgw_type, BGW_MAXLEN, "%s", launcher_name);
    RegisterBackgroundWorker(&worker);
}

}  // namespace workitem::pg

void workitem_timer_launcher_main(Datum) {
    using namespace workitem::pg;
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnection(nullptr, nullptr, 0);  // pg_database is shared
    pgstat_report_appname(launcher_name);
    before_shmem_exit(stop_timers, 0);
    if (timer_database()[0] == '\0') {
        ereport(LOG, (errmsg("workitem timer launcher started: a timer for every database with "
                             "the extension workitem")));
    } else {
        ereport(LOG, (errmsg("workitem timer launcher started: a timer for database \"%s\" "
                             "(workitem.database)",
                             timer_database())));
    }
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }
        serve_databases();
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
                        tick_interval_ms(), PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}
