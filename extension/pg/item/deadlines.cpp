#include <cstdlib>
#include <vector>

#include "workitem/core/deadline.hpp"

#include "item/deadlines.hpp"

#include "runtime/boundary.hpp"
#include "item/row.hpp"
#include "runtime/settings.hpp"

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

// An "after" interval may reach this far: with any base up to year 9999 the sum stays well
// inside PostgreSQL's range (which ends in 294276), so the addition never raises; the result is
// then checked against the core's range like every time.
constexpr int32 max_after_years = 10000;

// When entry i fires, or nullptr with `*refusal` set (WI422 text naming the entry and field).
bool fire_time(const WrittenTimes& times, int i, TimestampTz base, TimestampTz* out,
               const char** refusal) {
    if (times.at[i] != nullptr) {
        if (!read_timestamptz(times.at[i], out)) {
            *refusal = psprintf("invalid deadlines: entry %d at is not a timestamp", i + 1);
            return false;
        }
        return true;
    }
    if (times.after[i] != nullptr) {
        Interval interval{};
        if (!read_interval(times.after[i], &interval)) {
            *refusal = psprintf("invalid deadlines: entry %d after is not an interval", i + 1);
            return false;
        }
        const int64 most_days = int64{max_after_years} * 366;
        if (std::abs(int64{interval.month}) > int64{max_after_years} * MONTHS_PER_YEAR ||
            std::abs(int64{interval.day}) > most_days ||
            interval.time > most_days * USECS_PER_DAY ||
            interval.time < -most_days * USECS_PER_DAY) {
            *refusal = psprintf("invalid deadlines: entry %d after is more than %d years", i + 1,
                                max_after_years);
            return false;
        }
        *out = DatumGetTimestampTz(DirectFunctionCall2(
            timestamptz_pl_interval, TimestampTzGetDatum(base), IntervalPGetDatum(&interval)));
        return true;
    }
    *out = base + static_cast<TimestampTz>(times.after_seconds[i] * USECS_PER_SEC);
    return true;
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
    const char* bad_time = nullptr;
    for (int i = 0; i < times.count && bad_time == nullptr; ++i) {
        if (!fire_time(times, i, base, &fire_at[i], &bad_time)) break;
        if (!valid_core_time(fire_at[i])) {
            bad_time = psprintf(
                "invalid deadlines: entry %d %s must be a finite time from 0001-01-01 to "
                "9999-12-31 UTC",
                i + 1, times.at[i] != nullptr ? "at" : "after");
        }
    }
    if (bad_time != nullptr) {
        if (refusal == nullptr) {
            raise(core::ErrorCode::invalid_input, bad_time, nullptr,
                  "See the deadline list in the SQL reference (COMMENT ON workitem_create).");
        }
        *refusal = bad_time;
        return nullptr;
    }
    const char* stored = cpp_boundary([&]() -> core::Result<const char*> {
        std::vector<core::Timestamp> at;
        for (int i = 0; i < times.count; ++i) at.push_back(to_core_time(fire_at[i]));
        auto list = core::stored_deadlines(text, at);
        if (!list) return list.error();
        return static_cast<const char*>(copy_to_palloc(list.value()));
    });
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(stored)));
}

bool read_timestamptz(const char* text, TimestampTz* out) {
    char workbuf[MAXDATELEN + MAXDATEFIELDS];
    char* fields[MAXDATEFIELDS];
    int field_types[MAXDATEFIELDS];
    int field_count = 0;
    int date_type = 0;
    int tz = 0;
    struct pg_tm tm {};
    fsec_t fsec = 0;
    // timestamptz_in's steps, returning instead of raising on malformed text.
    if (ParseDateTime(text, workbuf, sizeof workbuf, fields, field_types, MAXDATEFIELDS,
                      &field_count) != 0 ||
        DecodeDateTime(fields, field_types, field_count, &date_type, &tm, &fsec, &tz) != 0) {
        return false;
    }
    switch (date_type) {
        case DTK_DATE:
            return tm2timestamp(&tm, fsec, &tz, out) == 0 && IS_VALID_TIMESTAMP(*out);
        case DTK_EPOCH:
            *out = SetEpochTimestamp();
            return true;
        case DTK_LATE:
            TIMESTAMP_NOEND(*out);
            return true;
        case DTK_EARLY:
            TIMESTAMP_NOBEGIN(*out);
            return true;
        default:
            return false;
    }
}

bool read_interval(const char* text, Interval* out) {
    char workbuf[256];
    char* fields[MAXDATEFIELDS];
    int field_types[MAXDATEFIELDS];
    int field_count = 0;
    int date_type = 0;
    struct pg_itm_in itm {};
    // interval_in's steps (both syntaxes), returning instead of raising.
    int error = ParseDateTime(text, workbuf, sizeof workbuf, fields, field_types, MAXDATEFIELDS,
                              &field_count);
    if (error == 0) {
        error =
            DecodeInterval(fields, field_types, field_count, INTERVAL_FULL_RANGE, &date_type, &itm);
    }
    if (error == DTERR_BAD_FORMAT) {
        itm = pg_itm_in{};
        error = DecodeISO8601Interval(const_cast<char*>(text), &date_type, &itm);
    }
    return error == 0 && date_type == DTK_DELTA && itmin2interval(&itm, out) == 0;
}

bool valid_core_time(TimestampTz time) {
    return cpp_boundary([&]() -> core::Result<bool> {
        return static_cast<bool>(core::check_time("", to_core_time(time)));
    });
}

}  // namespace workitem::pg
