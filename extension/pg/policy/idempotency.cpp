#include "runtime/boundary.hpp"
#include "policy/feature_flags.hpp"
#include "policy/hashing.hpp"
#include "policy/idempotency.hpp"
#include "policy/refusal_note.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/fmgroids.h"
}

namespace workitem::pg {

namespace {

// A key is looked up and stored in its caller's scope: tenant, calling role, actor.
// A stored refusal (store_refusal) comes back in columns of its own: NULL for any other outcome.
spi::Statement find_key{
    "SELECT request_hash, outcome, outcome #>> '{refused,sqlstate}', "
    "outcome #>> '{refused,message}', outcome #>> '{refused,detail}', "
    "outcome #>> '{refused,hint}' FROM workitem.idempotency_key "
    "WHERE tenant_id = $1 AND role_name = $2 AND actor = $3 AND key = $4 AND expires_at > now()",
    4,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID},
    nullptr};
spi::Statement save_key{
    "INSERT INTO workitem.idempotency_key AS k "
    "(tenant_id, role_name, actor, key, operation, request_hash, item_id, outcome, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'null'::jsonb), "
    "now() + make_interval(secs => $9)) "
    "ON CONFLICT (tenant_id, role_name, actor, key) DO UPDATE SET "
    "operation = excluded.operation, request_hash = excluded.request_hash, "
    "item_id = excluded.item_id, outcome = excluded.outcome, created_at = now(), "
    "expires_at = excluded.expires_at",
    9,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, BYTEAOID, INT8OID, JSONBOID, FLOAT8OID},
    nullptr};
// A refusal, stored only while the key is free: no row, or an expired one (a retry already
// stored an outcome, or a call is under way: that one wins).
spi::Statement save_refusal{
    "INSERT INTO workitem.idempotency_key AS k "
    "(tenant_id, role_name, actor, key, operation, request_hash, item_id, outcome, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, NULL, jsonb_build_object('refused', jsonb_strip_nulls("
    "jsonb_build_object('sqlstate', $7, 'message', $8, 'detail', $9, 'hint', $10))), "
    "now() + make_interval(secs => $11)) "
    "ON CONFLICT (tenant_id, role_name, actor, key) DO UPDATE SET "
    "operation = excluded.operation, request_hash = excluded.request_hash, item_id = NULL, "
    "outcome = excluded.outcome, created_at = now(), expires_at = excluded.expires_at "
    "WHERE k.expires_at <= now()",
    11,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, BYTEAOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
     FLOAT8OID},
    nullptr};
// Release 0.1.0's table (no role_name, actor: keys per tenant), for a database not yet updated:
// the library serves the SQL of every release until ALTER EXTENSION UPDATE.
spi::Statement find_key_0_1_0{
    "SELECT request_hash, outcome FROM workitem.idempotency_key "
    "WHERE tenant_id = $1 AND key = $2 AND expires_at > now()",
    2,
    {TEXTOID, TEXTOID},
    nullptr};
spi::Statement save_key_0_1_0{
    "INSERT INTO workitem.idempotency_key AS k "
    "(tenant_id, key, operation, request_hash, item_id, outcome, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, coalesce($6, 'null'::jsonb), now() + make_interval(secs => $7)) "
    "ON CONFLICT (tenant_id, key) DO UPDATE SET operation = excluded.operation, "
    "request_hash = excluded.request_hash, item_id = excluded.item_id, outcome = excluded.outcome, "
    "created_at = now(), expires_at = excluded.expires_at",
    7,
    {TEXTOID, TEXTOID, TEXTOID, BYTEAOID, INT8OID, JSONBOID, FLOAT8OID},
    nullptr};

// Whether the key table has the caller's scope (0.2.0 on): catalog cache lookups, no statement.
bool keys_have_scope() {
    const Oid schema = get_namespace_oid("workitem", true);
    const Oid table =
        OidIsValid(schema) ? get_relname_relid("idempotency_key", schema) : InvalidOid;
    return OidIsValid(table) && get_attnum(table, "role_name") != InvalidAttrNumber;
}

spi::Statement to_jsonb_statement{
    "SELECT to_jsonb($1::text::workitem.item)", 1, {TEXTOID}, nullptr};
spi::Statement from_jsonb_statement{
    "SELECT i FROM jsonb_populate_record(NULL::workitem.item, $1) AS i", 1, {JSONBOID}, nullptr};

// Serialises the calls made with one key of one caller (and the storing of their refusals):
// length-prefixed fields, so no two scopes share a lock name.
void lock_key(const KeyScope& scope) {
    lock_name_for_transaction(psprintf("key/%zu:%s/%zu:%s/%zu:%s/%s", strlen(scope.tenant),
                                       scope.tenant, strlen(scope.role), scope.role,
                                       strlen(scope.actor), scope.actor, scope.key));
}

// Raises the refusal stored for the key (columns 3 to 6 of find_key), as it was first raised.
[[noreturn]] void raise_stored_refusal(HeapTuple row) {
    const char* sqlstate = SPI_getvalue(row, SPI_tuptable->tupdesc, 3);
    Failure refusal;
    refusal.sqlerrcode =
        MAKE_SQLSTATE(sqlstate[0], sqlstate[1], sqlstate[2], sqlstate[3], sqlstate[4]);
    refusal.message = SPI_getvalue(row, SPI_tuptable->tupdesc, 4);
    refusal.detail = SPI_getvalue(row, SPI_tuptable->tupdesc, 5);
    refusal.hint = SPI_getvalue(row, SPI_tuptable->tupdesc, 6);
    raise(refusal);
}

}  // namespace

const char* calling_role() {
    return GetUserNameFromId(GetOuterUserId(), false);
}

bytea* request_fingerprint(FunctionCallInfo fcinfo, int key_argument) {
    Sha256 hash;
    hash.add_text(get_func_name(fcinfo->flinfo->fn_oid));
    for (int i = 0; i < PG_NARGS(); ++i) {
        if (i == key_argument) continue;
        if (PG_ARGISNULL(i)) {
            hash.add_text(nullptr);
            continue;
        }
        Oid output = InvalidOid;
        bool is_varlena = false;
        getTypeOutputInfo(get_fn_expr_argtype(fcinfo->flinfo, i), &output, &is_varlena);
        hash.add_text(OidOutputFunctionCall(output, PG_GETARG_DATUM(i)));
    }
    return hash.finish();
}

IdempotencyClaim claim_key(const char* tenant, const char* actor, const char* key,
                           const char* operation, FunctionCallInfo fcinfo, int key_argument) {
    // A refusal noted earlier in this session is no longer the last keyed call's.
    forget_noted_refusal();
    if (key[0] == '\0' || strlen(key) > 1000) {
        raise(core::ErrorCode::invalid_input, "idempotency_key must be 1 to 1000 bytes");
    }
    require_flag(tenant, "idempotency");
    IdempotencyClaim claim{};
    claim.request_hash = request_fingerprint(fcinfo, key_argument);

    const bool scoped = keys_have_scope();
    if (scoped) {
        const KeyScope scope{tenant, calling_role(), actor, key};
        lock_key(scope);
        Datum find_args[4] = {CStringGetTextDatum(tenant), CStringGetTextDatum(scope.role),
                              CStringGetTextDatum(actor), CStringGetTextDatum(key)};
        if (spi::execute(find_key, find_args, nullptr, 1) == 0) {
            // A new call: from here until its outcome is stored, a refusal of it is noted.
            watch_keyed_call(scope, operation, claim.request_hash);
            return claim;
        }
    } else {
        lock_name_for_transaction(psprintf("key/%s/%s", tenant, key));
        Datum find_args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(key)};
        if (spi::execute(find_key_0_1_0, find_args, nullptr, 1) == 0) return claim;
    }

    bool is_null = false;
    HeapTuple row = SPI_tuptable->vals[0];
    if (!same_digest(DatumGetByteaPP(spi::column(row, 1, &is_null)), claim.request_hash)) {
        raise(core::ErrorCode::idempotency_key_reused,
              psprintf("idempotency key \"%s\" was used with a different request", key),
              "A key names one request: same function, same arguments.",
              "Use a new key for a new request.");
    }
    if (scoped) {
        SPI_getbinval(row, SPI_tuptable->tupdesc, 3, &is_null);
        if (!is_null) raise_stored_refusal(row);  // the first call was refused: so is its retry
    }
    claim.replay = true;
    claim.outcome = spi::first_column_of(row, 2, &claim.outcome_null);
    if (!claim.outcome_null) {
        // A stored JSON null stands for "nothing": a claim_next that found no item.
        JsonbValue scalar;
        Jsonb* outcome = DatumGetJsonbP(claim.outcome);
        if (JsonbExtractScalar(&outcome->root, &scalar) && scalar.type == jbvNull) {
            claim.outcome_null = true;
        }
    }
    return claim;
}

void remember_outcome(const char* tenant, const char* actor, const char* key, const char* operation,
                      const IdempotencyClaim& claim, int64 item_id, Datum outcome,
                      bool outcome_null) {
    end_keyed_call();  // the call is done: no refusal of it will come
    const Datum request_hash = PointerGetDatum(claim.request_hash);
    const Datum retention = Float8GetDatum(idempotency_retention_seconds());
    if (!keys_have_scope()) {  // release 0.1.0's table: the same values without the scope
        spi::Arguments<7> args;
        args.add_text(tenant).add_text(key).add_text(operation).add(request_hash);
        args.add_if(item_id != 0, Int64GetDatum(item_id)).add_if(!outcome_null, outcome);
        spi::execute(save_key_0_1_0, args.add(retention));
        return;
    }
    spi::Arguments<9> args;
    args.add_text(tenant).add_text(calling_role()).add_text(actor).add_text(key);
    args.add_text(operation).add(request_hash);
    args.add_if(item_id != 0, Int64GetDatum(item_id)).add_if(!outcome_null, outcome);
    spi::execute(save_key, args.add(retention));
}

bool store_refusal(const KeyScope& scope, const char* operation, bytea* request_hash,
                   const Failure& refusal) {
    lock_key(scope);
    spi::Arguments<11> args;
    args.add_text(scope.tenant).add_text(scope.role).add_text(scope.actor).add_text(scope.key);
    args.add_text(operation).add(PointerGetDatum(request_hash));
    args.add_text(unpack_sql_state(refusal.sqlerrcode)).add_text(refusal.message);
    args.add_text(refusal.detail).add_text(refusal.hint);
    return spi::execute(save_refusal, args.add(Float8GetDatum(idempotency_retention_seconds()))) ==
           1;
}

Datum item_to_jsonb(Datum item) {
    Datum args[1] = {CStringGetTextDatum(OidOutputFunctionCall(F_RECORD_OUT, item))};
    spi::execute(to_jsonb_statement, args, nullptr, 1);
    bool is_null = false;
    return spi::first_column(0, &is_null);
}

Datum item_from_jsonb(Datum outcome) {
    Datum args[1] = {outcome};
    spi::execute(from_jsonb_statement, args, nullptr, 1);
    bool is_null = false;
    return spi::first_column(0, &is_null);
}

}  // namespace workitem::pg
