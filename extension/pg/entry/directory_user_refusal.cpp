// workitem.directory_user_refusal(user_id, groups, capacity, available, away_until): why a
// directory user may not be written, or NULL. workitem_put_user and workitem_put_users both ask
// it, so a bulk sync accepts exactly what a single put does (core/directory.hpp has the rule).
#include <optional>
#include <string_view>
#include <vector>

#include "workitem/core/directory.hpp"

#include "runtime/boundary.hpp"
#include "item/row.hpp"
#include "runtime/settings.hpp"

using namespace workitem;
using namespace workitem::pg;

namespace {

// The refusal as plain data, to leave the C++ boundary.
struct Refusal {
    const char* message;  // nullptr: the user may be written
};

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_directory_user_refusal);
}

extern "C" Datum workitem_directory_user_refusal(PG_FUNCTION_ARGS) {
    const char* user_id = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
    Datum* group_values = nullptr;
    bool* group_nulls = nullptr;
    int group_count = 0;
    if (!PG_ARGISNULL(1)) {
        deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false, TYPALIGN_INT, &group_values,
                          &group_nulls, &group_count);
    }
    const char** groups = static_cast<const char**>(palloc0(sizeof(char*) * (group_count + 1)));
    for (int i = 0; i < group_count; ++i) {
        if (!group_nulls[i]) groups[i] = TextDatumGetCString(group_values[i]);
    }
    const bool has_capacity = !PG_ARGISNULL(2);
    const int32 capacity = has_capacity ? PG_GETARG_INT32(2) : 0;
    const bool has_available = !PG_ARGISNULL(3);
    const bool has_away_until = !PG_ARGISNULL(4);
    const TimestampTz away_until = has_away_until ? PG_GETARG_TIMESTAMPTZ(4) : 0;
    const bool groups_given = !PG_ARGISNULL(1);
    const core::Limits limits = current_limits();

    const Refusal refusal = cpp_boundary([&]() -> core::Result<Refusal> {
        std::vector<std::optional<std::string_view>> names;
        names.reserve(static_cast<std::size_t>(group_count));
        for (int i = 0; i < group_count; ++i) {
            names.push_back(groups[i] ? std::optional<std::string_view>{groups[i]} : std::nullopt);
        }
        core::DirectoryUser user;
        if (user_id) user.user_id = user_id;
        if (groups_given) user.groups = std::span<const std::optional<std::string_view>>{names};
        if (has_capacity) user.capacity = capacity;
        if (has_available) user.available = true;
        if (has_away_until) user.away_until = to_core_time(away_until);
        auto status = core::check_directory_user(user, limits);
        if (status) return Refusal{nullptr};
        return Refusal{copy_to_palloc(status.error().message)};
    });
    if (refusal.message == nullptr) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(refusal.message));
}
