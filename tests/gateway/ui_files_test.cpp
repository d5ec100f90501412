// The task inbox's files (client/gateway/src/ui_files.hpp): what --ui-dir may hold and what is
// served of it.
#include "ui_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace workitem::gateway {
namespace {

namespace fs = std::filesystem;

fs::path fresh_directory(const std::string& name) {
    const auto path = fs::temp_directory_path() /
                      ("workitem-gateway-ui-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
}

void write(const fs::path& path, const std::string& content) {
    std::ofstream(path) << content;
}

TEST(GatewayUiFiles, ReadsTheBuiltFilesWithTheirMediaTypes) {
    const auto dir = fresh_directory("built");
    write(dir / "index.html", "<!doctype html>");
    write(dir / "app.js", "export {}");
    write(dir / "app.css", "body{}");
    write(dir / ".hidden", "secret");
    write(dir / "with space.js", "no");
    fs::create_directories(dir / "nested");
    write(dir / "nested" / "deep.js", "no");
    const auto files = read_ui_files(dir.string());
    EXPECT_EQ(files.size(), 3u);
    EXPECT_EQ(files.at("index.html").content_type, "text/html; charset=utf-8");
    EXPECT_EQ(files.at("app.js").content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(files.at("app.css").body, "body{}");
    fs::remove_all(dir);
}

TEST(GatewayUiFiles, RefusesADirectoryWithoutAPageOrThatCannotBeRead) {
    const auto dir = fresh_directory("empty");
    write(dir / "app.js", "export {}");
    EXPECT_THROW(read_ui_files(dir.string()), std::runtime_error);
    EXPECT_THROW(read_ui_files((dir / "missing").string()), std::runtime_error);
    fs::remove_all(dir);
}

TEST(GatewayUiFiles, NamesAreOneSegmentOfSafeCharacters) {
    EXPECT_TRUE(is_ui_file_name("app.js.map"));
    EXPECT_FALSE(is_ui_file_name(""));
    EXPECT_FALSE(is_ui_file_name(".."));
    EXPECT_FALSE(is_ui_file_name(".env"));
    EXPECT_FALSE(is_ui_file_name("../etc/passwd"));
    EXPECT_FALSE(is_ui_file_name("a%2Fb"));
    EXPECT_FALSE(is_ui_file_name(std::string(101, 'a')));
    EXPECT_EQ(ui_content_type("logo.svg"), "image/svg+xml");
    EXPECT_EQ(ui_content_type("data.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace workitem::gateway
