// Every parameter of every workitem_* function of the installed extension is sent by some SDK
// method, and every parameter the SDK sends exists (docs/sdk.md: every SQL function has a method
// in its own words). The SDK's side is what it really sends: each method is called on an
// Operations that records the call's text (its function and parameter names) instead of
// sending it. Needs WORKITEM_TEST_DSN (the server with the extension); skips without it.
#include "call.hpp"
#include "listener.hpp"
#include "parameters.hpp"

#include <workitem/workitem.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>

namespace workitem {
namespace {

using Names = std::set<std::string>;

struct Recorded {};

// Records what each call would send, and sends nothing.
class Recorder final : public Operations {
  public:
    std::map<std::string, Names> sent;  // function -> the parameter names it was given
    std::string texts;                  // every call's SQL text

    void record(const std::function<void(Operations&)>& call) {
        try {
            call(*this);
            ADD_FAILURE() << "a call was not sent";
        } catch (const Recorded&) {
        }
    }

  protected:
    detail::ResultSet run(detail::Statement& statement) override {
        auto& names = sent[statement.text.function];
        names.insert(statement.text.parameter_names.begin(), statement.text.parameter_names.end());
        texts += statement.text.sql + '\n';
        throw Recorded{};
    }
};

// Every method of Operations, once.
void call_every_method(Recorder& r) {
    const std::vector<std::int64_t> ids{1};
    r.record([](Operations& o) { o.create({.workflow_id = "w", .task_name = "t"}); });
    r.record([](Operations& o) { o.create_many({}); });
    r.record([](Operations& o) { o.get(1); });
    r.record([](Operations& o) { o.list(); });
    r.record([](Operations& o) { o.index_field("t", "amount", "numeric"); });
    r.record([](Operations& o) { o.index_fields(); });
    r.record([](Operations& o) { o.drop_index_field(std::nullopt, "amount"); });
    r.record([](Operations& o) { o.count(); });
    r.record([](Operations& o) {
        o.acknowledge_and_claim_next({{.id = 1, .output = "{}"}}, {.actor = "a"}, 2);
    });
    r.record([](Operations& o) { o.worklist("a"); });
    r.record([](Operations& o) { o.history(1); });
    r.record([](Operations& o) { o.allowed_operations(1, "a"); });
    r.record([](Operations& o) { o.remember_refusal("k"); });
    r.record([](Operations& o) { o.claim(1, {}); });
    r.record([](Operations& o) { o.claim_next({}); });
    r.record([](Operations& o) { o.claim_next_many({}, 2); });
    r.record([](Operations& o) { o.allocate(1, {}); });
    r.record([](Operations& o) { o.start(1, {}); });
    r.record([](Operations& o) { o.stop(1, {}); });
    r.record([](Operations& o) { o.release(1, {}); });
    r.record([](Operations& o) { o.delegate(1, {}); });
    r.record([](Operations& o) { o.resolve(1, {}); });
    r.record([](Operations& o) { o.forward(1, {}); });
    r.record([](Operations& o) { o.suspend(1, {}); });
    r.record([](Operations& o) { o.resume(1, {}); });
    r.record([](Operations& o) { o.complete(1, {}); });
    r.record([](Operations& o) { o.fail(1, {}); });
    r.record([](Operations& o) { o.skip(1, {}); });
    r.record([](Operations& o) { o.cancel(1, {}); });
    r.record([](Operations& o) { o.mark_error(1, {}); });
    r.record([](Operations& o) { o.heartbeat(1, {}); });
    r.record([](Operations& o) { o.update(1, {}); });
    r.record([](Operations& o) { o.save_output(1, {}); });
    r.record([](Operations& o) { o.cancel_workflow("w", {}); });
    r.record([&](Operations& o) { o.claim_batch(ids, {}); });
    r.record([&](Operations& o) { o.allocate_batch(ids, {}); });
    r.record([&](Operations& o) { o.start_batch(ids, {}); });
    r.record([&](Operations& o) { o.stop_batch(ids, {}); });
    r.record([&](Operations& o) { o.release_batch(ids, {}); });
    r.record([&](Operations& o) { o.delegate_batch(ids, {}); });
    r.record([&](Operations& o) { o.resolve_batch(ids, {}); });
    r.record([&](Operations& o) { o.forward_batch(ids, {}); });
    r.record([&](Operations& o) { o.suspend_batch(ids, {}); });
    r.record([&](Operations& o) { o.resume_batch(ids, {}); });
    r.record([&](Operations& o) { o.complete_batch(ids, {}); });
    r.record([&](Operations& o) { o.fail_batch(ids, {}); });
    r.record([&](Operations& o) { o.skip_batch(ids, {}); });
    r.record([&](Operations& o) { o.cancel_batch(ids, {}); });
    r.record([&](Operations& o) { o.mark_error_batch(ids, {}); });
    r.record([&](Operations& o) { o.heartbeat_batch(ids, {}); });
    r.record([&](Operations& o) { o.update_batch(ids, {}); });
    r.record([&](Operations& o) { o.save_output_batch(ids, {}); });
    r.record([](Operations& o) { o.put_user({.user_id = "u"}); });
    r.record([](Operations& o) { o.put_users({}); });
    r.record([](Operations& o) { o.get_user("u"); });
    r.record([](Operations& o) { o.list_users({}); });
    r.record([](Operations& o) { o.list_groups({}); });
    r.record([](Operations& o) { o.delete_user("u"); });
    r.record([](Operations& o) { o.consumer_create("c"); });
    r.record([](Operations& o) { o.consumer_drop("c"); });
    r.record([](Operations& o) { o.next_batch("c"); });
    r.record([](Operations& o) { o.batch_events(1); });
    r.record([](Operations& o) { o.finish_batch(1); });
    r.record([](Operations& o) { o.consumer_rewind("c", {.to_seq = 0}); });
    r.record([](Operations& o) { o.event_lag(); });
    r.record([](Operations& o) { o.event_notify(false); });
    r.record([](Operations& o) { o.set_flag("f", true); });
    r.record([](Operations& o) { o.set_lease_default({.queue = "q"}, 60); });
    r.record([](Operations& o) { o.set_task_form("t", "{}"); });
    r.record([](Operations& o) { o.task_form("t"); });
    r.record([](Operations& o) { o.register_validator("v"); });
    r.record([](Operations& o) { o.unregister_validator(1); });
    r.record([](Operations& o) { o.register_strategy("s", "f"); });
    r.record([](Operations& o) { o.tick(); });
}

// The input parameters of every workitem_* function of the installed extension.
std::map<std::string, Names> installed_functions(const std::string& dsn) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(dsn.c_str()), &PQfinish);
    EXPECT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
    std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexec(connection.get(),
               "SELECT p.proname, array_to_string(ARRAY("
               "  SELECT a.name FROM unnest(p.proargnames, coalesce(p.proargmodes, "
               "    array_fill('i'::\"char\", ARRAY[cardinality(p.proargnames)]))) AS a(name, mode)"
               "   WHERE a.mode IN ('i', 'b', 'v')), ',') "
               "FROM pg_proc p "
               "JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
               "  AND d.deptype = 'e' "
               "JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'workitem' "
               "WHERE p.proname LIKE 'workitem\\_%'"),
        &PQclear);
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK) << PQerrorMessage(connection.get());
    std::map<std::string, Names> functions;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
        auto& names = functions[PQgetvalue(result.get(), row, 0)];
        std::stringstream list(PQgetvalue(result.get(), row, 1));
        for (std::string name; std::getline(list, name, ',');) names.insert(name);
    }
    return functions;
}

class SqlCoverage : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* dsn = std::getenv("WORKITEM_TEST_DSN");
        if (!dsn || !*dsn) GTEST_SKIP() << "WORKITEM_TEST_DSN is not set";
        functions = installed_functions(dsn);
        ASSERT_FALSE(functions.empty());
    }
    std::map<std::string, Names> functions;
};

TEST_F(SqlCoverage, EverySqlParameterIsSentAndEverySentParameterExists) {
    Recorder sdk;
    call_every_method(sdk);
    // Called inside next_batch's own text, with the batch id the same statement took.
    ASSERT_NE(sdk.texts.find("workitem_batch_events(b.batch_id)"), std::string::npos);
    sdk.sent["workitem_batch_events"] = {"batch_id"};
    // Called by the wake-up listener of Worker and EventConsumer, not by an Operations method.
    for (const detail::CallText* text :
         {&detail::await_work_text(), &detail::await_events_text()}) {
        sdk.sent[text->function].insert(text->parameter_names.begin(), text->parameter_names.end());
    }

    for (const auto& [function, parameters] : functions) {
        const auto found = sdk.sent.find(function);
        if (found == sdk.sent.end()) {
            ADD_FAILURE() << function << " has no SDK method";
            continue;
        }
        for (const auto& parameter : parameters) {
            EXPECT_TRUE(found->second.contains(parameter))
                << function << "(" << parameter << ") is never sent by the SDK";
        }
    }
    for (const auto& [function, parameters] : sdk.sent) {
        if (function.rfind("workitem_", 0) != 0) continue;  // the views (workitem.event_lag)
        const auto found = functions.find(function);
        if (found == functions.end()) {
            ADD_FAILURE() << "the SDK calls " << function << ", which the extension lacks";
            continue;
        }
        for (const auto& parameter : parameters) {
            EXPECT_TRUE(found->second.contains(parameter))
                << "the SDK sends " << function << "(" << parameter << "), which does not exist";
        }
    }
}

// create_many's elements are objects keyed by workitem_create's parameter names.
// An element names every parameter of workitem_create but the two that belong to the whole
// create_many call (CreateManyOptions): the database refuses actor and idempotency_key in an
// element (extension/pg/entry/create_elements.cpp), and the SDK refuses a command setting them.
TEST_F(SqlCoverage, CreateManyElementsNameEveryParameterOfCreateButTheCalls) {
    const Timestamp at{};
    const CreateCommand everything{.workflow_id = "w",
                                   .task_name = "t",
                                   .assignment = {.users = {"u"}},
                                   .input = "{}",
                                   .priority = 1,
                                   .queue = "q",
                                   .due_at = at,
                                   .activate_at = at,
                                   .expires_at = at,
                                   .skippable = true,
                                   .step_ref = "s",
                                   .run_id = "r",
                                   .follow_up_at = at,
                                   .deadlines = "[]"};
    const auto elements = nlohmann::json::parse(detail::create_commands_json({everything}));
    Names keys;
    for (const auto& [key, value] : elements.at(0).items()) keys.insert(key);
    Names expected = functions.at("workitem_create");
    expected.erase("actor");
    expected.erase("idempotency_key");
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(functions.at("workitem_create_many"), (Names{"items", "actor", "idempotency_key"}));
}

}  // namespace
}  // namespace workitem
