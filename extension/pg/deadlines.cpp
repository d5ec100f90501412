#include <vector>

#include "workitem/core/deadline.hpp"

#include "deadlines.hpp"

#include "boundary.hpp"
#include "item_row.hpp"
#include "settings.hpp"

namespace workitem::pg {

namespace {

// When each entry fires, as written: plain data, to leave the C++ boundary.
struct WrittenTimes {
    const char* refusal;  // the WI422 message when the list is malformed
    int count;
    const char** at;     // a timestamp, or nullptr
    const char** after;  // an interval, or nullptr
    double* after_seconds;
};

WrittenTimes read_written(const char* text) {
    const core::Limits limits = current_limits();
    return cpp_boundary([&]() -> core::Result<WrittenTimes> {
        auto whens = core::read_deadlines(text, limits);
        if (!whens)
            return WrittenTimes{copy_to_palloc(whens.error().message), 0, nullptr, nullptr,
                                nullptr};
        const auto count = static_cast<int>(whens->size());
        WrittenTimes times{nullptr, count,
                           static_cast<const char**>(palloc0(sizeof(char*) * (count + 1))),
                           static_cast<const char**>(palloc0(sizeof(char*) * (count + 1))),
                           static_cast<double*>(palloc0(sizeof(double) * (count + 1)))};
        for (int i = 0; i < count; ++i) {
            const core::DeadlineWhen& when = whens->at(static_cast<std::size_t>(i));
            if (when.at) times.at[i] = copy_to_palloc(*when.at);
            if (when.after) times.after[i] = copy_to_palloc(*when.after);
            times.after_seconds[i] = when.after_seconds.value_or(0);
        }
        return times;
    });
}

TimestampTz fire_time(const WrittenTimes& times, int i, TimestampTz base) {
    if (times.at[i] != nullptr) {
        return DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(times.at[i]),
                                                       ObjectIdGetDatum(InvalidOid),
                                                       Int32GetDatum(-1)));
    }
    if (times.after[i] != nullptr) {
        const Datum interval = DirectFunctionCall3(interval_in, CStringGetDatum(times.after[i]),
                                                   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
        return DatumGetTimestampTz(
            DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(base), interval));
    }
    return base + static_cast<TimestampTz>(times.after_seconds[i] * USECS_PER_SEC);
}

}  // namespace

Jsonb* stored_deadlines_from(Jsonb* written, TimestampTz base, const char** refusal) {
    const char* text = JsonbToCString(nullptr, &written->root, VARSIZE(written));
    const WrittenTimes times = read_written(text);
    if (times.refusal != nullptr) {
        if (refusal == nullptr) {
            raise(core::ErrorCode::invalid_input, times.refusal, nullptr,
                  "See the deadline list in the SQL reference (COMMENT ON workitem_create).");
        }
        *refusal = times.refusal;
        return nullptr;
    }
    auto* fire_at = static_cast<TimestampTz*>(palloc(sizeof(TimestampTz) * (times.count + 1)));
    for (int i = 0; i < times.count; ++i) fire_at[i] = fire_time(times, i, base);
    const char* stored = cpp_boundary([&]() -> core::Result<const char*> {
        std::vector<core::Timestamp> at;
        for (int i = 0; i < times.count; ++i) at.push_back(to_core_time(fire_at[i]));
        auto list = core::stored_deadlines(text, at);
        if (!list) return list.error();
        return static_cast<const char*>(copy_to_palloc(list.value()));
    });
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(stored)));
}

}  // namespace workitem::pg
