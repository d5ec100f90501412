// The tenant's directory of users and groups: workitem_list_users, _put_users, _get_user,
// _put_user, _delete_user and _list_groups. Who may change it (admin) is the database's rule.
#include "problem.hpp"
#include "query.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "route_support.hpp"

#include <workitem/workitem.hpp>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

// The contract's bounds on a user's groups and on a sync (PutUserRequest, SyncUsersRequest).
constexpr std::size_t max_groups = 1000;
constexpr std::size_t max_sync_users = 100000;

json user_json(const workitem::DirectoryUser& user, bool with_groups) {
    json document{{"tenant_id", user.tenant_id},
                  {"user_id", user.user_id},
                  {"available", user.available},
                  {"capacity", user.capacity ? json(*user.capacity) : json(nullptr)},
                  {"away_until", time_or_null(user.away_until)},
                  {"created_at", workitem::format_timestamp(user.created_at)},
                  {"updated_at", workitem::format_timestamp(user.updated_at)}};
    if (with_groups) document["groups"] = user.groups;
    return document;
}

// The fields of a user (PutUserRequest; SyncUser adds user_id).
void read_user(RequestBody& body, workitem::PutUserCommand& user) {
    user.groups = body.names("groups", max_groups).value_or(std::vector<std::string>{});
    user.capacity = optional_int(body.integer("capacity", 0, std::numeric_limits<int>::max()));
    user.available = body.boolean("available").value_or(true);
    user.away_until = body.timestamp("away_until");
}

Response list_users(Call& call) {
    auto query = QueryParameters::parse(call.request);
    workitem::UserListOptions options;
    options.group_id = query.text("group");
    options.after = after_key(query);
    const auto limit = query.integer("limit", 1, max_page_size).value_or(default_page_size);
    options.page_size = rows_to_ask(limit);
    query.refuse_unknown();
    const auto users = call.database.as(caller(call)).list_users(options);
    return json_response(
        call.request, 200,
        page(
            users, limit, [](const workitem::DirectoryUser& user) { return user.user_id; },
            [](const workitem::DirectoryUser& user) { return user_json(user, true); }));
}

Response list_groups(Call& call) {
    auto query = QueryParameters::parse(call.request);
    workitem::GroupListOptions options;
    options.after = after_key(query);
    const auto limit = query.integer("limit", 1, max_page_size).value_or(default_page_size);
    options.page_size = rows_to_ask(limit);
    query.refuse_unknown();
    const auto groups = call.database.as(caller(call)).list_groups(options);
    return json_response(
        call.request, 200,
        page(
            groups, limit, [](const workitem::DirectoryGroup& group) { return group.group_id; },
            [](const workitem::DirectoryGroup& group) {
                return json{{"group_id", group.group_id}, {"members", group.members}};
            }));
}

Response sync_users(Call& call) {
    auto body = RequestBody::parse(call.request, true);
    const auto given = body.array("users", max_sync_users);
    if (!given) throw_problem(400, "invalid_field", "field users is required");
    const bool replace_all = body.boolean("replace_all").value_or(false);
    body.refuse_unknown_fields();
    std::vector<workitem::PutUserCommand> users;
    for (std::size_t i = 0; i < given->size(); ++i) {
        auto element = RequestBody::element((*given)[i], "users[" + std::to_string(i) + "]");
        workitem::PutUserCommand user;
        user.user_id = element.required_text("user_id");
        read_user(element, user);
        element.refuse_unknown_fields();
        users.push_back(std::move(user));
    }
    const auto result = call.database.as(caller(call)).put_users(users, replace_all);
    return json_response(call.request, 200,
                         {{"users_written", result.users_written},
                          {"memberships", result.memberships},
                          {"users_removed", result.users_removed}});
}

Response get_user(Call& call) {
    const auto user_id = name_capture(call, "userId");
    const auto user = call.database.as(caller(call)).get_user(user_id);
    return json_response(call.request, 200, user_json(user, true));
}

Response put_user(Call& call) {
    workitem::PutUserCommand user;
    user.user_id = name_capture(call, "userId");
    auto body = RequestBody::parse(call.request, false);
    read_user(body, user);
    body.refuse_unknown_fields();
    const auto written = call.database.as(caller(call)).put_user(user);
    // The function returns the user row, without groups (the contract says so).
    return json_response(call.request, 200, user_json(written, false));
}

Response delete_user(Call& call) {
    const auto user_id = name_capture(call, "userId");
    const bool removed = call.database.as(caller(call)).delete_user(user_id);
    if (!removed) {
        throw_problem(404, "not_found", "no user " + user_id + " in the tenant's directory");
    }
    return no_content_response(call.request);
}

}  // namespace

void add_directory_routes(GatewayRouter& router) {
    router.add("GET", "/api/v1/directory/users", Route{.handler = list_users, .takes_query = true});
    router.add("POST", "/api/v1/directory/users:sync", Route{sync_users});
    router.add("GET", "/api/v1/directory/users/{userId}", Route{get_user});
    router.add("PUT", "/api/v1/directory/users/{userId}", Route{put_user});
    router.add("DELETE", "/api/v1/directory/users/{userId}", Route{delete_user});
    router.add("GET", "/api/v1/directory/groups",
               Route{.handler = list_groups, .takes_query = true});
}

}  // namespace workitem::gateway
