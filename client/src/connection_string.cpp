#include "connection_string.hpp"

#include <workitem/errors.hpp>

#include <libpq-fe.h>

#include <memory>
#include <string_view>
#include <vector>

namespace workitem::detail {
namespace {

constexpr std::string_view not_shown = "its text is not shown because it may contain a password";

std::size_t uri_prefix_length(std::string_view dsn) {
    for (std::string_view prefix : {"postgresql://", "postgres://"}) {
        if (dsn.starts_with(prefix)) return prefix.size();
    }
    return 0;
}

// libpq's own test (recognized_connection_string): anything else is a database name.
bool is_connection_string(std::string_view dsn) {
    return uri_prefix_length(dsn) > 0 || dsn.find('=') != std::string_view::npos;
}

// libpq ends the user name and password at the first '@' before the first '/', and reads the
// rest up to '?' as hosts, ports and the database name; an '@' there is never one the user
// meant (a host name has none, and a database name's would have to be written %40).
bool has_stray_at(std::string_view dsn) {
    std::string_view rest = dsn.substr(uri_prefix_length(dsn));
    const std::size_t credentials_end = rest.find_first_of("@/");
    if (credentials_end != std::string_view::npos && rest[credentials_end] == '@') {
        rest.remove_prefix(credentials_end + 1);
    }
    return rest.substr(0, rest.find('?')).find('@') != std::string_view::npos;
}

[[noreturn]] void malformed(std::string_view why) {
    throw_error(ErrorKind::invalid_argument, "the connection string (dsn) is malformed: " +
                                                 std::string(why) + "; " + std::string(not_shown));
}

void append_fact(std::string& facts, std::string_view name, const std::string& value,
                 const std::string& password) {
    if (value.empty() || (!password.empty() && value.find(password) != std::string::npos)) return;
    facts += facts.empty() ? " (" : ", ";
    facts += std::string(name) + " " + value;
}

}  // namespace

ConnectionStringFacts inspect_connection_string(const std::string& dsn) {
    ConnectionStringFacts facts;
    if (dsn.empty()) return facts;
    if (!is_connection_string(dsn)) {
        facts.dbname = dsn;
        return facts;
    }
    char* message = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(dsn.c_str(), &message), &PQconninfoFree);
    if (!options) {
        // libpq's message quotes the token it choked on, which may be the password.
        PQfreemem(message);
        malformed(
            "libpq cannot parse it (check the quoting of key=value pairs and the percent-encoding "
            "of a URI: write % as %25, @ as %40 and / as %2F in a user name or password)");
    }
    if (uri_prefix_length(dsn) > 0 && has_stray_at(dsn)) {
        malformed(
            "its URI has an '@' after the user name and password (a password's '@' must be "
            "written %40 and its '/' %2F, or libpq reads part of it as the host, port or "
            "database)");
    }
    for (const PQconninfoOption* option = options.get(); option->keyword; ++option) {
        if (!option->val) continue;
        const std::string_view keyword = option->keyword;
        if (keyword == "password") {
            facts.password = option->val;
        } else if (keyword == "host" || (keyword == "hostaddr" && facts.host.empty())) {
            facts.host = option->val;
        } else if (keyword == "port") {
            facts.port = option->val;
        } else if (keyword == "dbname") {
            facts.dbname = option->val;
        } else if (keyword == "user") {
            facts.user = option->val;
        }
    }
    return facts;
}

std::string without_password(const std::string& libpq_message, const ConnectionStringFacts& facts) {
    if (facts.password.empty() || libpq_message.find(facts.password) == std::string::npos) {
        return libpq_message;
    }
    std::string known;
    append_fact(known, "host", facts.host, facts.password);
    append_fact(known, "port", facts.port, facts.password);
    append_fact(known, "database", facts.dbname, facts.password);
    append_fact(known, "user", facts.user, facts.password);
    if (!known.empty()) known += ")";
    return "libpq's message is not shown because it quotes the connection string's password" +
           known;
}

}  // namespace workitem::detail
