#include "result_set.hpp"

#include <charconv>
#include <cstring>

namespace workitem::detail {
namespace {

[[noreturn]] void unexpected(const std::string& what) {
    throw_error(ErrorKind::unexpected_result, what);
}

template <class Number>
Number to_number(std::string_view text, const char* column) {
    Number value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        unexpected(std::string("column ") + column + " is not a number: " + std::string(text));
    }
    return value;
}

}  // namespace

// Like PQfnumber for the lower-case names the decoders use, but starting after the column found
// last and wrapping around: PQfnumber scans from the first column every time, which for the
// forty columns of an item was most of the time spent decoding one (each name appears once in
// the answers decoded by name).
int Row::column_index(const char* column) const {
    const int columns = PQnfields(result_);
    for (int step = 0; step < columns; ++step) {
        const int candidate = (next_column_ + step) % columns;
        if (std::strcmp(PQfname(result_, candidate), column) == 0) {
            next_column_ = candidate + 1;
            return candidate;
        }
    }
    unexpected(std::string("the answer has no column ") + column);
}

std::optional<std::string_view> Row::field(const char* column) const {
    const int index = column_index(column);
    if (PQgetisnull(result_, row_, index)) return std::nullopt;
    return std::string_view(PQgetvalue(result_, row_, index),
                            static_cast<std::size_t>(PQgetlength(result_, row_, index)));
}

bool Row::is_null(const char* column) const {
    return !field(column).has_value();
}

std::string_view Row::required(const char* column) const {
    auto value = field(column);
    if (!value) unexpected(std::string("column ") + column + " is NULL");
    return *value;
}

std::string Row::text(const char* column) const {
    return std::string(required(column));
}

std::optional<std::string> Row::optional_text(const char* column) const {
    auto value = field(column);
    return value ? std::optional<std::string>(*value) : std::nullopt;
}

std::int64_t Row::int64(const char* column) const {
    return to_number<std::int64_t>(required(column), column);
}

std::optional<std::int64_t> Row::optional_int64(const char* column) const {
    auto value = field(column);
    return value ? std::optional(to_number<std::int64_t>(*value, column)) : std::nullopt;
}

int Row::int32(const char* column) const {
    return to_number<int>(required(column), column);
}

std::optional<int> Row::optional_int32(const char* column) const {
    auto value = field(column);
    return value ? std::optional(to_number<int>(*value, column)) : std::nullopt;
}

bool Row::boolean(const char* column) const {
    return required(column) == "t";
}

Timestamp Row::timestamp(const char* column) const {
    return parse_timestamp(required(column));
}

std::optional<Timestamp> Row::optional_timestamp(const char* column) const {
    auto value = field(column);
    return value ? std::optional(parse_timestamp(*value)) : std::nullopt;
}

}  // namespace workitem::detail
