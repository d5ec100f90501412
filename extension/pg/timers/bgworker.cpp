#include "runtime/boundary.hpp"

#include "timers/bgworker.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"
#include "timers/retention.hpp"
#include "timers/tick.hpp"

extern "C" {
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "commands/dbcommands.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"
}

extern "C" {
PGDLLEXPORT void workitem_timer_main(Datum argument);
}

namespace workitem::pg {

namespace {

constexpr const char* worker_name = "workitem timer";
// A tick returns to its latch (signals, reloads) after this many batches of one action.
constexpr int max_batches_per_action = 50;

// Held by a database's timer for its whole life (a session lock): a second one started for the
// same database (a launcher restarted while its timers ran on) sees it taken and leaves.
spi::Statement take_database{
    "SELECT pg_catalog.pg_try_advisory_lock(pg_catalog.hashtextextended('workitem timer', 0))",
    0,
    {},
    nullptr};

spi::Statement extension_installed{
    "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'workitem')",
    0,
    {},
    nullptr};

enum class StepKind { action, retention, partitions, stats, record_failure };

// One unit of the worker's work, run in a transaction of its own.
struct Step {
    StepKind kind;
    TimerAction action;
    int limit;
    TimerCounts* total;     // the tick's counts (in the loop's memory context)
    MemoryContext keep_in;  // where error texts that outlive the step are copied
    int found;              // rows taken
    bool extension_missing;
    int64 failed_item;  // record_failure: the item and what failed
    const char* failed_sqlstate;
    const char* failed_message;
};

void keep_counts(const TimerCounts& step_counts, Step& step) {
    for (int i = 0; i < static_cast<int>(TimerOutcome::count); ++i) {
        step.total->done[i] += step_counts.done[i];
        step.total->failed[i] += step_counts.failed[i];
        if (step_counts.last_error[i]) {
            step.total->last_error[i] =
                MemoryContextStrdup(step.keep_in, step_counts.last_error[i]);
        }
    }
}

bool installed() {
    spi::execute(extension_installed, nullptr, nullptr, 1);
    bool is_null = false;
    return DatumGetBool(spi::first_column_of(SPI_tuptable->vals[0], 1, &is_null));
}

// Whether this timer serves its database: the extension is there and no other timer holds it.
// Sets the database's name for the log.
bool take_database_if_installed(const char** database_name) {
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    spi::connect();
    bool taken = installed();
    if (taken) {
        spi::execute(take_database, nullptr, nullptr, 1);
        bool is_null = false;
        taken = DatumGetBool(spi::first_column_of(SPI_tuptable->vals[0], 1, &is_null));
    }
    *database_name = MemoryContextStrdup(TopMemoryContext, get_database_name(MyDatabaseId));
    spi::finish();
    PopActiveSnapshot();
    CommitTransactionCommand();
    return taken;
}

void run_step_body(Step& step) {
    TimerCounts counts{};
    if (!installed()) {
        step.extension_missing = true;
        return;
    }
    switch (step.kind) {
        case StepKind::action:
            step.found = run_timer_batch(step.action, step.limit, counts);
            break;
        case StepKind::retention:
            run_retention(step.limit, counts);
            break;
        case StepKind::partitions:
            (void)maintain_event_partitions(counts);
            break;
        case StepKind::stats:
            record_tick(*step.total, worker_name);
            break;
        case StepKind::record_failure:
            record_timer_failure(step.failed_item, step.action, step.failed_sqlstate,
                                 step.failed_message);
            break;
    }
    keep_counts(counts, step);
}

void run_step(void* context) {
    auto& step = *static_cast<Step*>(context);
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    pgstat_report_activity(STATE_RUNNING, "workitem timer tick");
    spi::connect();
    run_step_body(step);
    spi::finish();
    PopActiveSnapshot();
    CommitTransactionCommand();
    pgstat_report_activity(STATE_IDLE, nullptr);
}

// Runs a step; an error it raises is logged and its transaction rolled back. Returns the error
// (in the loop's context) or nullptr.
ErrorData* try_step(Step& step) {
    MemoryContext loop_context = step.keep_in;
    ErrorData* error = catch_pg_error(run_step, &step);
    if (error != nullptr) {
        AbortCurrentTransaction();
        pgstat_report_activity(STATE_IDLE, nullptr);
        ereport(LOG, (errmsg("workitem timer: %s", error->message),
                      error->detail ? errdetail_internal("%s", error->detail) : 0));
    }
    MemoryContextSwitchTo(loop_context);
    return error;
}

Step make_step(StepKind kind, TimerAction action, int limit, TimerCounts& total,
               MemoryContext keep_in) {
    Step step{};
    step.kind = kind;
    step.action = action;
    step.limit = limit;
    step.total = &total;
    step.keep_in = keep_in;
    return step;
}

// After a batch failed: one item per transaction, so the bad item is found, recorded as failed
// (and so skipped until its retry time) and the good ones still happen.
void isolate_failure(TimerAction action, int batch_size, TimerCounts& total, MemoryContext loop) {
    for (int i = 0; i < batch_size; ++i) {
        Step step = make_step(StepKind::action, action, 1, total, loop);
        ErrorData* error = try_step(step);
        if (error == nullptr) {
            if (step.found == 0) return;
            continue;
        }
        const int64 item = timer_current_item();
        if (item == 0) return;  // not an item's fault: try again next tick
        // Counted like a refusal; a deadline's failure is counted as an escalation (which of its
        // actions it was is not known once the error has unwound the batch).
        const int outcome =
            static_cast<int>(action == TimerAction::deadline   ? TimerOutcome::deadline_escalate
                             : action == TimerAction::expire   ? TimerOutcome::expire
                             : action == TimerAction::resume   ? TimerOutcome::resume
                             : action == TimerAction::activate ? TimerOutcome::activate
                                                               : TimerOutcome::lease_expire);
        total.failed[outcome]++;
        total.last_error[outcome] = error->message;
        ereport(LOG, (errmsg("workitem timer: %s of item %ld failed; retried later",
                             outcome_name(static_cast<TimerOutcome>(outcome)), item)));
        Step record = make_step(StepKind::record_failure, action, 0, total, loop);
        record.failed_item = item;
        record.failed_sqlstate = MemoryContextStrdup(loop, unpack_sql_state(error->sqlerrcode));
        record.failed_message = error->message;
        if (try_step(record) != nullptr) return;
    }
}

// After SIGHUP: the new settings, before the next batch.
void apply_pending_reload() {
    if (!ConfigReloadPending) return;
    ConfigReloadPending = false;
    ProcessConfigFile(PGC_SIGHUP);
}

// Between two full batches (a backlog): a rest of workitem.timer_batch_delay, so that the worker
// takes a bounded share of a core and of the WAL from the users beside it, as autovacuum's cost
// delay does. Signals still end it early; a reload applies at once.
void rest_between_batches() {
    const int delay = timer_batch_delay_ms();
    if (delay <= 0) return;
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, delay,
                    PG_WAIT_EXTENSION);
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
    apply_pending_reload();
}

// One tick: every action until nothing is due, then retention, then the counts. Returns false
// when the extension is not installed in the database.
bool worker_tick(MemoryContext loop) {
    TimerCounts total{};
    const int batch_size = timer_batch_size();
    for (int a = 0; a < static_cast<int>(TimerAction::count); ++a) {
        const auto action = static_cast<TimerAction>(a);
        for (int batch = 0; batch < max_batches_per_action; ++batch) {
            Step step = make_step(StepKind::action, action, batch_size, total, loop);
            if (try_step(step) != nullptr) {
                isolate_failure(action, batch_size, total, loop);
                break;
            }
            if (step.extension_missing) return false;
            if (step.found == 0) break;  // an item with several due deadlines comes back
            if (step.found >= batch_size) rest_between_batches();
        }
    }
    Step retention = make_step(StepKind::retention, TimerAction::count, batch_size, total, loop);
    try_step(retention);
    // In a transaction of its own: its lock on the event table ends with it, and a failure of
    // it never rolls back the purges.
    Step partitions = make_step(StepKind::partitions, TimerAction::count, 0, total, loop);
    try_step(partitions);
    Step stats = make_step(StepKind::stats, TimerAction::count, 0, total, loop);
    try_step(stats);
    return true;
}

}  // namespace

// What the launcher starts for one database (timers/launcher.cpp): restarted by the postmaster
// after a crash or a pg_terminate_backend; an exit(0) (no extension, or another timer holds the
// database) ends it for good, and the launcher tries again later.
void describe_database_timer(BackgroundWorker& worker, Oid database, const char* name) {
    static_assert(std::is_same_v<Oid, unsigned int>);
    worker = BackgroundWorker{};
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = 2;  // seconds
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "workitem");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "workitem_timer_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "%s for database %s", worker_name, name);
    snprintf(worker.bgw_type, BGW_MAXLEN, "%s", worker_name);
    worker.bgw_main_arg = ObjectIdGetDatum(database);
    worker.bgw_notify_pid = MyProcPid;
}

}  // namespace workitem::pg

// One database's timer: its OID is the argument (timers/launcher.cpp).
void workitem_timer_main(Datum argument) {
    using namespace workitem::pg;
    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(argument), InvalidOid, 0);
    pgstat_report_appname(worker_name);
    // In a deadlock the timer is the one that gives way: it checks for one after 100 ms, before
    // any session on the default 1 s, and so aborts its own step (logged, retried at the next
    // tick) rather than the user's statement — a DROP EXTENSION racing a tick, say.
    SetConfigOption("deadlock_timeout", "100ms", PGC_SUSET, PGC_S_OVERRIDE);
    const char* database = nullptr;
    if (!take_database_if_installed(&database)) {
        // The launcher looks again after workitem.timer_probe_interval.
        ereport(DEBUG1, (errmsg("workitem timer: nothing to serve in database \"%s\"", database)));
        proc_exit(0);
    }
    ereport(LOG, (errmsg("workitem timer started for database \"%s\"", database)));

    MemoryContext loop =
        AllocSetContextCreate(TopMemoryContext, "workitem timer loop", ALLOCSET_DEFAULT_SIZES);
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        apply_pending_reload();
        MemoryContextSwitchTo(loop);
        if (!worker_tick(loop)) {
            ereport(LOG, (errmsg("workitem timer: extension workitem was dropped from database "
                                 "\"%s\"; the timer stops",
                                 database)));
            proc_exit(0);
        }
        MemoryContextReset(loop);
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
                        tick_interval_ms(), PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}
