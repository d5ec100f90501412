// A connection string's password never reaches an error message, what() or a log line, whatever
// is wrong with the string or the server (docs/sdk.md, "Connect"). None of these tests needs a
// server: a closed port and strings libpq cannot parse fail before anything is sent.
#include <workitem/workitem.hpp>

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace workitem {
namespace {

// Whether the text holds the password or any 6-character piece of it: libpq reads a password
// with an unencoded '@' or '/' partly as host, port or database name, and quotes those.
bool reveals(const std::string& text, const std::string& password) {
    for (std::size_t start = 0; start + 6 <= password.size(); ++start) {
        if (text.find(password.substr(start, 6)) != std::string::npos) return true;
    }
    return false;
}

struct Attempt {
    bool failed{false};
    ErrorKind kind{};
    std::string what;
    std::vector<std::string> log;
};

// Opens a client on the DSN and makes one call that needs a connection (retried once, so the
// retry is logged too).
Attempt attempt(const std::string& dsn) {
    Attempt result;
    std::mutex mutex;
    ClientOptions options;
    options.dsn = dsn;
    options.pool_size = 1;
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.retry = {.max_attempts = 2,
                     .initial_backoff = std::chrono::milliseconds(1),
                     .max_backoff = std::chrono::milliseconds(1)};
    options.logger = [&](LogLevel, std::string_view message) {
        std::lock_guard lock(mutex);
        result.log.emplace_back(message);
    };
    try {
        Client client(options);
        client.get(1);
    } catch (const Error& error) {
        result.failed = true;
        result.kind = error.kind();
        result.what = std::string(error.what()) + "\n" + error.message() + "\n" + error.detail() +
                      "\n" + error.hint();
    }
    return result;
}

void expect_kept_secret(const Attempt& result, const std::string& password) {
    ASSERT_TRUE(result.failed);
    EXPECT_FALSE(reveals(result.what, password)) << result.what;
    for (const auto& line : result.log) EXPECT_FALSE(reveals(line, password)) << line;
}

TEST(ConnectionStringSecrets, AMalformedUriIsRefusedWithoutQuotingIt) {
    // libpq: invalid percent-encoded token: "pa%zzss"
    const Attempt result = attempt("postgresql://u:pa%zzss@127.0.0.1:1/db");
    expect_kept_secret(result, "pa%zzss");
    EXPECT_EQ(result.kind, ErrorKind::invalid_argument) << result.what;
    EXPECT_NE(result.what.find("malformed"), std::string::npos) << result.what;
    EXPECT_NE(result.what.find("percent-encod"), std::string::npos) << result.what;
}

TEST(ConnectionStringSecrets, AMalformedKeywordValueStringIsRefusedWithoutQuotingIt) {
    // libpq: missing "=" after "hunter2secret" in connection info string
    expect_kept_secret(attempt("host=127.0.0.1 port=1 password=swordfish hunter2secret"),
                       "hunter2secret");
    // libpq: unterminated quoted string in connection info string
    expect_kept_secret(attempt("host=127.0.0.1 port=1 password='opensesame"), "opensesame");
    // libpq: invalid URI query parameter: "..."
    expect_kept_secret(attempt("postgresql://u@127.0.0.1:1/db?password=x&zz-topsecret"),
                       "zz-topsecret");
}

TEST(ConnectionStringSecrets, APasswordWithAnUnencodedAtIsNotReadAsAHostName) {
    // libpq would try host "zqxwvu@127.0.0.1" and quote it.
    const Attempt result = attempt("postgresql://u:pa@zqxwvu@127.0.0.1:1/db");
    expect_kept_secret(result, "pa@zqxwvu");
    EXPECT_EQ(result.kind, ErrorKind::invalid_argument) << result.what;
    EXPECT_NE(result.what.find("%40"), std::string::npos) << result.what;
}

TEST(ConnectionStringSecrets, APasswordWithAnUnencodedSlashIsNotReadAsAPort) {
    // libpq would read host "u", port "leakypipe" and database "zqxwvu@127.0.0.1:1/db".
    const Attempt result = attempt("postgresql://u:leakypipe/zqxwvu@127.0.0.1:1/db");
    expect_kept_secret(result, "leakypipe/zqxwvu");
    EXPECT_EQ(result.kind, ErrorKind::invalid_argument) << result.what;
}

TEST(ConnectionStringSecrets, AFailedConnectionDoesNotQuoteThePassword) {
    const Attempt uri = attempt("postgresql://u:correcthorse@127.0.0.1:1/db");
    expect_kept_secret(uri, "correcthorse");
    EXPECT_EQ(uri.kind, ErrorKind::connection_lost) << uri.what;
    EXPECT_NE(uri.what.find("127.0.0.1"), std::string::npos) << uri.what;  // still useful
    expect_kept_secret(attempt("host=127.0.0.1 port=1 user=u password='batterystaple'"),
                       "batterystaple");
}

TEST(ConnectionStringSecrets, LibpqMessagesThatQuoteThePasswordAreReplaced) {
    // A password that is also the host name: libpq's message quotes it, so it is not shown.
    const Attempt result = attempt("host=nosuchhost.invalid port=1 password=nosuchhost.invalid");
    expect_kept_secret(result, "nosuchhost.invalid");
    EXPECT_EQ(result.kind, ErrorKind::connection_lost) << result.what;
    EXPECT_NE(result.what.find("port 1"), std::string::npos) << result.what;
}

TEST(ConnectionStringSecrets, ValidStringsStillConnectAsLibpqReadsThem) {
    // '@' after '?' is a query parameter's, and a plain name is a database name: no refusal.
    const Attempt query = attempt("postgresql://127.0.0.1:1/db?user=me@example.com");
    EXPECT_EQ(query.kind, ErrorKind::connection_lost) << query.what;
    const Attempt encoded = attempt("postgresql://u:pa%40ss%2Fword@127.0.0.1:1/db");
    EXPECT_EQ(encoded.kind, ErrorKind::connection_lost) << encoded.what;
    expect_kept_secret(encoded, "pa@ss/word");
}

}  // namespace
}  // namespace workitem
