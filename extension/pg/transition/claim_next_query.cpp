#include "item/row.hpp"

#include "item/offers.hpp"

#include "transition/claim_next_query.hpp"

namespace workitem::pg {

namespace {

// The parameters of the claim statement:
// $1 int8[] ids to pass over, $2 tenant, $3 actor (as WORKITEM_ITEM_SELECT_LIST wants it),
// $4 task_name or NULL, $5 queue or NULL, $6 int4 how many candidates, $7 the actor's principals,
// $8 int4 how many to lock.
#define WORKITEM_BEST_FIRST(ALIAS) \
    ALIAS ".priority DESC, " ALIAS ".due_at ASC NULLS LAST, " ALIAS ".id"

// What makes an offered item one the actor may take, checked while scanning so that the scan
// passes over the others (the core judges the locked row again).
#define WORKITEM_TAKEABLE                                                    \
    "j.tenant_id = $2 AND j.state = 'offered' AND j.id <> ALL ($1) "         \
    "AND ($4::text IS NULL OR j.task_name = $4) AND NOT (j.excluded && $7) " \
    "AND (j.expires_at IS NULL OR j.expires_at > now()) "

// Release 0.1.0's schema (no offer entries): the candidates, the best `how many` items the actor
// may take, best first, as one int8[].
// One scan per principal on its own index (with the queue ahead of the principal in a queue),
// and one over the items offered to several principals, whose queue is a filter written so that
// the queue's index cannot serve it: in a queue of items offered to one principal each, it would
// walk the whole queue to find none. A LIMIT inside each arm makes the planner take the index in
// order and stop early, whatever the statistics say about the size of the backlog.
#define WORKITEM_BEST_OFFERED(QUEUE_FILTER) \
    "SELECT coalesce(array_agg(c.id ORDER BY " WORKITEM_BEST_FIRST("c") "), '{}') FROM ("     \
    "  SELECT h.id, h.priority, h.due_at FROM unnest($7::text[]) AS p(principal) "            \
    "  CROSS JOIN LATERAL (SELECT j.id, j.priority, j.due_at FROM workitem.item j "           \
    "    WHERE cardinality(j.candidates) = 1 AND j.candidates[1] = p.principal " QUEUE_FILTER \
    "      AND " WORKITEM_TAKEABLE "ORDER BY " WORKITEM_BEST_FIRST("j") " LIMIT $6) AS h "    \
    "  UNION ALL "                                                                            \
    "  (SELECT j.id, j.priority, j.due_at FROM workitem.item j "                              \
    "    WHERE cardinality(j.candidates) > 1 AND j.candidates && $7 "                         \
    "      AND j.queue IS NOT DISTINCT FROM coalesce($5, j.queue) "                           \
    "      AND " WORKITEM_TAKEABLE "ORDER BY " WORKITEM_BEST_FIRST("j") " LIMIT $6) "         \
    "  ORDER BY 2 DESC, 3 ASC NULLS LAST, 1 LIMIT $6) AS c"

// Then, in the same statement, the first candidate no other transaction holds, locked (the first
// $8, for a call that claims several): LockRows above the sort locks the candidates in order,
// skipping those another transaction holds, and the LIMIT stops it at the last one taken, so no
// other candidate is locked. Its row comes back
// as every item-locking query returns it (read_item_row), computed on the one row taken, with
// the candidates after it (all NULL but the candidates when every one was held). A candidate
// another worker has claimed since the statement's snapshot, or is claiming, is left out before
// the lock (workitem.row_unchanged): locking it would lock the claimed version in passing and
// hold it to the end of this transaction, making its owner's complete wait for us.
#define WORKITEM_CLAIM_FIRST_FREE(QUEUE_FILTER) \
    "SELECT " WORKITEM_ITEM_SELECT_LIST ", c.ids FROM (" WORKITEM_BEST_OFFERED(QUEUE_FILTER)    \
    ") AS c(ids) LEFT JOIN LATERAL ("                                                           \
    "  SELECT j.* FROM workitem.item j WHERE j.id = ANY (c.ids) AND j.tenant_id = $2 "          \
    "  AND j.state = 'offered' AND j.candidates && $7 AND NOT (j.excluded && $7) "              \
    "  AND workitem.row_unchanged(j.tableoid, j.ctid) "                                         \
    "  ORDER BY array_position(c.ids, j.id) LIMIT $8 FOR UPDATE OF j SKIP LOCKED) AS i ON true"

// Release 0.2.0 on: the candidates from the offer entries (workitem.offer), one index scan per
// principal of the actor on entries as narrow as an index row - whatever the item is offered
// to, never a walk past the items offered to others. An item offered to two of the actor's
// principals comes twice; the lock below takes it once.
#define WORKITEM_TAKEABLE_ENTRY                                                              \
    "o.tenant_id = $2 AND o.item_id <> ALL ($1) AND ($4::text IS NULL OR o.task_name = $4) " \
    "AND NOT (o.excluded && $7) AND (o.expires_at IS NULL OR o.expires_at > now()) "
#define WORKITEM_BEST_ENTRIES(QUEUE_FILTER) \
    "SELECT coalesce(array_agg(c.id ORDER BY " WORKITEM_BEST_FIRST("c") "), '{}') FROM ("     \
    "  SELECT h.item_id, h.priority, h.due_at FROM unnest($7::text[]) AS p(principal) "            \
    "  CROSS JOIN LATERAL (SELECT o.item_id, o.priority, o.due_at FROM workitem.offer o "          \
    "    WHERE o.principal = p.principal " QUEUE_FILTER " AND " WORKITEM_TAKEABLE_ENTRY            \
    "    ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT $6) AS h "             \
    "  ORDER BY 2 DESC, 3 ASC NULLS LAST, 1 LIMIT $6) AS c(id, priority, due_at)"
#define WORKITEM_CLAIM_FIRST_ENTRY(QUEUE_FILTER) \
    "SELECT " WORKITEM_ITEM_SELECT_LIST ", c.ids FROM (" WORKITEM_BEST_ENTRIES(QUEUE_FILTER)    \
    ") AS c(ids) LEFT JOIN LATERAL ("                                                           \
    "  SELECT j.* FROM workitem.item j WHERE j.id = ANY (c.ids) AND j.tenant_id = $2 "          \
    "  AND j.state = 'offered' AND j.candidates && $7 AND NOT (j.excluded && $7) "              \
    "  AND workitem.row_unchanged(j.tableoid, j.ctid) "                                         \
    "  ORDER BY array_position(c.ids, j.id) LIMIT $8 FOR UPDATE OF j SKIP LOCKED) AS i ON true"

// With fronts (transition/claim_fronts.hpp; in a queue only): the principals come with their
// fronts, $9 int4[] priorities, $10 timestamptz[] due dates, $11 int8[] item ids (NULL: no front)
// and $12 xid8[] marks, in step with $7. Each principal's entries, best first, are read in index
// ranges that follow one another in key order: those offered since the mark that come before the
// front, then - without a front, all of them - the front's priority and due date from its item
// id on, its priority with later due dates, its priority without a due date, lower priorities.
// FILTER keeps the entries wanted, LIMIT bounds each range.
#define WORKITEM_ENTRY_IN_QUEUE                                     \
    "SELECT o.item_id, o.priority, o.due_at FROM workitem.offer o " \
    "WHERE o.tenant_id = $2 AND o.queue = $5 AND o.principal = p.principal "
#define WORKITEM_ENTRY_ORDER " ORDER BY o.priority DESC, o.due_at ASC NULLS LAST, o.item_id LIMIT "
#define WORKITEM_BEFORE_FRONT                                                               \
    "(o.priority > p.fp OR o.priority = p.fp AND (o.due_at < p.fd OR o.due_at IS NOT NULL " \
    "AND p.fd IS NULL OR o.due_at IS NOT DISTINCT FROM p.fd AND o.item_id < p.fid)) "
#define WORKITEM_FRONT_RANGE(CONDITION, FILTER, LIMIT) \
    "(" WORKITEM_ENTRY_IN_QUEUE "AND " CONDITION FILTER WORKITEM_ENTRY_ORDER LIMIT ")"
// The entries offered since the mark, through offer_offered_since: sorted by expressions the
// best-first index does not provide, so that the planner never walks that index (every entry of
// the principal, dead ones included) to filter them.
#define WORKITEM_OFFERED_SINCE_MARK(FILTER, LIMIT)                                        \
    "(" WORKITEM_ENTRY_IN_QUEUE                                                           \
    "AND p.fid IS NOT NULL AND o.offered_xid >= p.mark AND " WORKITEM_BEFORE_FRONT FILTER \
    " ORDER BY -(o.priority::int8), o.due_at, o.item_id LIMIT " LIMIT ")"
#define WORKITEM_FROM_FRONT(FILTER, LIMIT) \
    "SELECT * FROM (" WORKITEM_OFFERED_SINCE_MARK(FILTER, LIMIT)                                 \
    " UNION ALL " WORKITEM_FRONT_RANGE("p.fid IS NULL ", FILTER, LIMIT)                          \
    " UNION ALL " WORKITEM_FRONT_RANGE(                                                          \
        "o.priority = p.fp AND o.due_at = p.fd AND o.item_id >= p.fid ", FILTER, LIMIT)          \
    " UNION ALL " WORKITEM_FRONT_RANGE("o.priority = p.fp AND o.due_at > p.fd ", FILTER, LIMIT)  \
    " UNION ALL " WORKITEM_FRONT_RANGE(                                                          \
        "o.priority = p.fp AND o.due_at IS NULL AND o.item_id >= "                              \
        "CASE WHEN p.fd IS NULL THEN p.fid ELSE '-9223372036854775808'::int8 END ",             \
        FILTER, LIMIT)                                                                           \
    " UNION ALL " WORKITEM_FRONT_RANGE("o.priority < p.fp ", FILTER, LIMIT) ") AS r LIMIT " LIMIT
#define WORKITEM_PRINCIPALS_WITH_FRONTS                                             \
    "unnest($7::text[], $9::int4[], $10::timestamptz[], $11::int8[], $12::xid8[]) " \
    "WITH ORDINALITY AS p(principal, fp, fd, fid, mark, n)"
#define WORKITEM_CLAIM_FROM_FRONTS \
    "SELECT " WORKITEM_ITEM_SELECT_LIST ", c.ids FROM ("                                          \
    "SELECT coalesce(array_agg(c.id ORDER BY " WORKITEM_BEST_FIRST("c") "), '{}') FROM ("         \
    "  SELECT h.item_id, h.priority, h.due_at FROM " WORKITEM_PRINCIPALS_WITH_FRONTS              \
    "  CROSS JOIN LATERAL (" WORKITEM_FROM_FRONT("AND " WORKITEM_TAKEABLE_ENTRY, "$6") ") AS h "   \
    "  ORDER BY 2 DESC, 3 ASC NULLS LAST, 1 LIMIT $6) AS c(id, priority, due_at)"                 \
    ") AS c(ids) LEFT JOIN LATERAL ("                                                             \
    "  SELECT j.* FROM workitem.item j WHERE j.id = ANY (c.ids) AND j.tenant_id = $2 "            \
    "  AND j.state = 'offered' AND j.candidates && $7 AND NOT (j.excluded && $7) "                \
    "  AND workitem.row_unchanged(j.tableoid, j.ctid) "                                           \
    "  ORDER BY array_position(c.ids, j.id) LIMIT $8 FOR UPDATE OF j SKIP LOCKED) AS i ON true"
// The fronts' new places, after the claim: per principal of $7 in its order, the first entry
// this statement's snapshot sees from its front on (whatever the caller may take: the next claim
// may be another actor's), NULL when none; and the snapshot's xmin, the new marks.
#define WORKITEM_MOVE_FRONTS                                                           \
    "SELECT f.priority, f.due_at, f.item_id, pg_snapshot_xmin(pg_current_snapshot()) " \
    "FROM " WORKITEM_PRINCIPALS_WITH_FRONTS                                            \
    " LEFT JOIN LATERAL (" WORKITEM_FROM_FRONT("", "1") ") AS f ON true ORDER BY p.n"

constexpr int claim_parameters = 8;
#define WORKITEM_CLAIM_TYPES \
    { INT8ARRAYOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, TEXTARRAYOID, INT4OID }

// Generic plans: the plan does not depend on the values, and custom plans would be made anew at
// every call (their estimated cost is always below the generic plan's).
spi::Statement claim_anywhere{WORKITEM_CLAIM_FIRST_ENTRY("AND $5::text IS NULL"), claim_parameters,
                              WORKITEM_CLAIM_TYPES, nullptr, true};
spi::Statement claim_in_queue{WORKITEM_CLAIM_FIRST_ENTRY("AND o.queue = $5"), claim_parameters,
                              WORKITEM_CLAIM_TYPES, nullptr, true};
// Release 0.1.0's schema, served until ALTER EXTENSION UPDATE: its per-principal indexes.
spi::Statement claim_anywhere_0_1{WORKITEM_CLAIM_FIRST_FREE("AND $5::text IS NULL"),
                                  claim_parameters, WORKITEM_CLAIM_TYPES, nullptr, true};
spi::Statement claim_in_queue_0_1{WORKITEM_CLAIM_FIRST_FREE("AND j.queue = $5"), claim_parameters,
                                  WORKITEM_CLAIM_TYPES, nullptr, true};

constexpr int fronts_parameters = 12;
#define WORKITEM_FRONTS_TYPES                                                             \
    {                                                                                     \
        INT8ARRAYOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, TEXTARRAYOID, INT4OID, \
            INT4ARRAYOID, TIMESTAMPTZARRAYOID, INT8ARRAYOID, XID8ARRAYOID                 \
    }
spi::Statement claim_from_fronts{WORKITEM_CLAIM_FROM_FRONTS, fronts_parameters,
                                 WORKITEM_FRONTS_TYPES, nullptr, true};
spi::Statement move_fronts{WORKITEM_MOVE_FRONTS, fronts_parameters, WORKITEM_FRONTS_TYPES, nullptr,
                           true};

}  // namespace

spi::Statement& claim_from_fronts_statement() {
    return claim_from_fronts;
}

spi::Statement& move_fronts_statement() {
    return move_fronts;
}

spi::Statement& claim_first_free_statement(bool in_queue) {
    if (has_offer_entries()) return in_queue ? claim_in_queue : claim_anywhere;
    return in_queue ? claim_in_queue_0_1 : claim_anywhere_0_1;
}

}  // namespace workitem::pg
