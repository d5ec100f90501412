// The HTTP message types every part of the gateway shares: Beast's, with bodies held as strings
// (requests are bounded by the body limit before they are read).
#pragma once

#include <boost/beast/http.hpp>

#include <string>
#include <string_view>

namespace workitem::gateway {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Beast's string_view type changed between Boost releases; the gateway works with std's.
template <class AnyStringView>
std::string_view to_std(const AnyStringView& text) {
    return std::string_view(text.data(), text.size());
}

}  // namespace workitem::gateway
