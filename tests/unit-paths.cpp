// resolve_inside() (paths.hpp): relative paths that stay in their folder, and the ones refused.

#include <lazyscribe/errors.hpp>
#include <lazyscribe/paths.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using lazyscribe::resolve_inside;

TEST_CASE("resolve_inside joins a path that stays in the folder", "[paths]") {
    CHECK(resolve_inside("/p/exp", "model.json", "fname") == std::filesystem::path("/p/exp/model.json"));
    CHECK(resolve_inside("/p/exp", "sub/model.json", "fname") == std::filesystem::path("/p/exp/sub/model.json"));
    CHECK(resolve_inside("/p/exp", "sub/../model.json", "fname") == std::filesystem::path("/p/exp/sub/../model.json"));
}

TEST_CASE("resolve_inside refuses a path that leaves the folder, naming it", "[paths]") {
    const std::string nul("a\0b", 3);
    for (const std::string& bad :
         std::vector<std::string>{"../x.json", "a/../../x.json", "/etc/passwd", "", ".", "..", nul}) {
        INFO(bad);
        CHECK_THROWS_AS(resolve_inside("/p/exp", bad, "artifact 'm': fname"), lazyscribe::path_error);
    }
    try {
        (void)resolve_inside("/p/exp", "../x.json", "artifact 'm': fname");
        FAIL("no error");
    } catch (const lazyscribe::path_error& e) {
        const std::string what = e.what();
        CHECK(what.find("artifact 'm': fname") != std::string::npos);
        CHECK(what.find("../x.json") != std::string::npos);
        CHECK(what.find("/p/exp") != std::string::npos);
    }
}
