#include "hashing.hpp"

#include "spi.hpp"

extern "C" {
#include "common/hashfn.h"
#include "common/sha2.h"
}

namespace workitem::pg {

namespace {
spi::Statement lock_statement{"SELECT pg_catalog.pg_advisory_xact_lock($1)", 1, {INT8OID}, nullptr};

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
    Datum args[1] = {Int64GetDatum(static_cast<int64>(hash_bytes_extended(
        reinterpret_cast<const unsigned char*>(name), static_cast<int>(strlen(name)), 0)))};
    spi::execute(lock_statement, args, nullptr, 1);
}

}  // namespace workitem::pg
