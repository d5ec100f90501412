// The timer's background worker (domain.md §5), pg_cron's way: registered when the library is
// preloaded, connected to workitem.database, waking every workitem.tick_interval to run one
// tick (timers/tick.hpp), each batch in its own transaction. SIGHUP reloads the settings, SIGTERM
// stops it, postmaster death ends it; the postmaster restarts it after a crash or a
// pg_terminate_backend. A batch that raises an error is rerun item by item, and the item that
// fails is logged, recorded in workitem.timer_failure and skipped until its retry time.
#pragma once

namespace workitem::pg {

// From _PG_init: registers the worker when loading through shared_preload_libraries.
void register_timer_worker();

}  // namespace workitem::pg
