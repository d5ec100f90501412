#include "policy/hashing.hpp"

#include "runtime/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "common/sha2.h"
}

namespace workitem::pg {

namespace {
// The key: workitem.lock_key(name), SHA-256 of the database's own secret (workitem.lock_secret,
// readable by the extension's owner only) and the name, so no other role can compute the key of
// a name and hold it to block our calls. Read in the locking statement itself (lock_key is
// inlined): no statement more per lock, and a backend never keeps a stale copy.
spi::Statement lock_statement{
    "SELECT pg_catalog.pg_advisory_xact_lock(workitem.lock_key($1))", 1, {TEXTOID}, nullptr};
// Release 0.1.0's key, for a database not yet updated (no workitem.lock_secret): the library
// serves the SQL of every release until ALTER EXTENSION UPDATE.
spi::Statement lock_statement_0_1_0{
    "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))",
    1,
    {TEXTOID},
    nullptr};

bool has_lock_secret() {
    const Oid schema = get_namespace_oid("workitem", true);
    return OidIsValid(schema) && OidIsValid(get_relname_relid("lock_secret", schema));
}

void check(int status) {
    if (status < 0) elog(ERROR, "workitem: could not hash the request");
}
}  // namespace

Sha256::Sha256() : context_(pg_cryptohash_create(PG_SHA256)) {
    if (context_ == nullptr) elog(ERROR, "workitem: no SHA-256");
    check(pg_cryptohash_init(context_));
}

void Sha256::add(const void* bytes, size_t length) {
    const uint32 size = static_cast<uint32>(length);
    check(pg_cryptohash_update(context_, reinterpret_cast<const uint8*>(&size), sizeof size));
    check(pg_cryptohash_update(context_, static_cast<const uint8*>(bytes), length));
}

void Sha256::add_text(const char* text) {
    static const char absent = '\x01';
    if (text == nullptr) {
        check(pg_cryptohash_update(context_, reinterpret_cast<const uint8*>(&absent), 1));
        return;
    }
    add(text, strlen(text));
}

bytea* Sha256::finish() {
    auto* digest = static_cast<bytea*>(palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH));
    SET_VARSIZE(digest, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
    check(pg_cryptohash_final(context_, reinterpret_cast<uint8*>(VARDATA(digest)),
                              PG_SHA256_DIGEST_LENGTH));
    pg_cryptohash_free(context_);
    context_ = nullptr;
    return digest;
}

bool same_digest(bytea* left, bytea* right) {
    return VARSIZE_ANY_EXHDR(left) == VARSIZE_ANY_EXHDR(right) &&
           memcmp(VARDATA_ANY(left), VARDATA_ANY(right), VARSIZE_ANY_EXHDR(left)) == 0;
}

void lock_name_for_transaction(const char* name) {
    Datum args[1] = {CStringGetTextDatum(name)};
    if (!has_lock_secret()) {  // two catalog cache lookups: no statement
        spi::execute(lock_statement_0_1_0, args, nullptr, 1);
        return;
    }
    if (spi::execute(lock_statement, args, nullptr, 1) != 1) {
        elog(ERROR, "workitem: the lock secret is missing (workitem.lock_secret has no row)");
    }
}

}  // namespace workitem::pg
