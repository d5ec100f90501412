// The task inbox's static files (docs/tasklist.md), read once at start from --ui-dir and served
// from memory under /ui/: nothing on disk is opened per request, so no path a client sends can
// reach a file outside the set.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace workitem::gateway {

struct UiFile {
    std::string content_type;
    std::string body;
};

// File name ("index.html", "app.js") -> file.
using UiFiles = std::map<std::string, UiFile, std::less<>>;

// Limits of what --ui-dir may hold: the built page is a few hundred KiB.
constexpr std::size_t max_ui_files = 200;
constexpr std::size_t max_ui_bytes = 20 * 1024 * 1024;

// Every regular file directly in `directory` whose name is letters, digits, '.', '-' and '_'
// (not starting with '.'), with its media type by extension; throws std::runtime_error when the
// directory cannot be read, holds no index.html, or exceeds the limits.
UiFiles read_ui_files(const std::string& directory);

// The media type served for a file name ("application/octet-stream" when unknown).
std::string_view ui_content_type(std::string_view name);

// Whether `name` may name a UI file (the rule above).
bool is_ui_file_name(std::string_view name);

}  // namespace workitem::gateway
