#include "gateway_transport.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <thread>
#include <utility>

namespace load {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr const char* items_path = "/api/v1/workitems";

// Loopback's ports and our own names only: workflow ids, queues and actors of the mix are
// letters, digits and '-', which a path or a query takes as they are (World names them).
std::string item_path(const Call& call, const char* action) {
    return std::string(items_path) + "/" + std::to_string(call.item_id.value_or(0)) + "/" + action;
}

json assignment_of(const std::vector<std::string>& groups,
                   const std::vector<std::string>& four_eyes_with) {
    json assignment = {{"potential_owners", {{"groups", groups}}}};
    if (!four_eyes_with.empty()) assignment["constraints"] = {{"four_eyes_with", four_eyes_with}};
    return assignment;
}

json create_body(const NewItem& item, const std::string& workflow_id) {
    json body = {{"workflow_id", workflow_id},
                 {"task_name", item.task_name},
                 {"assignment", assignment_of(item.groups, item.four_eyes_with)},
                 {"input", {{"load", true}}},
                 {"priority", item.priority}};
    if (item.queue) body["queue"] = *item.queue;
    return body;
}

json claim_body(const Call& call, int max_items) {
    json body = {{"max_items", max_items}};
    if (call.queue) body["queue"] = *call.queue;
    if (call.lease_seconds) body["lease_seconds"] = *call.lease_seconds;
    return body;
}

ItemView view_of(const json& item) {
    ItemView view{.id = item.at("id").get<std::int64_t>(),
                  .version = item.at("version").get<std::int64_t>(),
                  .state = item.at("state").get<std::string>()};
    if (const auto owner = item.find("owner"); owner != item.end() && owner->is_string())
        view.owner = owner->get<std::string>();
    view.workflow_id = item.value("workflow_id", "");
    view.task_name = item.value("task_name", "");
    return view;
}

Row item_row(std::string operation, const json& item) {
    ItemView view = view_of(item);
    return {.operation = std::move(operation), .item_id = view.id, .item = std::move(view)};
}

// A batch's row (docs/rest.md, Routes): done, or refused on its own while the others went on.
Row batch_row(std::string operation, const json& result) {
    Row row{.operation = std::move(operation)};
    if (const auto id = result.find("id"); id != result.end() && id->is_number_integer())
        row.item_id = id->get<std::int64_t>();
    if (result.at("ok").get<bool>()) {
        if (const auto item = result.find("item"); item != result.end() && item->is_object())
            row.item = view_of(*item);
    } else {
        row.outcome = Outcome::refused;
        row.sqlstate = result.value("sqlstate", "");
    }
    return row;
}

std::vector<Row> item_rows(const std::string& operation, const json& items) {
    std::vector<Row> rows;
    for (const json& item : items) rows.push_back(item_row(operation, item));
    return rows;
}

// The answer of a call the gateway carried out (2xx), row by row as SdkTransport gives it.
Answer decode(const Call& call, const json& body) {
    Answer answer;
    switch (call.op) {
        case Op::create_many:
            for (const json& result : body.at("results"))
                answer.rows.push_back(batch_row("create", result));
            break;
        case Op::cancel_workflow:
            answer.rows = item_rows("cancel_workflow", body.at("items"));
            break;
        case Op::worklist:
        case Op::list:
            for (const json& item : body.at("items")) answer.listed.push_back(view_of(item));
            break;
        case Op::claim_next:
        case Op::claim_next_many:
            answer.rows = item_rows("claim_next", body.at("items"));
            // Nothing to claim is an answer too: one row without an item.
            if (answer.rows.empty()) answer.rows.push_back({.operation = "claim_next"});
            break;
        case Op::acknowledge_and_claim_next: {
            const json& outcomes = body.at("outcomes");
            for (std::size_t i = 0; i < outcomes.size(); ++i) {
                const bool failed =
                    i < call.acknowledgements.size() && call.acknowledgements[i].failed;
                answer.rows.push_back(batch_row(failed ? "fail" : "complete", outcomes[i]));
            }
            for (Row& row : item_rows("claim_next", body.at("claimed")))
                answer.rows.push_back(std::move(row));
            break;
        }
        case Op::heartbeat:
            for (const json& result : body.at("results"))
                answer.rows.push_back(batch_row("heartbeat", result));
            break;
        default:
            answer.rows.push_back(item_row(event_operation(call.op), body));
    }
    return answer;
}

// No answer from the database, or its refusal: one row for the call, as SdkTransport gives it.
Answer unanswered(const Call& call, Outcome outcome, std::string sqlstate, std::string message) {
    Answer answer{
        .outcome = outcome, .sqlstate = std::move(sqlstate), .message = std::move(message)};
    answer.rows.push_back({.operation = event_operation(call.op),
                           .item_id = call.item_id,
                           .outcome = outcome,
                           .sqlstate = answer.sqlstate});
    return answer;
}

// A problem document (RFC 9457): refused when the database said no (a WI SQLSTATE), failed
// otherwise (a gateway's 400, a 403 of the role, a 500: the mix sent what it should not have).
Answer problem(const Call& call, const HttpReply& reply) {
    const json body = json::parse(reply.body, nullptr, false);
    std::string sqlstate;
    std::string message = "HTTP " + std::to_string(reply.status);
    if (body.is_object()) {
        if (const auto state = body.find("sqlstate"); state != body.end() && state->is_string())
            sqlstate = state->get<std::string>();
        message += " " + body.value("code", "") + ": " + body.value("detail", "");
    }
    const Outcome outcome = sqlstate.starts_with("WI") ? Outcome::refused : Outcome::failed;
    return unanswered(call, outcome, std::move(sqlstate), std::move(message));
}

bool transient(unsigned status) {
    return status == 429 || status == 503 || status == 504;
}

// One for every client: the calls are synchronous, each socket used by its own thread only, so
// the context's reactor is never run; an own context per client would cost each two more file
// descriptors (its epoll and eventfd), 4 per client where the run counts 2.
boost::asio::io_context& shared_context() {
    static boost::asio::io_context context;
    return context;
}

}  // namespace

GatewayTransport::GatewayTransport(GatewayEndpoint endpoint, std::string token)
    : endpoint_(std::move(endpoint)),
      authorization_("Bearer " + std::move(token)),
      stream_(shared_context()) {}

GatewayTransport::~GatewayTransport() {
    disconnect();
}

GatewayTransport::Request GatewayTransport::request_of(const Call& call) const {
    const auto post = http::verb::post;
    auto with = [&](std::string target, std::optional<json> body) {
        return Request{.method = post,
                       .target = std::move(target),
                       .body = body ? std::optional(body->dump()) : std::nullopt,
                       .call = &call};
    };
    const std::string page = "limit=" + std::to_string(call.page_size);
    switch (call.op) {
        case Op::create:
            return with(items_path, create_body(call.new_items.at(0), call.workflow_id));
        case Op::create_many: {
            json items = json::array();
            for (const NewItem& item : call.new_items)
                items.push_back(create_body(item, call.workflow_id));
            return with(std::string(items_path) + ":batch-create", json{{"items", items}});
        }
        case Op::cancel_workflow:
            return with("/api/v1/workflows/" + call.workflow_id + "/cancel",
                        json{{"reason", "load: workflow cancelled"}});
        case Op::worklist:
            return {.method = http::verb::get, .target = "/api/v1/worklist?" + page, .call = &call};
        case Op::list: {
            std::string target = std::string(items_path) + "?owner=" + call.actor + "&" + page;
            if (call.queue) target += "&queue=" + *call.queue;
            return {.method = http::verb::get, .target = std::move(target), .call = &call};
        }
        case Op::claim: {
            std::optional<json> body;
            if (call.lease_seconds) body = json{{"lease_seconds", *call.lease_seconds}};
            return with(item_path(call, "claim"), body);
        }
        case Op::start:
            return with(item_path(call, "start"), std::nullopt);
        case Op::resume:
            return with(item_path(call, "resume"), std::nullopt);
        case Op::release:
            return with(item_path(call, "release"), std::nullopt);
        case Op::suspend:
            return with(item_path(call, "suspend"), std::nullopt);
        case Op::save_output:
            return with(item_path(call, "save-output"),
                        json{{"output", json::parse(output_of(call))}});
        case Op::complete:
            return with(item_path(call, "complete"),
                        json{{"output", json::parse(output_of(call))}});
        case Op::fail:
            return with(item_path(call, "fail"), json{{"fault", json::parse(fault_of(call))}});
        case Op::delegate:
            return with(item_path(call, "delegate"), json{{"to_user", call.to_user}});
        case Op::forward:
            return with(item_path(call, "forward"),
                        json{{"assignment", assignment_of(call.groups, {})}});
        case Op::claim_next:
            return with(std::string(items_path) + "/claim-next", claim_body(call, 1));
        case Op::claim_next_many:
            return with(std::string(items_path) + "/claim-next", claim_body(call, call.max_items));
        case Op::acknowledge_and_claim_next: {
            json body = claim_body(call, call.max_items);
            json outcomes = json::array();
            for (const Acknowledgement& ack : call.acknowledgements) {
                if (ack.failed)
                    outcomes.push_back(
                        {{"id", ack.item_id}, {"fault", json::parse(fault_of(call))}});
                else
                    outcomes.push_back(
                        {{"id", ack.item_id}, {"output", json::parse(output_of(call))}});
            }
            body["outcomes"] = std::move(outcomes);
            return with(std::string(items_path) + "/acknowledge-and-claim-next", body);
        }
        case Op::heartbeat: {
            json body = {{"operation", "heartbeat"}, {"ids", call.item_ids}};
            if (call.lease_seconds) body["lease_seconds"] = *call.lease_seconds;
            return with(std::string(items_path) + ":batch", body);
        }
    }
    throw std::logic_error("unknown operation");
}

Answer GatewayTransport::send(const Call& call) {
    try {
        const Request request = request_of(call);
        const HttpReply reply = exchange(request);
        if (reply.status == 0)
            return unanswered(call, reply.sent ? Outcome::in_doubt : Outcome::failed, "",
                              reply.error);
        if (reply.status >= 200 && reply.status < 300) {
            const json body = json::parse(reply.body);
            return decode(call, body);
        }
        // A 504 after the retries: the database may have done it.
        if (reply.status == 504) return unanswered(call, Outcome::in_doubt, "", "HTTP 504");
        return problem(call, reply);
    } catch (const std::exception& error) {
        return unanswered(call, Outcome::failed, "", error.what());
    }
}

// Sends the request until it gets an answer that is not transient, within the retry budget.
// Every try is the same request, idempotency key included, so the database answers a retry of
// a call it already did with the first outcome.
HttpReply GatewayTransport::exchange(const Request& request) {
    const auto deadline = std::chrono::steady_clock::now() + endpoint_.retry_budget;
    std::chrono::milliseconds backoff{50};
    bool sent = false;
    for (;;) {
        HttpReply reply = exchange_once(request);
        sent = sent || reply.sent;
        reply.sent = sent;
        const bool again = reply.status == 0 || transient(reply.status);
        if (!again || std::chrono::steady_clock::now() + backoff >= deadline) return reply;
        std::this_thread::sleep_for(std::max(backoff, reply.retry_after));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

HttpReply GatewayTransport::exchange_once(const Request& request) {
    HttpReply reply;
    const Call& call = *request.call;
    try {
        if (!connected_) connect();
        http::request<http::string_body> message{request.method, request.target, 11};
        message.set(http::field::host, endpoint_.host);
        message.set(http::field::authorization, authorization_);
        message.keep_alive(true);
        if (call.idempotency_key) message.set("Idempotency-Key", *call.idempotency_key);
        if (call.expected_version)
            message.set(http::field::if_match,
                        "\"" + std::to_string(*call.expected_version) + "\"");
        if (request.body) {
            message.set(http::field::content_type, "application/json");
            message.body() = *request.body;
        }
        message.prepare_payload();
        reply.sent = true;  // from here on, the gateway may have it
        http::write(stream_, message);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream_, buffer, response);
        reply.status = response.result_int();
        reply.body = std::move(response.body());
        if (const auto after = response.find(http::field::retry_after); after != response.end()) {
            try {
                reply.retry_after = std::chrono::seconds(std::stoi(std::string(after->value())));
            } catch (const std::exception&) {
            }
        }
        if (!response.keep_alive()) disconnect();
    } catch (const std::exception& error) {
        // A connection the gateway closed while it was idle fails at the first write or read:
        // sent again on a fresh one (with its key, so a request that did arrive is replayed).
        disconnect();
        reply.status = 0;
        reply.error = error.what();
    }
    return reply;
}

void GatewayTransport::connect() {
    const boost::asio::ip::tcp::endpoint target(boost::asio::ip::make_address(endpoint_.host),
                                                endpoint_.port);
    stream_.socket().connect(target);
    // The synchronous calls honour no Beast timeout: the socket's own, so that a gateway that
    // stopped answering ends in an error rather than a hang.
    const timeval timeout{.tv_sec = static_cast<time_t>(endpoint_.io_timeout.count()),
                          .tv_usec = 0};
    const int fd = stream_.socket().native_handle();
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true));
    connected_ = true;
}

void GatewayTransport::disconnect() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    connected_ = false;
}

}  // namespace load
