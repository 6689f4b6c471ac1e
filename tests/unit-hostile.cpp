// Files a user did not write: every hostile input is a typed error, nothing is opened
// outside the project, and nothing on disk changes.
#include "support.hpp"

#include <catch2/catch.hpp>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using lazyscribe_test::write_file;

namespace {

std::string experiment_with(const std::string& extra) {
    return R"([{"name": "x", "created_at": "2024-01-01T00:00:00", "last_updated": "2024-01-01T00:00:00",
               "slug": "x-20240101000000")" +
           extra + "}]";
}

std::string error_of(const std::filesystem::path& file, const std::string& content) {
    write_file(file, content);
    try {
        ls::project p(file, ls::mode::edit);
        (void)p["x"].load_artifact<ls::json>("a");
    } catch (const ls::error& e) {
        CHECK(read_file(file) == content);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("hostile: names that would place files outside the project are refused before any file is opened") {
    temp_dir dir;
    const auto file = dir / "p/project.json";
    const std::string artifact =
        R"(, "artifacts": [{"name": "a", "handler": "json", "created_at": "2024-01-01T00:00:00",
                                     "fname": %s}])";
    auto with_fname = [&](const std::string& fname) {
        char buffer[512];
        std::snprintf(buffer, sizeof buffer, artifact.c_str(), fname.c_str());
        return experiment_with(buffer);
    };
    CHECK_THAT(error_of(file, with_fname(R"("../../etc/passwd")")), Catch::Contains("lazyscribe.format_error"));
    CHECK_THAT(error_of(file, with_fname(R"("/etc/passwd")")), Catch::Contains("is not a relative path"));
    CHECK_THAT(error_of(file, with_fname(R"("a\u0000b.json")")), Catch::Contains("'a\\x00b.json' contains a NUL byte"));
    CHECK_THAT(error_of(file, R"([{"name": "x", "created_at": "2024-01-01T00:00:00",
                                   "last_updated": "2024-01-01T00:00:00", "slug": "../../outside"}])"),
               Catch::Contains("field 'slug': '../../outside' climbs out of the folder"));
}

TEST_CASE("hostile: a symbolic link planted inside the project cannot lead a read or a write out of it") {
    temp_dir dir;
    write_file(dir / "outside/secret.json", "{\"secret\": 1}");
    const auto file = dir / "p/project.json";
    write_file(file, experiment_with(R"(, "artifacts": [{"name": "a", "handler": "json",
        "created_at": "2024-01-01T00:00:00", "fname": "link/secret.json"}])"));
    std::filesystem::create_directories(dir / "p/x-20240101000000");
    std::filesystem::create_directory_symlink(dir / "outside", dir / "p/x-20240101000000/link");
    ls::project p(file, ls::mode::edit);
    CHECK_THROWS_WITH(p["x"].load_artifact<ls::json>("a"),
                      Catch::Contains("lazyscribe.format_error") && Catch::Contains("symbolic link"));

    // Writing through a planted link is refused too, and the outside file is unchanged.
    p.edit("x").log_artifact<"json">("b", 1, {.fname = "link/planted.json"});
    CHECK_THROWS_WITH(p.save(), Catch::Contains("symbolic link"));
    CHECK(read_file(dir / "outside/secret.json") == "{\"secret\": 1}");
    CHECK_FALSE(std::filesystem::exists(dir / "outside/planted.json"));
}

TEST_CASE("hostile: malformed content is a typed error with bounded work") {
    temp_dir dir;
    const auto file = dir / "project.json";
    CHECK_THAT(error_of(file, std::string(100000, '[')), Catch::Contains("lazyscribe.parse_error"));
    CHECK_THAT(error_of(file, experiment_with(R"(, "metrics": {"m": )" + std::string(5000, '9') + "}")),
               Catch::Contains("lazyscribe.parse_error"));
    CHECK_THAT(error_of(file, "[{\"name\": \"\xff\xfe\"}]"), Catch::Contains("lazyscribe.parse_error"));
    CHECK_THAT(error_of(file, R"([{"name": "x", "created_at": NaN, "last_updated": "2024-01-01T00:00:00"}])"),
               Catch::Contains("field 'created_at' must be a string"));
    CHECK_THAT(error_of(file, R"([{"name": "x", "created_at": "2024-02-30T00:00:00", "last_updated": "x"}])"),
               Catch::Contains("is not a date-time"));
    CHECK_THAT(error_of(file, "\xef\xbb\xbf[]"), Catch::Contains("byte order mark"));
    CHECK_THAT(error_of(file, "[] []"), Catch::Contains("lazyscribe.parse_error"));
    // A large string is fine: 8 MB of name.
    write_file(file, R"([{"name": ")" + std::string(8 << 20, 'n') +
                         R"(", "created_at": "2024-01-01T00:00:00", "last_updated": "2024-01-01T00:00:00"}])");
    CHECK(ls::project(file, ls::mode::read_only).size() == 1);
}

TEST_CASE("hostile: a file of gigabytes is refused before it is read") {
    temp_dir dir;
    const auto file = dir / "huge.json";
    write_file(file, "[");
    std::filesystem::resize_file(file, (std::uintmax_t{2} << 30) + 1);  // sparse: no disk used
    CHECK_THROWS_WITH(ls::project(file, ls::mode::read_only),
                      Catch::Contains("lazyscribe.format_error") && Catch::Contains("at most 1073741824 bytes"));
    CHECK_THROWS_AS(ls::repository(file, ls::mode::read_only), ls::format_error);
}
