// The module: magic block and load-time setup (_PG_init, which PostgreSQL calls by name when it
// loads the library: an entry point like the SQL functions).
#include "policy/refusal_note.hpp"  // first: it includes the core headers

#include "timers/bgworker.hpp"
#include "timers/drop_database.hpp"
#include "events/change_context.hpp"
#include "policy/custom_validators.hpp"
#include "policy/feature_flags.hpp"
#include "runtime/settings.hpp"
#include "transition/claim_fronts.hpp"
#include "wakeups/commit.hpp"
#include "wakeups/slots.hpp"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

void _PG_init(void) {
    workitem::pg::define_settings();
    workitem::pg::register_change_context_callbacks();
    workitem::pg::fronts::register_callbacks();
    workitem::pg::register_feature_flag_callbacks();
    workitem::pg::register_custom_validator_callbacks();
    workitem::pg::register_refusal_note();
    workitem::pg::register_timer_worker();
    workitem::pg::register_drop_database_hook();
    workitem::pg::wakeups::register_commit_callbacks();
    workitem::pg::wakeups::register_shared_memory();
}
