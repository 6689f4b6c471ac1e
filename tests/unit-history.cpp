// history.hpp: the columns of a metric's history, the histories of a run in first-logged
// order, the status words; and the journal those histories are kept in while a run is open.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace ls = lazyscribe;

TEST_CASE("history: columns, last, min and max leave NaN out") {
    ls::metric_history h;
    CHECK(h.empty());
    CHECK(std::isnan(h.last()));
    CHECK(std::isnan(h.min()));
    h.append(0, 1.5, 0.5);
    h.append(10, 2.5, std::nan(""));
    h.append(5, 3.5, -2.0);  // steps need not increase
    CHECK(h.size() == 3);
    CHECK(h.steps()[2] == 5);
    CHECK(h.times()[1] == 2.5);
    CHECK(h.min() == -2.0);
    CHECK(h.max() == 0.5);
    CHECK(h.last() == -2.0);
}

TEST_CASE("history: a run's histories keep first-logged order, a missing name lists the others") {
    ls::metric_histories all;
    all["z"].append(0, 0, 1);
    all["a"].append(0, 0, 2);
    all["z"].append(1, 0, 3);
    REQUIRE(all.size() == 2);
    CHECK(all.begin()->first == "z");
    CHECK(all.at("z").size() == 2);
    CHECK(all.find("b") == nullptr);
    CHECK_THROWS_WITH(all.at("b", "experiment 'x'"),
                      Catch::Contains("experiment 'x' has no metric history named 'b'") && Catch::Contains("'z', 'a'"));
}

TEST_CASE("history: status words") {
    CHECK(ls::to_string(ls::run_status::running) == "running");
    CHECK(ls::to_string(ls::run_status::finished) == "finished");
    CHECK(ls::to_string(ls::run_status::failed) == "failed");
    CHECK(ls::to_string(ls::run_status::crashed) == "crashed");
    CHECK(std::string(ls::status_tag_prefix) + "running" == "lazyscribe.status=running");
    CHECK(ls::live.heartbeat_interval <= ls::max_heartbeat_interval);
    CHECK(ls::default_crashed_after >= 4 * ls::max_heartbeat_interval);
}

TEST_CASE("history: the journal keeps whole lines, a torn tail is left out") {
    std::string text(ls::detail::journal_header);
    ls::detail::append_journal_declaration(text, 0, "loss");
    ls::detail::append_journal_point(text, {0, 3, 1'700'000'000'123'456, 0.25});
    ls::detail::append_journal_point(text, {0, 4, 1'700'000'001'000'000, -std::numeric_limits<double>::infinity()});
    const std::string whole = text;
    ls::detail::append_journal_point(text, {0, 5, 1'700'000'002'000'000, 0.125});
    for (std::size_t cut = whole.size(); cut < text.size(); ++cut) {
        const auto contents = ls::detail::read_journal(std::string_view(text).substr(0, cut), "j");
        REQUIRE(contents.points == 2);
        CHECK(contents.ignored_bytes == cut - whole.size());
    }
    const auto all = ls::detail::read_journal(text, "j");
    const auto& h = all.histories.at("loss");
    CHECK(h.steps()[0] == 3);
    CHECK(h.times()[0] == 1'700'000'000.123456);
    CHECK(std::isinf(h.values()[1]));
    CHECK(h.values()[2] == 0.125);
    CHECK_THROWS_AS(ls::detail::read_journal("not a journal\n", "j"), ls::format_error);
    // A point of an undeclared metric ends what is read.
    CHECK(ls::detail::read_journal(whole + "p 9 1 1 1\n", "j").ignored_bytes == 10);
}
