// time.hpp: format_time and parse_time, against known values and against Python: what Python
// lazyscribe writes (isoformat(timespec="seconds") of a naive UTC datetime) and what its
// datetime.fromisoformat reads.
#include <lazyscribe/time.hpp>

#include "python_oracle.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace ls = lazyscribe;
using namespace std::chrono_literals;

namespace {

ls::time_point at(std::int64_t seconds) { return ls::time_point{std::chrono::seconds{seconds}}; }

// Seconds since 1970 that cover the edges: the epoch, before it, leap days, ends of months,
// years and centuries, the largest year Python has.
const std::vector<std::int64_t> instants = {0,           -1,           1,
                                            951782400,   951868799,  // 2000-02-29T00:00:00, 2000-02-29T23:59:59
                                            1709164800,  1709251199,   1704164645,
                                            4107542399,  // 2024-02-29, 2024-01-02T03:04:05, 2100-02-28
                                            -2208988800, -62135596800, 253402300799,
                                            1735786800,  2147483647,   2147483648};

}  // namespace

TEST_CASE("time: format_time writes YYYY-MM-DDTHH:MM:SS in UTC", "[time]") {
    CHECK(ls::format_time(at(0)) == "1970-01-01T00:00:00");
    CHECK(ls::format_time(at(-1)) == "1969-12-31T23:59:59");
    CHECK(ls::format_time(at(1704164645)) == "2024-01-02T03:04:05");
    CHECK(ls::format_time(at(951868799)) == "2000-02-29T23:59:59");
    CHECK(ls::format_time(at(-62135596800)) == "0001-01-01T00:00:00");
    CHECK(ls::format_time(at(253402300799)) == "9999-12-31T23:59:59");
}

TEST_CASE("time: parse_time reads what format_time writes, for every instant", "[time]") {
    for (const auto s : instants) {
        INFO(s);
        const auto text = ls::format_time(at(s));
        REQUIRE(ls::parse_time(text) == at(s));
        CHECK(ls::format_time(*ls::parse_time(text)) == text);
    }
}

TEST_CASE("time: parse_time accepts Python's other spellings of the same instant", "[time]") {
    const auto t = at(1704164645);
    CHECK(ls::parse_time("2024-01-02 03:04:05") == t);
    CHECK(ls::parse_time("2024-01-02T03:04:05Z") == t);
    CHECK(ls::parse_time("2024-01-02T03:04:05+00:00") == t);
    CHECK(ls::parse_time("2024-01-02T03:04:05.999999") == t);  // truncated, not rounded
    CHECK(ls::parse_time("2024-01-02T03:04:05.5+00:00") == t);
}

TEST_CASE("time: parse_time refuses malformed text and impossible dates", "[time]") {
    for (const char* bad :
         {"", "2024-01-02", "2024-01-02T03:04", "2024-01-02T03:04:05.", "2024-01-02T03:04:05+01:00",
          "2024-01-02T03:04:05 ", "2024-01-02t03:04:05", "2024/01/02T03:04:05", "24-01-02T03:04:05",
          "2023-02-29T00:00:00", "2024-02-30T00:00:00", "2024-13-01T00:00:00", "2024-00-10T00:00:00",
          "2024-01-02T24:00:00", "2024-01-02T23:60:00", "2024-01-02T23:59:60", "2024-01-0aT00:00:00"}) {
        INFO(bad);
        CHECK_FALSE(ls::parse_time(bad).has_value());
    }
}

TEST_CASE("time: Python writes what format_time writes, and reads it back as the same instant", "[time][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    const auto dir = std::filesystem::temp_directory_path();
    std::string script = "import datetime\nepoch = datetime.datetime(1970, 1, 1)\nfor s in [";
    for (const auto s : instants) script += std::to_string(s) + ",";
    script +=
        "]:\n"
        "    t = epoch + datetime.timedelta(seconds=s)\n"
        "    text = t.isoformat(timespec='seconds')\n"
        "    back = datetime.datetime.fromisoformat(text)\n"
        "    assert back == t and datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S') == t\n"
        "    print(text)\n";
    std::istringstream lines(lazyscribe_test::python_ok(script, dir));
    for (const auto s : instants) {
        std::string python_text;
        REQUIRE(std::getline(lines, python_text));
        INFO(s);
        CHECK(ls::format_time(at(s)) == python_text);
        CHECK(ls::parse_time(python_text) == at(s));
    }
}

TEST_CASE("time: where parse_time accepts a text, Python's fromisoformat reads the same instant", "[time][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    const auto dir = std::filesystem::temp_directory_path();
    const std::vector<std::string> texts = {"2024-01-02T03:04:05",     "2024-01-02 03:04:05",
                                            "2024-01-02T03:04:05Z",    "2024-01-02T03:04:05+00:00",
                                            "2024-01-02T03:04:05.123", "2024-01-02T03:04:05.999999",
                                            "2023-02-29T00:00:00",     "2024-01-02T24:00:00",
                                            "2024-01-02T03:04:05.",    "2024-01-02T03:04"};
    // Python prints the whole seconds since 1970, or "rejected".
    std::string script = "import datetime\nfor text in [";
    for (const auto& text : texts) script += "'" + text + "',";
    script +=
        "]:\n"
        "    try:\n"
        "        t = datetime.datetime.fromisoformat(text)\n"
        "    except ValueError:\n"
        "        print('rejected'); continue\n"
        "    t = t.replace(tzinfo=None, microsecond=0)\n"
        "    print((t - datetime.datetime(1970, 1, 1)) // datetime.timedelta(seconds=1))\n";
    std::istringstream lines(lazyscribe_test::python_ok(script, dir));
    for (const auto& text : texts) {
        std::string answer;
        REQUIRE(std::getline(lines, answer));
        INFO(text << " -> Python: " << answer);
        const auto ours = ls::parse_time(text);
        if (answer == "rejected") {
            CHECK_FALSE(ours.has_value());  // never more lenient than Python
        } else if (ours) {
            CHECK(ours->time_since_epoch().count() == std::stoll(answer));
        }
    }
}
