// The timer's background workers (domain.md §5), TimescaleDB's way: a launcher, registered when
// the library is preloaded and connected to no database, starts one timer per database
// (timers/launcher.cpp): every connectable non-template database, or only workitem.database
// when it names one. A database's timer leaves at once when the extension is not installed
// there (the launcher tries again after workitem.timer_probe_interval); otherwise it wakes every
// workitem.tick_interval to run one tick (timers/tick.hpp), each batch in its own transaction.
// SIGHUP reloads the settings, SIGTERM stops it, postmaster death ends it; the postmaster
// restarts it after a crash or a pg_terminate_backend. A batch that raises an error is rerun
// item by item, and the item that fails is logged, recorded in workitem.timer_failure and
// skipped until its retry time.
#pragma once

// Declared here so that entry/module.cpp includes no PostgreSQL header before its own.
struct BackgroundWorker;

namespace workitem::pg {

// From _PG_init: registers the launcher when loading through shared_preload_libraries.
void register_timer_worker();

// The launcher's description of one database's timer (its OID the argument; the launcher is
// told when it starts and stops).
void describe_database_timer(BackgroundWorker& worker, unsigned int database_oid, const char* name);

// The pid of the timer connected to a database, or 0 (timers/launcher.cpp: read from the
// backends' status entries, anew - it clears the caller's statistics snapshot).
int timer_pid_in(unsigned int database_oid);

}  // namespace workitem::pg
