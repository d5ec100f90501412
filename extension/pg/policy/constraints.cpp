#include "policy/constraints.hpp"

#include "policy/hashing.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

namespace {

spi::Statement lock_capacity{
    "SELECT d.capacity FROM workitem.directory_user d "
    "WHERE d.tenant_id = $1 AND d.user_id = $2 AND d.capacity IS NOT NULL FOR UPDATE OF d",
    2,
    {TEXTOID, TEXTOID},
    nullptr};
spi::Statement count_held{
    "SELECT count(*)::int4 FROM workitem.item h WHERE h.tenant_id = $1 AND h.owner = $2 "
    "AND h.state IN ('allocated', 'started', 'suspended')",
    2,
    {TEXTOID, TEXTOID},
    nullptr};
spi::Statement worked_on_named_step{
    "SELECT EXISTS (SELECT FROM workitem.item c WHERE c.tenant_id = $1 AND c.workflow_id = $2 "
    "AND c.task_name = ANY ($3) AND c.owner = $4 "
    "AND c.state IN ('allocated', 'started', 'suspended', 'completed'))",
    4,
    {TEXTOID, TEXTOID, TEXTARRAYOID, TEXTOID},
    nullptr};
bool first_bool() {
    bool is_null = false;
    return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
}

// Who would hold the item after this call: the constraint checks are about that user.
const char* taker_of(const TransitionCall& call, const ItemRow& row) {
    switch (call.operation) {
        case core::Operation::claim:
        case core::Operation::claim_next:
        case core::Operation::complete:
            return call.actor;
        case core::Operation::start:
            return strcmp(row.state, "offered") == 0 ? call.actor : nullptr;
        case core::Operation::allocate:
        case core::Operation::delegate:
            return call.to_user;
        default:
            return nullptr;
    }
}

// The capacity is looked at only for users who have one (the actor's comes with the row), and
// not for a complete, which frees a slot.
bool checks_capacity(const TransitionCall& call, const ItemRow& row, const char* taker) {
    const bool taker_is_actor = strcmp(taker, call.actor) == 0;
    return call.operation != core::Operation::complete &&
           (!taker_is_actor || row.actor_has_capacity);
}

// This item names steps its taker must not have completed.
bool checks_four_eyes(const ItemRow& row) {
    return row.four_eyes_with.count > 0;
}

Datum text_array(const TextList& list) {
    auto* items = static_cast<Datum*>(palloc(sizeof(Datum) * (list.count + 1)));
    for (int i = 0; i < list.count; ++i) items[i] = CStringGetTextDatum(list.items[i]);
    return PointerGetDatum(construct_array(items, list.count, TEXTOID, -1, false, TYPALIGN_INT));
}

void lock_workflow(const char* tenant, const ItemRow& row) {
    // Length-prefixed, so that no tenant and workflow pair spells another's ("a/b" + "c").
    lock_name_for_transaction(
        psprintf("workflow/%zu:%s/%s", strlen(tenant), tenant, row.workflow_id));
}

}  // namespace

core::ConstraintFacts gather_constraint_facts(const char* tenant, const TransitionCall& call,
                                              const ItemRow& row) {
    core::ConstraintFacts facts;
    const char* taker = taker_of(call, row);
    if (taker == nullptr) return facts;

    if (checks_capacity(call, row, taker)) {
        Datum args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(taker)};
        if (spi::execute(lock_capacity, args, nullptr, 1) == 1) {
            bool is_null = false;
            facts.capacity = DatumGetInt32(
                SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
            spi::execute(count_held, args, nullptr, 1);
            facts.held_items = DatumGetInt32(
                SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
        }
    }

    if (checks_four_eyes(row)) {
        lock_workflow(tenant, row);
        Datum args[4] = {CStringGetTextDatum(tenant), CStringGetTextDatum(row.workflow_id),
                         text_array(row.four_eyes_with), CStringGetTextDatum(taker)};
        spi::execute(worked_on_named_step, args, nullptr, 1);
        if (first_bool()) facts.four_eyes_conflict = true;
    }
    return facts;
}

bool constraint_checks_lock(const TransitionCall& call, const ItemRow& row) {
    const char* taker = taker_of(call, row);
    return taker != nullptr && (checks_capacity(call, row, taker) || checks_four_eyes(row));
}

bool reserve_capacity(const char* tenant, const char* user) {
    Datum args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(user)};
    if (spi::execute(lock_capacity, args, nullptr, 1) == 0) return true;  // no capacity set
    bool is_null = false;
    const int32 capacity =
        DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
    spi::execute(count_held, args, nullptr, 1);
    const int32 held =
        DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null));
    return held < capacity;
}

}  // namespace workitem::pg
