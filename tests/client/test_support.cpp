#include "test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace workitem::testing {

std::string test_dsn() {
    const char* dsn = std::getenv("WORKITEM_TEST_DSN");
    return dsn ? dsn : "";
}

std::string unique(std::string_view prefix) {
    static std::atomic<int> counter{0};
    return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

ClientOptions test_options(std::string_view application_name) {
    ClientOptions options;
    options.dsn = test_dsn();
    options.pool_size = 4;
    options.application_name = std::string(application_name);
    options.retry = {.max_attempts = 4,
                     .initial_backoff = std::chrono::milliseconds(5),
                     .max_backoff = std::chrono::milliseconds(50)};
    return options;
}

RawConnection::RawConnection(const std::string& dsn)
    : connection_(PQconnectdb(dsn.c_str()), &PQfinish) {
    if (PQstatus(connection_.get()) != CONNECTION_OK) {
        ADD_FAILURE() << "cannot connect: " << PQerrorMessage(connection_.get());
    }
}

namespace {
std::vector<const char*> values_of(const std::vector<Parameter>& parameters) {
    std::vector<const char*> values;
    for (const auto& parameter : parameters)
        values.push_back(parameter ? parameter->c_str() : nullptr);
    return values;
}
}  // namespace

std::optional<std::string> RawConnection::exec(const std::string& sql,
                                               const std::vector<Parameter>& parameters) {
    const auto values = values_of(parameters);
    std::unique_ptr<PGresult, decltype(&PQclear)> result(
        parameters.empty()
            ? PQexec(connection_.get(), sql.c_str())
            : PQexecParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0),
        &PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result.get());
        return std::nullopt;
    }
    if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0 &&
        !PQgetisnull(result.get(), 0, 0)) {
        return std::string(PQgetvalue(result.get(), 0, 0));
    }
    return std::nullopt;
}

void RawConnection::send(const std::string& sql, const std::vector<Parameter>& parameters) {
    const auto values = values_of(parameters);
    if (!PQsendQueryParams(connection_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0))
        ADD_FAILURE() << PQerrorMessage(connection_.get());
}

std::string RawConnection::identifier(std::string_view name) {
    std::unique_ptr<char, decltype(&PQfreemem)> quoted(
        PQescapeIdentifier(connection_.get(), name.data(), name.size()), &PQfreemem);
    if (!quoted) {
        ADD_FAILURE() << "cannot quote " << name << ": " << PQerrorMessage(connection_.get());
        return {};
    }
    return quoted.get();
}

bool eventually(const std::function<bool()>& condition, double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

void ServerTest::SetUp() {
    if (test_dsn().empty())
        GTEST_SKIP() << "WORKITEM_TEST_DSN is not set (scripts/test-client sets it)";
    client = std::make_unique<Client>(test_options());
    superuser = std::make_unique<RawConnection>(test_dsn());
}

Item ServerTest::offered_to(const std::vector<std::string>& users, const std::string& task) {
    return client->create(
        {.workflow_id = unique("wf"), .task_name = task, .assignment = {.users = users}});
}

Item ServerTest::claimed_by(const std::string& owner) {
    const Item item = offered_to({owner});
    return client->claim(item.id, {.actor = owner});
}

// Whether the error is an instance of its family's class (never a bare Error, nor an internal
// type of the library).
bool thrown_as_its_family(const Error& error) {
    switch (error.family()) {
        case ErrorFamily::transient:
            return dynamic_cast<const TransientError*>(&error) != nullptr &&
                   dynamic_cast<const ConnectionLost*>(&error) == nullptr;
        case ErrorFamily::connection_lost:
            return dynamic_cast<const ConnectionLost*>(&error) != nullptr;
        case ErrorFamily::in_doubt:
            return dynamic_cast<const InDoubt*>(&error) != nullptr;
        case ErrorFamily::conflict:
            return dynamic_cast<const Conflict*>(&error) != nullptr;
        case ErrorFamily::not_found:
            return dynamic_cast<const NotFound*>(&error) != nullptr;
        case ErrorFamily::refused:
            return dynamic_cast<const Refused*>(&error) != nullptr;
        case ErrorFamily::invalid_request:
            return dynamic_cast<const InvalidRequest*>(&error) != nullptr;
        case ErrorFamily::unavailable:
            return dynamic_cast<const Unavailable*>(&error) != nullptr;
        case ErrorFamily::database_error:
            return dynamic_cast<const DatabaseError*>(&error) != nullptr;
    }
    return false;
}

Error expect_error(ErrorKind kind, const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& error) {
        EXPECT_EQ(to_string(error.kind()), to_string(kind)) << error.what();
        EXPECT_TRUE(thrown_as_its_family(error))
            << error.what() << " was not thrown as a " << to_string(error.family());
        return error;
    }
    ADD_FAILURE() << "expected an error of kind " << to_string(kind) << ", the call succeeded";
    return Error(ErrorKind::unexpected_result, "no error");
}

}  // namespace workitem::testing
