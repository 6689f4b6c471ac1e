// Projects exchanged with the real Python lazyscribe 2.2.1 (tests/python_oracle.hpp): merge
// ties, dependencies written through the registry, both transliteration tables, deep
// nesting and integers wider than 64 bits. Python writes, we read (and write back the same
// bytes); we write, Python reads.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

struct cwd_guard {
    std::filesystem::path saved = std::filesystem::current_path();
    explicit cwd_guard(const std::filesystem::path& to) { std::filesystem::current_path(to); }
    ~cwd_guard() { std::filesystem::current_path(saved); }
};

// The prelude's frozen clock, as our clock.
ls::time_point python_clock() { return ls::detail::parse_time("2025-01-02T03:04:05").value(); }

// Python lines that move the frozen clock: at("2024-05-01T00:00:00").
const std::string set_clock = R"(
import datetime as _dt
import lazyscribe._utils as _u
def at(t):
    _u._LZ_FROZEN = _dt.datetime.fromisoformat(t)
)";

// Python lines that make python-slugify use Unidecode, as it does when text_unidecode cannot
// be imported (python-slugify 4.0.0 tries text_unidecode first; 5 and later prefer Unidecode).
const std::string force_unidecode = R"(
import sys as _sys
import unidecode as _unidecode
_slugify_module = _sys.modules["slugify.slugify"]
_slugify_module.unidecode = _unidecode
assert _slugify_module.slugify("Brand\u2122") == "brand-tm"
)";

// The name of the issue: its slug differs between the tables.
const char* const odd_name = "Brand\xE2\x84\xA2 \xE2\x91\xA0\xE2\x91\xA1 \xF0\x9D\x90\x81old";

}  // namespace

TEST_CASE("project interop: merge follows Python 2.2.1, the other project's copy wins a tie") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(set_clock + R"(
from lazyscribe import Project
a = Project("a.json", mode="w", author="x")
b = Project("b.json", mode="w", author="x")
c = Project("c.json", mode="w", author="x")
at("2024-05-01T00:00:00")
for p, run in ((a, 1), (b, 2), (c, 3)):
    with p.log("Shared") as e:  # same slug, same last_updated: a tie
        e.log_metric("run", run)
for p in (a, b):
    with p.log("Equal") as e:  # equal content: skipped, not inserted twice
        e.log_metric("x", 1)
at("2024-05-02T00:00:00")
with a.log("Only A") as e:
    e.log_metric("a", 1)
with b.log("Only B") as e:
    e.log_metric("b", 1)
at("2024-05-01T12:00:00")
with c.log("Middle") as e:
    e.tag("c")
for p in (a, b, c):
    p.save()
)",
              dir.path());
    const auto python_merge = [&](const std::string& order) {
        return python_ok(R"(
import json
from lazyscribe import Project
a, b, c = (Project(f, mode="r") for f in ("a.json", "b.json", "c.json"))
m = )" + order + R"(
print(json.dumps(list(m), sort_keys=True, indent=4))
)",
                         dir.path());
    };
    const ls::project a(dir / "a.json", ls::mode::read_only);
    const ls::project b(dir / "b.json", ls::mode::read_only);
    const ls::project c(dir / "c.json", ls::mode::read_only);

    const auto abc = a.merge(b, c);
    CHECK(abc.to_text() + "\n" == python_merge("a.merge(b, c)"));
    CHECK(abc["shared"].metrics()["run"] == 3);
    const auto ba = b.merge(a);
    CHECK(ba.to_text() + "\n" == python_merge("b.merge(a)"));
    CHECK(ba["shared"].metrics()["run"] == 1);
    const auto ca = c.merge(a);
    CHECK(ca.to_text() + "\n" == python_merge("c.merge(a)"));
    CHECK(a.merge().to_text() + "\n" == python_merge("a.merge()"));
}

TEST_CASE("project interop: dependencies are written through the registry at save time, as Python does") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    cwd_guard cwd(dir.path());
    python_ok(R"(
from lazyscribe import Project
up = Project("upstream/project.json", mode="w", author="u")
with up.log("Feature set") as e:
    pass
up.save()
down = Project("downstream/project.json", mode="w", author="d")
with down.log("Model") as e:
    e.dependencies["feature-set"] = Project("upstream/project.json", mode="r")["feature-set"]
down.save()
)",
              dir.path());
    const std::string slug = "feature-set-20250102030405";
    REQUIRE(read_file("downstream/project.json").find("\"upstream/project.json|" + slug + "\"") != std::string::npos);

    // A path reference to a project that is now registered becomes key|slug.
    ls::project_registry::clear();
    ls::project_registry::add("features", "upstream/project.json");
    {
        ls::project down("downstream/project.json", ls::mode::append);
        const auto python_view = python_ok(R"(
import json
from lazyscribe import Project
from lazyscribe.registry import registry
registry.add_project("features", Project("upstream/project.json", mode="r"))
print(json.dumps(list(Project("downstream/project.json", mode="a")), sort_keys=True, indent=4))
)",
                                           dir.path());
        CHECK(down.to_text() + "\n" == python_view);
        CHECK(down.to_text().find("\"features|" + slug + "\"") != std::string::npos);
        down.save();
    }
    const auto read_back = python_ok(R"(
from lazyscribe import Project
from lazyscribe.registry import registry
registry.add_project("features", Project("upstream/project.json", mode="r"))
p = Project("downstream/project.json", mode="r")
print(list(p["model"].dependencies), p["model"].to_dict()["dependencies"])
)",
                                     dir.path());
    CHECK(read_back == "['feature-set'] ['features|" + slug + "']\n");

    // A key reference whose key is gone from the registry by save time: the registered path.
    {
        ls::project down("downstream/project.json", ls::mode::append);
        ls::project_registry::remove("features");
        const auto python_view = python_ok(R"(
import json
from lazyscribe import Project
from lazyscribe.registry import registry
registry.add_project("features", Project("upstream/project.json", mode="r"))
p = Project("downstream/project.json", mode="a")
registry.projects.clear()
print(json.dumps(list(p), sort_keys=True, indent=4))
)",
                                           dir.path());
        CHECK(down.to_text() + "\n" == python_view);
        CHECK(down.to_text().find("\"upstream/project.json|" + slug + "\"") != std::string::npos);
    }

    // A path spelt another way is written as Python's Path spells it.
    {
        std::string text = read_file("downstream/project.json");
        const auto at = text.find("features|");
        REQUIRE(at != std::string::npos);
        text.replace(at, std::string("features").size(), "./upstream//project.json");
        lazyscribe_test::write_file("downstream/project.json", text);
        const ls::project down("downstream/project.json", ls::mode::read_only);
        const auto python_view = python_ok(R"(
import json
from lazyscribe import Project
print(json.dumps(list(Project("downstream/project.json", mode="a")), sort_keys=True, indent=4))
)",
                                           dir.path());
        CHECK(down.to_text() + "\n" == python_view);
        CHECK(down["model"].dependencies()[0].encoded() == "./upstream//project.json|" + slug);  // as read
        CHECK(down["model"].dependencies()[0].written() == "upstream/project.json|" + slug);
    }
    ls::project_registry::clear();
}

TEST_CASE("project interop: test folders and slugs with either transliteration table") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    const std::string python_writes = R"(
from lazyscribe import Project
p = Project("project.json", mode="w", author="x")
with p.log(")" + std::string(odd_name) +
                                      R"(") as e:
    e.log_artifact(")" + std::string(odd_name) +
                                      R"(", {"n": 1}, handler="json")
    with e.log_test(")" + std::string(odd_name) +
                                      R"(") as t:
        t.log_artifact("table", [1, 2], handler="json")
p.save()
print(p.experiments[0].slug, p.experiments[0].tests[0].path.name, p.experiments[0].artifacts[0].fname)
)";
    struct configuration {
        const char* what;
        std::string python_prefix;
        ls::slug_table table;
        const char* test_folder;
    };
    const configuration configurations[] = {
        {"text-unidecode (a plain pip install)", "", ls::slug_table::text_unidecode, "brandtm-old"},
        {"Unidecode installed", force_unidecode, ls::slug_table::unidecode, "brand-tm-12-bold"},
    };
    for (const auto& c : configurations) {
        INFO(c.what);
        temp_dir py;
        const auto out = python_ok(c.python_prefix + python_writes, py.path());
        const std::string folder = c.test_folder;
        CHECK(out == folder + "-20250102030405 " + folder + " " + folder + "-20250102030405.json\n");

        // We read what Python wrote: the test artifact is found in the folder Python used.
        ls::project_options options;
        options.slugs = c.table;
        const ls::project from_python(py / "project.json", ls::mode::read_only, options);
        const auto& e = from_python[folder];
        CHECK(e.test(odd_name).path().filename() == folder);
        CHECK(e.test(odd_name).load_artifact<ls::json>("table") == ls::json{1, 2});
        // With the other table the folder is another one, and the file is not there.
        ls::project_options other = options;
        other.slugs = c.table == ls::slug_table::unidecode ? ls::slug_table::text_unidecode : ls::slug_table::unidecode;
        const ls::project wrong(py / "project.json", ls::mode::read_only, other);
        CHECK(wrong[folder].test(odd_name).path().filename() != folder);
        CHECK_THROWS_AS(wrong[folder].test(odd_name).load_artifact<ls::json>("table"), ls::error);

        // We write the same project: the same bytes, and Python reads our files.
        temp_dir ours;
        ls::project_options write_options = options;
        write_options.author = "x";
        write_options.clock = &python_clock;
        {
            ls::project p(ours / "project.json", ls::mode::write, write_options);
            p.log(odd_name, [](ls::experiment& x) {
                x.log_artifact<"json">(odd_name, ls::json{{"n", 1}});
                x.log_test(odd_name, std::nullopt, [](ls::test& t) {
                    t.log_artifact<"json">("table", ls::json{1, 2});
                });
            });
            p.save();
        }
        CHECK(read_file(ours / "project.json") == read_file(py / "project.json"));
        CHECK(std::filesystem::exists(ours / (folder + "-20250102030405") / folder));
        const auto back = python_ok(c.python_prefix + R"(
from lazyscribe import Project
p = Project("project.json", mode="r")
e = p[")" + folder + R"("]
print(e.load_artifact(")" + std::string(odd_name) +
                                        R"("), e.tests[0].load_artifact("table"))
)",
                                    ours.path());
        CHECK(back == "{'n': 1} [1, 2]\n");
    }
}

TEST_CASE("project interop: parameters as deep as Python writes them are read and written back") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    // Python 3.11 saves a parameter nested about 494 deep with its default recursion limit
    // (the exact depth depends on the frames below the save): find its deepest save.
    const auto out = python_ok(R"(
from lazyscribe import Project
def nested(n):
    v = 1
    for _ in range(n):
        v = [v]
    return v
deepest = None
for n in range(470, 1000):
    p = Project("try.json", mode="w", author="x")
    with p.log("Deep") as e:
        e.log_parameter("list", nested(n))
        e.log_parameter("dict", {"k": 0})
    try:
        p.save()
    except RecursionError:
        break
    deepest = n
p = Project("deep.json", mode="w", author="x")
with p.log("Deep") as e:
    e.log_parameter("list", nested(deepest))
p.save()
print(deepest)
)",
                               dir.path());
    const int deepest = std::stoi(out);
    CHECK(deepest > 470);
    CHECK(deepest < 600);
    const auto python_text = read_file(dir / "deep.json");
    {
        ls::project p(dir / "deep.json", ls::mode::append, "x");
        CHECK(p.to_text() == python_text);
        p.log("Small", [](ls::experiment& e) { e.log_metric("m", 1); });
        p.save();
    }
    // Python reads the deep experiment back from our file.
    const auto read = python_ok(R"(
from lazyscribe import Project
p = Project("deep.json", mode="r")
v = p["deep"].parameters["list"]
n = 0
while isinstance(v, list):
    v, n = v[0], n + 1
print(n, v, p["small"].metrics["m"])
)",
                                dir.path());
    CHECK(read == std::to_string(deepest) + " 1 1\n");
    {
        // Deeper than Python writes, within our limit: saved, and read again.
        ls::project p(dir / "deep.json", ls::mode::append, "x");
        ls::json v = 1;
        for (int i = 0; i < 1500; ++i) v = ls::json::array({std::move(v)});
        p.log("Deeper in C++", [&](ls::experiment& e) { e.log_parameter("list", v); });
        p.save();
        const ls::project again(dir / "deep.json", ls::mode::read_only);
        CHECK(again["deeper-in-c"].parameters()["list"] == v);
        CHECK(again["deep"].to_json() == p["deep"].to_json());
        CHECK(again.to_text() == read_file(dir / "deep.json"));
    }
    // ... which Python itself cannot read (docs/format-compatibility.md says so).
    const auto back = python_ok(R"(
import json
try:
    json.load(open("deep.json"))
    print("loaded")
except RecursionError:
    print("RecursionError")
)",
                                dir.path());
    CHECK(back == "RecursionError\n");
}

TEST_CASE("project interop: integers wider than 64 bits, both ways") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
from lazyscribe import Project
p = Project("big.json", mode="w", author="x")
with p.log("Big") as e:
    e.log_parameter("two_70", 2**70)
    e.log_parameter("minus_two_65", -2**65)
    e.log_parameter("edges", [2**63 - 1, 2**63, 2**64 - 1, 2**64, -2**63, -2**63 - 1])
    e.log_parameter("nested", {"deep": [{"n": 10**40}]})
    e.log_metric("huge", 2**100)
p.save()
)",
              dir.path());
    const std::string python_text = read_file(dir / "big.json");
    const ls::project p(dir / "big.json", ls::mode::read_only);
    const auto& e = p["big"];
    const auto& two_70 = e.parameters().at("two_70");
    CHECK(ls::is_big_integer(two_70));
    CHECK(ls::is_integer(two_70));
    CHECK(ls::integer_digits(two_70) == "1180591620717411303424");
    CHECK(ls::integer_digits(e.parameters().at("minus_two_65")) == "-36893488147419103232");
    const auto& edges = e.parameters().at("edges");
    CHECK(edges[0].get<std::int64_t>() == INT64_MAX);
    CHECK(edges[1].get<std::uint64_t>() == 9223372036854775808u);
    CHECK(edges[2].get<std::uint64_t>() == UINT64_MAX);
    CHECK(ls::is_big_integer(edges[3]));
    CHECK(ls::integer_digits(edges[3]) == "18446744073709551616");
    CHECK(edges[4].get<std::int64_t>() == INT64_MIN);
    CHECK(ls::integer_digits(edges[5]) == "-9223372036854775809");
    CHECK(ls::integer_digits(e.parameters()["nested"]["deep"][0]["n"]) == "1" + std::string(40, '0'));
    CHECK(ls::integer_digits(e.metrics().at("huge")) == "1267650600228229401496703205376");
    CHECK(p.to_text() == python_text);  // written back digit for digit

    // Logged from C++ through the public API: Python reads the same integers.
    {
        ls::project ours(dir / "ours.json", ls::mode::write, "x");
        ours.log("Ours", [](ls::experiment& x) {
            x.log_parameter("two_70", ls::big_integer("1180591620717411303424"));
            x.log_parameter("list", ls::json::array({ls::big_integer("-36893488147419103232"), ls::big_integer("7")}));
            x.log_metric("huge", ls::big_integer("1267650600228229401496703205376"));
        });
        ours.save();
    }
    const auto out = python_ok(R"(
from lazyscribe import Project
e = Project("ours.json", mode="r")["ours"]
print(e.parameters["two_70"] == 2**70, e.parameters["list"] == [-2**65, 7], e.metrics["huge"] == 2**100)
print(type(e.parameters["list"][1]).__name__)
)",
                               dir.path());
    CHECK(out == "True True True\nint\n");
}
