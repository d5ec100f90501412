// What the client's tests against a real server share: the server's DSN (from
// WORKITEM_TEST_DSN, set by the harness that started it), unique names so tests running in
// parallel never meet, and a raw superuser connection for setup and fault injection.
#pragma once

#include <workitem/workitem.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workitem::testing {

// The DSN of the test server, or empty when none was started.
std::string test_dsn();

// A name no other test (or run) uses: prefix-<pid>-<n>.
std::string unique(std::string_view prefix);

// Client options for tests: the test server, short backoffs, a named application.
ClientOptions test_options(std::string_view application_name = "workitem-test");

// A plain libpq connection as the superuser, outside the library under test.
class RawConnection {
  public:
    explicit RawConnection(const std::string& dsn);
    // Runs SQL with its values as parameters $1, $2, ... (sent apart from the text, as the
    // library does: no value is ever spliced into SQL); fails the test on an error. Returns the
    // first column of the first row, if any. Without parameters the text may hold several
    // statements.
    std::optional<std::string> exec(const std::string& sql,
                                    const std::vector<Parameter>& parameters = {});
    // Sends SQL with parameters without waiting for its answer (for statements that block).
    void send(const std::string& sql, const std::vector<Parameter>& parameters = {});
    // A name quoted as an SQL identifier (libpq's PQescapeIdentifier), for the names a
    // statement cannot take as parameters: tables, roles, functions.
    std::string identifier(std::string_view name);

  private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection_{nullptr, &PQfinish};
};

// Polls `condition` every 10 ms for up to `seconds`; whether it became true.
bool eventually(const std::function<bool()>& condition, double seconds = 10);

// The base of every test that needs the server: skips when there is none.
class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override;

    // An item offered to the given users (a fresh workflow each time).
    Item offered_to(const std::vector<std::string>& users, const std::string& task = "Review");
    // An item claimed by `owner`.
    Item claimed_by(const std::string& owner);

    std::unique_ptr<Client> client;
    std::unique_ptr<RawConnection> superuser;
};

// Whether `error` is an instance of its family's class (ConnectionLost for connection_lost...).
bool thrown_as_its_family(const Error& error);

// Expects `call` to throw workitem::Error of `kind`, as the class of the kind's family
// (ConnectionLost, Conflict, ...); returns it for further checks.
Error expect_error(ErrorKind kind, const std::function<void()>& call);

}  // namespace workitem::testing
