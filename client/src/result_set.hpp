// RAII for PGresult, and the typed reading of its fields by column name. No PGresult leaves
// the library: decoders turn it into the value types of types.hpp.
#pragma once

#include <workitem/types.hpp>

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace workitem::detail {

class ResultSet {
  public:
    ResultSet() = default;
    explicit ResultSet(PGresult* result) : result_(result, &PQclear) {}

    const PGresult* get() const { return result_.get(); }
    int rows() const { return result_ ? PQntuples(result_.get()) : 0; }

  private:
    std::unique_ptr<PGresult, decltype(&PQclear)> result_{nullptr, &PQclear};
};

// One row of a result; fields are found by column name. Not thread-safe (it remembers where the
// last column was found).
class Row {
  public:
    Row(const ResultSet& result, int row) : result_(result.get()), row_(row) {}

    bool is_null(const char* column) const;
    std::optional<std::string_view> field(const char* column) const;

    std::string text(const char* column) const;
    std::optional<std::string> optional_text(const char* column) const;
    std::int64_t int64(const char* column) const;
    std::optional<std::int64_t> optional_int64(const char* column) const;
    int int32(const char* column) const;
    std::optional<int> optional_int32(const char* column) const;
    bool boolean(const char* column) const;
    Timestamp timestamp(const char* column) const;
    std::optional<Timestamp> optional_timestamp(const char* column) const;

  private:
    int column_index(const char* column) const;
    std::string_view required(const char* column) const;
    const PGresult* result_;
    int row_;
    // Where the next lookup starts: the decoders read the columns in about the order the answer
    // has them, so most lookups take one comparison instead of a scan of every name.
    mutable int next_column_{0};
};

}  // namespace workitem::detail
