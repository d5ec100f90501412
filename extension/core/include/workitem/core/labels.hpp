// Enums named by a table of labels (one label per enumerator, in order): the label of a value
// and the value of a label.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace workitem::core {

template <class Enum, std::size_t N>
constexpr std::string_view label_of(const std::array<std::string_view, N>& labels, Enum value) {
    return labels[static_cast<std::size_t>(value)];
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> enum_of(const std::array<std::string_view, N>& labels,
                                      std::string_view label) {
    for (std::size_t i = 0; i < N; ++i) {
        if (labels[i] == label) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

}  // namespace workitem::core
