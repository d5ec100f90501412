// What a newcomer to the SDK meets (issue 18): WORKITEM_DSN, savepoints, Client::exec, typed
// rows, every integer type as a parameter, server warnings in the log, on_behalf.
#include "test_support.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sys/wait.h>

namespace workitem::testing {
namespace {

// Sets an environment variable for one scope and puts the old value back.
class ScopedEnvironment {
  public:
    ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnvironment() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  private:
    const char* name_;
    std::optional<std::string> old_;
};

class Usability : public ServerTest {
  protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (IsSkipped()) return;
        table = superuser->identifier(unique("app_table"));
        superuser->exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text)");
        superuser->exec("GRANT ALL ON " + table + " TO PUBLIC");
    }
    std::string rows_in_table() {
        return superuser->exec("SELECT count(*) FROM " + table).value_or("?");
    }
    // A client that logs in as a new role, member of `workitem_role`.
    std::unique_ptr<Client> login_as(const std::string& workitem_role, ClientOptions options,
                                     const std::string& role_name = "") {
        const auto role = role_name.empty() ? unique(workitem_role) : role_name;
        superuser->exec("CREATE ROLE " + superuser->identifier(role) + " LOGIN IN ROLE " +
                        superuser->identifier(workitem_role));
        options.dsn = test_dsn() + "?user=" + role;
        return std::make_unique<Client>(options);
    }
    std::string table;
};

TEST_F(Usability, AnEmptyDsnIsWorkitemDsn) {
    // The connection string wins over the client's own application_name: it shows which was used.
    const std::string dsn = test_dsn() + "?application_name=from-workitem-dsn";
    const ScopedEnvironment environment("WORKITEM_DSN", dsn);
    ClientOptions options;
    options.pool_size = 1;
    Client from_environment(options);
    EXPECT_EQ(from_environment.options().dsn, dsn);
    EXPECT_EQ(from_environment.exec("SELECT current_setting('application_name')")
                  .rows.at(0)
                  .get<std::string>(0),
              "from-workitem-dsn");
}

TEST_F(Usability, AGivenDsnWinsOverWorkitemDsn) {
    const ScopedEnvironment environment("WORKITEM_DSN", "host=/nonexistent port=1");
    auto options = test_options();
    Client given(options);
    EXPECT_EQ(given.exec("SELECT 1").rows.at(0).get<int>(0), 1);
}

TEST_F(Usability, ACaughtErrorInsideASavepointLeavesTheTransactionUsable) {
    const auto ann = unique("ann");
    const Item item = client->start(claimed_by(ann).id, {.actor = ann});
    const Item done = client->in_transaction([&](Tx& tx) {
        tx.exec("INSERT INTO " + table + " VALUES (1, 'before')");
        // Claiming a started item is WI409; the savepoint undoes the failed call only.
        expect_error(ErrorKind::state_conflict,
                     [&] { tx.savepoint([&](Tx& sub) { sub.claim(item.id, {.actor = ann}); }); });
        tx.exec("INSERT INTO " + table + " VALUES (2, 'after')");
        return tx.complete(item.id, {.actor = ann});
    });
    EXPECT_EQ(done.state, State::completed);
    EXPECT_EQ(rows_in_table(), "2");
    EXPECT_EQ(client->get(item.id).state, State::completed);
}

TEST_F(Usability, SavepointsNestReturnAndRollBackOnlyTheirOwnWork) {
    const auto kept = client->in_transaction([&](Tx& tx) {
        return tx.savepoint([&](Tx& outer) {
            outer.exec("INSERT INTO " + table + " VALUES (1, 'outer')");
            EXPECT_THROW(outer.savepoint([&](Tx& inner) {
                inner.exec("INSERT INTO " + table + " VALUES (2, 'inner')");
                throw std::runtime_error("inner gives up");
            }),
                         std::runtime_error);
            outer.savepoint([&](Tx& inner) {
                inner.exec("INSERT INTO " + table + " VALUES (3, 'inner again')");
            });
            return outer.exec("SELECT count(*) FROM " + table).rows.at(0).get<int>(0);
        });
    });
    EXPECT_EQ(kept, 2);
    EXPECT_EQ(superuser->exec("SELECT string_agg(id::text, ',' ORDER BY id) FROM " + table), "1,3");
}

TEST_F(Usability, ExecTakesEveryIntegerTypeAndRowsAreTyped) {
    const auto result = client->in_transaction([&](Tx& tx) {
        return tx.exec(
            "SELECT $1::bigint, $2::bigint, $3::integer, $4::smallint, $5::bigint, $6::boolean, "
            "$7::float8, $8::text, NULL::integer, $9::timestamptz",
            std::size_t{5}, 6LL, 7u, short{8}, std::int64_t{-9}, true, 2.5, "text",
            Timestamp(std::chrono::seconds(86400)));
    });
    ASSERT_EQ(result.rows.size(), 1u);
    const QueryRow& row = result.rows[0];
    EXPECT_EQ(row.get<std::size_t>(0), 5u);
    EXPECT_EQ(row.get<long long>(1), 6);
    EXPECT_EQ(row.get<unsigned>(2), 7u);
    EXPECT_EQ(row.get<short>(3), 8);
    EXPECT_EQ(row.get<std::int64_t>(4), -9);
    EXPECT_TRUE(row.get<bool>(5));
    EXPECT_DOUBLE_EQ(row.get<double>(6), 2.5);
    EXPECT_EQ(row.get<std::string>(7), "text");
    EXPECT_EQ(row.get<std::optional<int>>(8), std::nullopt);
    EXPECT_EQ(row.get<std::optional<int>>(2), 7);
    EXPECT_EQ(row.get<Timestamp>(9), Timestamp(std::chrono::seconds(86400)));
    EXPECT_EQ(row[7], "text");  // still the text, as before
    expect_error(ErrorKind::unexpected_result, [&] { row.get<int>(8); });
    expect_error(ErrorKind::unexpected_result, [&] { row.get<int>(7); });
    expect_error(ErrorKind::unexpected_result, [&] { row.get<unsigned>(4); });
}

TEST_F(Usability, ClientExecCommitsOnItsOwnInTheClientsTenant) {
    const auto inserted = client->exec("INSERT INTO " + table + " VALUES ($1, $2)", 1, "x");
    EXPECT_EQ(inserted.affected_rows, 1);
    EXPECT_EQ(rows_in_table(), "1");  // committed: another session sees it
    auto options = test_options();
    options.tenant = unique("tenant");
    Client tenant_client(options);
    EXPECT_EQ(tenant_client.exec("SELECT current_setting('workitem.tenant')").rows.at(0)[0],
              options.tenant);
    expect_error(ErrorKind::database_error, [&] { client->exec("SELECT * FROM no_such_table"); });
}

TEST_F(Usability, ServerNoticesAndWarningsGoToTheLogger) {
    std::mutex mutex;
    std::vector<std::pair<LogLevel, std::string>> logged;
    auto options = test_options();
    options.logger = [&](LogLevel level, std::string_view message) {
        std::lock_guard lock(mutex);
        logged.emplace_back(level, std::string(message));
    };
    Client logging(options);
    logging.exec("DO $$ BEGIN RAISE WARNING 'nobody can take item 42'; END $$");
    logging.in_transaction(
        [](Tx& tx) { tx.exec("DO $$ BEGIN RAISE NOTICE 'a notice in a transaction'; END $$"); });
    std::lock_guard lock(mutex);
    auto has = [&](LogLevel level, std::string_view text) {
        for (const auto& [l, message] : logged) {
            if (l == level && message.find(text) != std::string::npos) return true;
        }
        return false;
    };
    EXPECT_TRUE(has(LogLevel::warning, "database WARNING (01000): nobody can take item 42"));
    EXPECT_TRUE(has(LogLevel::info, "a notice in a transaction"));
}

// docs/security.md: a service declaring on_behalf = 'user' is authorized as that user would be.
TEST_F(Usability, OnBehalfMakesAServiceAnswerAsTheEndUser) {
    const auto ann = unique("ann");
    const auto bob = unique("bob");
    const Item item = offered_to({ann});
    auto options = test_options();
    auto service = login_as("workitem_service", options);
    auto bob_himself = login_as("workitem_user", options, bob);

    // What a call answers: the operations, or the error's SQLSTATE.
    auto allowed = [&](Operations& caller, const std::string& actor) -> std::string {
        try {
            std::string answer;
            for (const auto& operation : caller.allowed_operations(item.id, actor))
                answer += operation + ' ';
            return answer;
        } catch (const Error& error) {
            return error.sqlstate();
        }
    };
    const auto full_rights = allowed(*service, bob);
    auto as_user = service->on_behalf("user");
    const auto bob_alone = allowed(*bob_himself, bob);
    EXPECT_EQ(allowed(as_user, bob), bob_alone);
    EXPECT_NE(bob_alone, full_rights);
    // ann, a potential owner, may claim it; only the service's own rights add cancel and so on.
    auto ann_herself = login_as("workitem_user", options, ann);
    EXPECT_EQ(allowed(as_user, ann), allowed(*ann_herself, ann));
    EXPECT_NE(allowed(as_user, ann), allowed(*service, ann));

    options.on_behalf = "user";
    auto user_service = login_as("workitem_service", options);
    EXPECT_EQ(allowed(*user_service, bob), bob_alone);
    // Under user, creating is an administrator's: WI403, in calls and in transactions alike.
    expect_error(ErrorKind::not_authorized,
                 [&] { user_service->create({.workflow_id = unique("wf"), .task_name = "T"}); });
    EXPECT_EQ(user_service->in_transaction([](Tx& tx) {
        return tx.exec("SELECT current_setting('workitem.on_behalf')").rows.at(0)[0];
    }),
              "user");
    // The transaction's own override, and "" for the service's full rights.
    EXPECT_EQ(user_service
                  ->in_transaction({.on_behalf = "reader"},
                                   [](Tx& tx) {
                                       return tx.exec(
                                           "SELECT current_setting('workitem.on_behalf', "
                                           "true)");
                                   })
                  .rows.at(0)[0],
              "reader");
    auto full = user_service->on_behalf("");
    EXPECT_EQ(allowed(full, bob), full_rights);
    expect_error(ErrorKind::invalid_input,
                 [&] { service->on_behalf("root").allowed_operations(item.id, bob); });
}

// What the CLI prints and its exit status, run with `environment` before it (no shell quoting:
// the arguments here are plain words).
std::pair<std::string, int> run_cli(const std::string& environment, const std::string& arguments) {
    const std::string command = environment + " " + WORKITEM_CLI + " " + arguments + " 2>/dev/null";
    FILE* raw = popen(command.c_str(), "r");
    std::string output;
    std::array<char, 256> buffer{};
    while (raw && fgets(buffer.data(), static_cast<int>(buffer.size()), raw))
        output += buffer.data();
    const int status = raw ? pclose(raw) : -1;
    return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST_F(Usability, TheCliDeclaresOnBehalfByOptionOrEnvironment) {
    const auto zed = unique("zed");
    const Item item = offered_to({zed});
    const std::string dsn = "WORKITEM_DSN=" + test_dsn();
    const std::string ask =
        "--json allowed-operations " + std::to_string(item.id) + " --actor " + zed;
    auto as_user = client->on_behalf("user");
    std::string expected = "[";
    for (const auto& operation : as_user.allowed_operations(item.id, zed))
        expected += (expected.size() > 1 ? ",\"" : "\"") + operation + "\"";
    expected += "]";
    // The CLI pretty-prints its JSON: compare without the layout.
    const auto compact = [](std::pair<std::string, int> answer) {
        std::erase_if(answer.first, [](char c) { return c == ' ' || c == '\n'; });
        return answer;
    };

    EXPECT_EQ(compact(run_cli(dsn, "--on-behalf user " + ask)), std::pair(expected, 0));
    EXPECT_EQ(compact(run_cli(dsn + " WORKITEM_ON_BEHALF=user", ask)), std::pair(expected, 0));
    EXPECT_NE(compact(run_cli(dsn, ask)).first,
              expected);  // the service's (here: superuser's) rights
    EXPECT_EQ(run_cli(dsn, "--on-behalf root " + ask).second, 2);
}

}  // namespace
// A database without the extension, or with another version of it, is refused when the client
// connects, with what to do — not with a missing function's error at the first call.
TEST_F(Usability, AnotherExtensionVersionIsRefusedWithWhatToDo) {
    const std::string dsn = test_dsn();
    const std::string server = dsn.substr(0, dsn.rfind('/') + 1);
    const std::string bare = unique("bare_db"), old = unique("old_db");
    superuser->exec("CREATE DATABASE " + superuser->identifier(bare));
    superuser->exec("CREATE DATABASE " + superuser->identifier(old));
    RawConnection(server + old).exec("CREATE EXTENSION workitem VERSION '0.1.0'");

    ClientOptions options = test_options();
    options.dsn = server + bare;
    Error error = expect_error(ErrorKind::database_error, [&] { Client(options).get(1); });
    EXPECT_NE(std::string(error.what()).find("has no workitem extension"), std::string::npos)
        << error.what();
    EXPECT_NE(error.hint().find("CREATE EXTENSION workitem"), std::string::npos);

    options.dsn = server + old;
    error = expect_error(ErrorKind::database_error, [&] { Client(options).get(1); });
    EXPECT_NE(std::string(error.what()).find("has workitem 0.1.0; this client speaks"),
              std::string::npos)
        << error.what();
    EXPECT_NE(error.hint().find("ALTER EXTENSION workitem UPDATE"), std::string::npos);

    for (const auto& database : {bare, old})
        superuser->exec("DROP DATABASE " + superuser->identifier(database) + " WITH (FORCE)");
}

}  // namespace workitem::testing
