#include "boundary.hpp"
#include "feature_flags.hpp"
#include "hashing.hpp"
#include "idempotency.hpp"
#include "settings.hpp"
#include "spi.hpp"

extern "C" {
#include "utils/fmgroids.h"
}

namespace workitem::pg {

namespace {

spi::Statement find_key{
    "SELECT request_hash, outcome FROM workitem.idempotency_key "
    "WHERE tenant_id = $1 AND key = $2 AND expires_at > now()",
    2,
    {TEXTOID, TEXTOID},
    nullptr};
spi::Statement save_key{
    "INSERT INTO workitem.idempotency_key AS k "
    "(tenant_id, key, operation, request_hash, item_id, outcome, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, coalesce($6, 'null'::jsonb), now() + make_interval(secs => $7)) "
    "ON CONFLICT (tenant_id, key) DO UPDATE SET operation = excluded.operation, "
    "request_hash = excluded.request_hash, item_id = excluded.item_id, outcome = excluded.outcome, "
    "created_at = now(), expires_at = excluded.expires_at",
    7,
    {TEXTOID, TEXTOID, TEXTOID, BYTEAOID, INT8OID, JSONBOID, FLOAT8OID},
    nullptr};
spi::Statement to_jsonb_statement{
    "SELECT to_jsonb($1::text::workitem.item)", 1, {TEXTOID}, nullptr};
spi::Statement from_jsonb_statement{
    "SELECT i FROM jsonb_populate_record(NULL::workitem.item, $1) AS i", 1, {JSONBOID}, nullptr};

}  // namespace

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

IdempotencyClaim claim_key(const char* tenant, const char* key, FunctionCallInfo fcinfo,
                           int key_argument) {
    if (key[0] == '\0' || strlen(key) > 1000) {
        raise(core::ErrorCode::invalid_input, "idempotency_key must be 1 to 1000 bytes");
    }
    require_flag(tenant, "idempotency");
    IdempotencyClaim claim{};
    claim.request_hash = request_fingerprint(fcinfo, key_argument);

    lock_name_for_transaction(psprintf("key/%s/%s", tenant, key));

    Datum find_args[2] = {CStringGetTextDatum(tenant), CStringGetTextDatum(key)};
    if (spi::execute(find_key, find_args, nullptr, 1) == 0) return claim;

    bool is_null = false;
    HeapTuple row = SPI_tuptable->vals[0];
    if (!same_digest(DatumGetByteaPP(spi::column(row, 1, &is_null)), claim.request_hash)) {
        raise(core::ErrorCode::idempotency_mismatch,
              psprintf("idempotency key \"%s\" was used with a different request", key),
              "A key names one request: same function, same arguments.",
              "Use a new key for a new request.");
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

void remember_outcome(const char* tenant, const char* key, const char* operation,
                      const IdempotencyClaim& claim, int64 item_id, Datum outcome,
                      bool outcome_null) {
    Datum args[7] = {CStringGetTextDatum(tenant),
                     CStringGetTextDatum(key),
                     CStringGetTextDatum(operation),
                     PointerGetDatum(claim.request_hash),
                     Int64GetDatum(item_id),
                     outcome,
                     Float8GetDatum(idempotency_retention_seconds())};
    const char nulls[8] = {' ', ' ', ' ', ' ', item_id == 0 ? 'n' : ' ', outcome_null ? 'n' : ' ',
                           ' ', '\0'};
    spi::execute(save_key, args, nulls, 0);
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
