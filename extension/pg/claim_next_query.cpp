#include "item_row.hpp"

#include "claim_next_query.hpp"

namespace workitem::pg {

namespace {

#define WORKITEM_BEST_FIRST(ALIAS) \
    ALIAS ".priority DESC, " ALIAS ".due_at ASC NULLS LAST, " ALIAS ".id"

// What makes an offered item one the actor may take, checked while scanning so that the scan
// passes over the others (the core judges the locked row again).
#define WORKITEM_TAKEABLE                                                    \
    "j.tenant_id = $2 AND j.state = 'offered' AND j.id <> ALL ($1) "         \
    "AND ($4::text IS NULL OR j.task_name = $4) AND NOT (j.excluded && $3) " \
    "AND (j.expires_at IS NULL OR j.expires_at > now()) "

// One scan per principal on its own index (with the queue ahead of the principal in a queue),
// and one over the items offered to several principals, whose queue is a filter written so that
// the queue's index cannot serve it: in a queue of items offered to one principal each, it would
// walk the whole queue to find none. A LIMIT inside each arm makes the planner take the index in
// order and stop early, whatever the statistics say about the size of the backlog.
#define WORKITEM_BEST_OFFERED(QUEUE_FILTER) \
    "SELECT coalesce(array_agg(c.id ORDER BY " WORKITEM_BEST_FIRST("c") "), '{}') FROM ("     \
    "  SELECT h.id, h.priority, h.due_at FROM unnest($3::text[]) AS p(principal) "            \
    "  CROSS JOIN LATERAL (SELECT j.id, j.priority, j.due_at FROM workitem.item j "           \
    "    WHERE cardinality(j.candidates) = 1 AND j.candidates[1] = p.principal " QUEUE_FILTER \
    "      AND " WORKITEM_TAKEABLE "ORDER BY " WORKITEM_BEST_FIRST("j") " LIMIT $6) AS h "    \
    "  UNION ALL "                                                                            \
    "  (SELECT j.id, j.priority, j.due_at FROM workitem.item j "                              \
    "    WHERE cardinality(j.candidates) > 1 AND j.candidates && $3 "                         \
    "      AND j.queue IS NOT DISTINCT FROM coalesce($5, j.queue) "                           \
    "      AND " WORKITEM_TAKEABLE "ORDER BY " WORKITEM_BEST_FIRST("j") " LIMIT $6) "         \
    "  ORDER BY 2 DESC, 3 ASC NULLS LAST, 1 LIMIT $6) AS c"

constexpr int best_offered_parameters = 6;
#define WORKITEM_BEST_OFFERED_TYPES \
    { INT8ARRAYOID, TEXTOID, TEXTARRAYOID, TEXTOID, TEXTOID, INT4OID }

// Generic plans: the plan does not depend on the values, and custom plans would be made anew at
// every call (their estimated cost is always below the generic plan's).
spi::Statement best_offered_anywhere{WORKITEM_BEST_OFFERED("AND $5::text IS NULL"),
                                     best_offered_parameters, WORKITEM_BEST_OFFERED_TYPES, nullptr,
                                     true};
spi::Statement best_offered_in_queue{WORKITEM_BEST_OFFERED("AND j.queue = $5"),
                                     best_offered_parameters, WORKITEM_BEST_OFFERED_TYPES, nullptr,
                                     true};

// LockRows above the sort locks the candidates in order, skipping those another transaction
// holds, and the LIMIT stops it at the first one taken: no other candidate is locked. The row
// comes back as every item-locking query returns it (read_item_row), computed above the lock on
// the one row taken, so the claim reads it once.
spi::Statement lock_first_free{
    "SELECT " WORKITEM_ITEM_SELECT_LIST
    "FROM ("
    "  SELECT j.* FROM workitem.item j WHERE j.id = ANY ($1) AND j.tenant_id = $2 "
    "  AND j.state = 'offered' AND j.candidates && $4 AND NOT (j.excluded && $4) "
    "  ORDER BY array_position($1, j.id) LIMIT 1 FOR UPDATE OF j SKIP LOCKED) AS i",
    4,
    {INT8ARRAYOID, TEXTOID, TEXTOID, TEXTARRAYOID},
    nullptr,
    true};

}  // namespace

spi::Statement& best_offered_statement(bool in_queue) {
    return in_queue ? best_offered_in_queue : best_offered_anywhere;
}

spi::Statement& lock_first_free_statement() {
    return lock_first_free;
}

}  // namespace workitem::pg
