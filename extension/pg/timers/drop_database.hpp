// DROP DATABASE of a database with a timer (timers/bgworker.hpp): the timer is a session in that
// database, so a plain DROP DATABASE would refuse ("being accessed by other users"). A
// ProcessUtility hook stops the database's timer first, as TimescaleDB does with its
// schedulers; DROP DATABASE then waits (up to 5 s) for it to leave, as for any session. Only the
// timer is stopped: another session in the database still makes the drop fail, and the
// postmaster restarts the timer 2 s later. Once the database is gone the launcher lets the
// timer's registration go (timers/launcher.cpp).
#pragma once

namespace workitem::pg {

// From _PG_init, when loading through shared_preload_libraries (where timers run); chains the
// hook installed before it.
void register_drop_database_hook();

}  // namespace workitem::pg
