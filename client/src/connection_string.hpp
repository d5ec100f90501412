// What the client may say about a connection string (ClientOptions::dsn) without quoting it.
// libpq's messages quote pieces of the string — `invalid percent-encoded token: "pa%zzss"` — and
// the string may hold a password, so no message, what() or log line of the client ever shows
// the string itself; only facts libpq parsed from it (host, port, database, user).
#pragma once

#include <string>

namespace workitem::detail {

struct ConnectionStringFacts {
    std::string password;  // kept out of every message; empty: the string has none
    std::string host;      // the following only as parsed; empty when not given
    std::string port;
    std::string dbname;
    std::string user;
};

// Parses the string as libpq will (a URI, key=value pairs, or else a database name). Throws
// Error(invalid_argument), with a fixed message that quotes none of it, when libpq cannot parse
// it, or when a URI has an unencoded '@' past its user name and password: libpq would then read
// part of a password that holds '@' or '/' as the host, port or database name, and quote it.
ConnectionStringFacts inspect_connection_string(const std::string& dsn);

// libpq's message about a failed connection, as the client may show it: unchanged unless it
// holds the password (a password that is also the host name, say); then a fixed text with
// the parsed facts that are not the password.
std::string without_password(const std::string& libpq_message, const ConnectionStringFacts& facts);

}  // namespace workitem::detail
