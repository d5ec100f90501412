#include "timers/drop_database.hpp"

#include "runtime/pg.hpp"
#include "timers/bgworker.hpp"

extern "C" {
#include "commands/dbcommands.h"
#include "nodes/parsenodes.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/utility.h"
#include "utils/acl.h"
}

#include <csignal>

namespace workitem::pg {

namespace {

ProcessUtility_hook_type previous_hook = nullptr;

// Signals the timer of the database a DROP DATABASE names. Only when the drop can go on: at top
// level outside a transaction block, a database that exists, other than the caller's, that the
// caller owns (or a superuser) - so nobody else's failing DROP DATABASE bounces a timer.
void stop_timer_of(const DropdbStmt& statement, ProcessUtilityContext context) {
    if (context != PROCESS_UTILITY_TOPLEVEL || IsTransactionBlock()) return;
    const Oid database = get_database_oid(statement.dbname, true);
    if (!OidIsValid(database) || database == MyDatabaseId) return;
    if (!pg_database_ownercheck(database, GetUserId())) return;
    const int pid = timer_pid_in(database);
    if (pid == 0) return;
    // As pg_terminate_backend does (the timer runs as the bootstrap superuser): SIGTERM, which
    // the timer's handler (die) turns into an exit at its next interrupt check, its latch set.
    const PGPROC* proc = BackendPidGetProc(pid);
    if (proc == nullptr || proc->databaseId != database) return;  // gone meanwhile
    if (kill(pid, SIGTERM) != 0) {
        ereport(WARNING, (errmsg("could not stop the workitem timer of database \"%s\" "
                                 "(pid %d): %m",
                                 statement.dbname, pid)));
        return;
    }
    ereport(DEBUG1, (errmsg("workitem: stopped the timer of database \"%s\" (pid %d) for "
                            "DROP DATABASE",
                            statement.dbname, pid)));
}

void drop_database_hook(PlannedStmt* planned, const char* query, bool read_only_tree,
                        ProcessUtilityContext context, ParamListInfo params,
                        QueryEnvironment* environment, DestReceiver* destination,
                        QueryCompletion* completion) {
    if (IsA(planned->utilityStmt, DropdbStmt)) {
        stop_timer_of(*castNode(DropdbStmt, planned->utilityStmt), context);
    }
    if (previous_hook != nullptr) {
        previous_hook(planned, query, read_only_tree, context, params, environment, destination,
                      completion);
    } else {
        standard_ProcessUtility(planned, query, read_only_tree, context, params, environment,
                                destination, completion);
    }
}

}  // namespace

void register_drop_database_hook() {
    if (!process_shared_preload_libraries_in_progress) return;
    previous_hook = ProcessUtility_hook;
    ProcessUtility_hook = drop_database_hook;
}

}  // namespace workitem::pg
