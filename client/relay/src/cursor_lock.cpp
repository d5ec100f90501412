#include "cursor_lock.hpp"

#include <libpq-fe.h>

namespace workitem::relay {

namespace {

constexpr auto check_every = std::chrono::milliseconds(1000);

// The lock's key: the 64 bits of hashtextextended(name) as the two 32-bit keys of
// pg_try_advisory_lock(int4, int4). PostgreSQL keeps locks taken by two int4 keys apart from
// those taken by one int8 key, and the extension takes int8 keys only (workitem.lock_key, which
// its callers may not run: docs/relay.md, Several relays), so the two never collide.
constexpr const char* try_lock_sql =
    "SELECT pg_catalog.pg_try_advisory_lock(pg_catalog.substring(k, 1, 32)::int4, "
    "pg_catalog.substring(k, 33, 32)::int4) "
    "FROM (SELECT pg_catalog.hashtextextended($1, 0)::bit(64) AS k) AS key";

// Runs a one-row, one-column query with one text parameter; nullopt-like "" on any failure.
std::string ask(PGconn* connection, const char* sql, const std::string& parameter) {
    const char* values[] = {parameter.c_str()};
    PGresult* result = PQexecParams(connection, sql, 1, nullptr, values, nullptr, nullptr, 0);
    std::string answer;
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1) {
        answer = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
    return answer;
}

}  // namespace

CursorLock::CursorLock(std::string dsn, std::string consumer)
    : dsn_(std::move(dsn)), key_("workitem-relay/" + std::move(consumer)) {}

CursorLock::~CursorLock() {
    if (connection_ != nullptr) PQfinish(static_cast<PGconn*>(connection_));
}

bool CursorLock::hold() {
    auto* connection = static_cast<PGconn*>(connection_);
    if (connection != nullptr && PQstatus(connection) != CONNECTION_OK) {
        PQfinish(connection);
        connection = nullptr;
        connection_ = nullptr;
        held_ = false;  // the session that held it is gone, and the lock with it
    }
    if (connection == nullptr) {
        const char* keywords[] = {"dbname", "application_name", "connect_timeout", nullptr};
        const char* values[] = {dsn_.c_str(), "workitem-relay (cursor lock)", "5", nullptr};
        connection = PQconnectdbParams(keywords, values, 1);
        if (PQstatus(connection) != CONNECTION_OK) {
            PQfinish(connection);
            return false;
        }
        connection_ = connection;
    }
    const auto now = std::chrono::steady_clock::now();
    if (held_) {
        if (now - checked_ < check_every) return true;
        // Still our session? A query that fails means the connection (and the lock) is gone.
        checked_ = now;
        if (ask(connection, "SELECT $1::text", key_) == key_) return true;
        PQfinish(connection);
        connection_ = nullptr;
        held_ = false;
        return false;
    }
    held_ = ask(connection, try_lock_sql, key_) == "t";
    checked_ = now;
    return held_;
}

}  // namespace workitem::relay
