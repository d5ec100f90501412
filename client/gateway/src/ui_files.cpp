#include "ui_files.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace workitem::gateway {

bool is_ui_file_name(std::string_view name) {
    if (name.empty() || name.size() > 100 || name.front() == '.') return false;
    for (const char c : name) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (!allowed) return false;
    }
    return true;
}

std::string_view ui_content_type(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    }};
    for (const auto& [extension, type] : types) {
        if (name.ends_with(extension)) return type;
    }
    return "application/octet-stream";
}

UiFiles read_ui_files(const std::string& directory) {
    namespace fs = std::filesystem;
    std::error_code error;
    fs::directory_iterator entries(directory, error);
    if (error) throw std::runtime_error("cannot read the UI directory " + directory);
    UiFiles files;
    std::size_t bytes = 0;
    for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || !is_ui_file_name(name)) continue;
        std::ifstream file(entry.path(), std::ios::binary);
        std::ostringstream body;
        body << file.rdbuf();
        if (!file) throw std::runtime_error("cannot read " + entry.path().string());
        bytes += body.str().size();
        if (files.size() == max_ui_files || bytes > max_ui_bytes) {
            throw std::runtime_error("the UI directory " + directory + " holds more than " +
                                     std::to_string(max_ui_files) + " files or " +
                                     std::to_string(max_ui_bytes) + " bytes");
        }
        files.emplace(name, UiFile{std::string(ui_content_type(name)), body.str()});
    }
    if (!files.contains("index.html")) {
        throw std::runtime_error("the UI directory " + directory + " has no index.html");
    }
    return files;
}

}  // namespace workitem::gateway
