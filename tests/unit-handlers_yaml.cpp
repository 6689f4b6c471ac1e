// The yaml handler (handlers/yaml.hpp) against PyYAML itself: what we write equals
// yaml.dump's bytes for the same value (and kwargs), and yaml.safe_load reads it back equal;
// what PyYAML writes, and hand-written YAML 1.1, read here as yaml.safe_load reads it; what has
// no JSON counterpart is refused with the line and column; Python lazyscribe with the
// lazyscribe-yaml plugin loads our artifacts and we load its own.
#include "python_oracle.hpp"
#include "support.hpp"

#include <lazyscribe/handlers/yaml.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

namespace ls = lazyscribe;
namespace ly = lazyscribe::detail::yaml;

namespace {

std::string dumped(const ls::json& value, const ls::json& kwargs = ls::json::object()) {
    std::ostringstream out;
    ls::yaml_handler::write(value, out, kwargs);
    return out.str();
}

ls::json loaded(const std::string& text) {
    std::istringstream in(text);
    return ls::yaml_handler::read<ls::json>(in, ls::json::object());
}

bool have_pyyaml() { return std::system("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") == 0; }

// Runs `program` with Debian's python3; `input` is in the file named by sys.argv[1], and what
// the program writes to the file sys.argv[2] is returned.
std::string python(const std::string& program, const std::string& input) {
    lazyscribe_test::temp_dir dir;
    const auto in = dir / "in";
    const auto out = dir / "out";
    const auto script = dir / "p.py";
    lazyscribe_test::write_file(in, input);
    lazyscribe_test::write_file(script, "import sys, json, yaml\nsrc = open(sys.argv[1], encoding='utf-8').read()\n"
                                        "dst = open(sys.argv[2], 'w', encoding='utf-8')\n" +
                                            program);
    const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + in.string() + "' '" + out.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    return lazyscribe_test::read_file(out);
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// Line breaks in YAML 1.1 (PyYAML) but ordinary characters in YAML 1.2 (yaml-cpp): with
// allow_unicode, PyYAML writes them raw and indents the next line, which yaml-cpp then keeps.
constexpr const char* yaml_11_breaks[] = {"nel\u0085x", "ls\u2028x", "ps\u2029x"};

bool yaml_11_break_raw(const ls::json& value, const ls::json& kwargs) {
    if (!kwargs.value("allow_unicode", false) || !value.is_string()) return false;
    const auto& s = value.get_ref<const std::string&>();
    return s.find("\u0085") != std::string::npos || s.find("\u2028") != std::string::npos || s.find("\u2029") != std::string::npos;
}

// Values whose YAML exercises each of PyYAML's choices: the resolver (strings that would read
// as another type), each quoting style, folding of long lines, keys too long or empty, block
// sequences inside mappings, escapes, and every kind of number.
ls::json corpus() {
    ls::json strings = ls::json::array();
    for (const char* s : {"", " ", "a", "abc", "hello world", "yes", "No", "ON", "off", "y", "n", "true", "False",
                          "null", "Null", "~", "0", "12", "-3", "+4", "012", "08", "0x1F", "0b101", "1_000", "1:30",
                          "190:20:30.15", "1.5", ".5", "1e5", "1.0e+5", ".inf", "-.Inf", ".NaN", "nan", "inf",
                          "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "<<", "=",
                          "!", "&", "*", "- a", "-a", "-", "--", "---", "--- x", "...", "a: b", "a:b", "a:", ":a",
                          "? x", "?x", "#x", "a #x", "a#x", "[x]", "{x}", "x,y", "'quoted'", "\"dq\"", "back\\slash",
                          "%x", "@x", "`x", "|x", ">x", "tab\there", "line\nbreak", "two\n\nbreaks", "trail\n",
                          "\nlead", " lead", "trail ", "space \nbreak", "break\n space", "café", "snow ☃",
                          "clef 𝄞", "nbsp\u00a0x", "bom\ufeffx", "bell\ax", "nul",
                          "it's", "a'b'c"}) {
        strings.push_back(s);
    }
    strings.push_back(std::string("nul\0x", 5));
    strings.push_back(repeat("word ", 40));
    strings.push_back(repeat("longword", 15) + " " + repeat("x", 90) + " end");
    strings.push_back(repeat("it's ", 30));
    strings.push_back(repeat("caf\u00e9 ", 30));
    strings.push_back(repeat("a  b ", 30));
    strings.push_back(repeat("line\n", 5) + repeat("w ", 60));

    ls::json numbers = ls::json::array({0, 1, -1, 42, 9223372036854775807LL, -9223372036854775807LL - 1,
                                        18446744073709551615ULL, 0.0, -0.0, 1.5, -2.25, 0.1, 1e16, 1e-5, 1e300,
                                        -1e-300, 123456789.0, 3.0, std::nan(""), HUGE_VAL, -HUGE_VAL});
    numbers.push_back(ls::big_integer("123456789012345678901234567890"));
    numbers.push_back(ls::big_integer("-123456789012345678901234567890"));

    ls::json keys = ls::json::object();
    for (const auto& s : strings) keys[s.get<std::string>()] = s;
    keys[repeat("k", 122)] = 1;
    keys[repeat("k", 123)] = 2;
    keys[repeat("é", 122)] = 3;

    ls::json nested = {{"list", {1, {2, 3}, ls::json::array(), ls::json::object(), {{"a", {1, 2}}, {"b", {{"c", nullptr}}}}}},
                       {"map", {{"inner", {{"deep", {"x", {"y", {"z"}}}}}}, {"empty", ls::json::object()}}},
                       {"flag", true},
                       {"none", nullptr}};

    ls::json all = ls::json::array();
    for (const auto& s : strings) all.push_back(s);  // each at the root: '...' endings, root quoting
    for (const char* s : yaml_11_breaks) all.push_back(s);
    for (const auto& n : numbers) all.push_back(n);
    all.push_back(nullptr);
    all.push_back(true);
    all.push_back(ls::json::array());
    all.push_back(ls::json::object());
    all.push_back(strings);
    all.push_back(numbers);
    all.push_back(keys);
    all.push_back(nested);
    all.push_back(ls::json::array({nested, ls::json::array({ls::json::array({1})}), keys}));
    return all;
}

// Python's json text of a value, NaN and big integers included.
std::string text_of(const ls::json& value) { return ls::detail::pyjson::dump(value, {}); }

bool same(const ls::json& a, const ls::json& b) {  // NaN equals NaN here
    if (a.is_number_float() && b.is_number_float() && std::isnan(a.get<double>())) return std::isnan(b.get<double>());
    if (a.type() != b.type() || a.size() != b.size()) return a == b;
    if (a.is_array()) {
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it)
            if (!b.contains(it.key()) || !same(it.value(), b.at(it.key()))) return false;
        return true;
    }
    return a == b;
}

}  // namespace

TEST_CASE("yaml: the resolver types plain scalars as PyYAML does") {
    using t = ly::plain_type;
    for (const char* s : {"yes", "NO", "on", "Off", "true", "FALSE"}) CHECK(ly::resolve_plain(s) == t::boolean);
    for (const char* s : {"0", "-12", "+7", "012", "0b1_0", "0x_fF", "1_000", "1__", "1:30", "-1:02:03"})
        CHECK(ly::resolve_plain(s) == t::integer);
    for (const char* s : {"1.5", "-1.", "1_0.0_1", ".5", "1.0e+5", ".5e-3", "1:30.5", ".inf", "-.Inf", "+.INF", ".nan"})
        CHECK(ly::resolve_plain(s) == t::floating);
    for (const char* s : {"", "~", "null", "Null", "NULL"}) CHECK(ly::resolve_plain(s) == t::null);
    for (const char* s : {"2001-12-14", "2001-1-4 1:59:43", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43 Z"})
        CHECK(ly::resolve_plain(s) == t::timestamp);
    for (const char* s : {"y", "n", "nul", "1e5", "1.0e5", "-.nan", "08", "0b2", "0x", "1:60", "1:3:", "12-14",
                          "2001-12-14x", "inf", "nan", "--", "a1", "1 2", "café"})
        CHECK(ly::resolve_plain(s) == t::str);
    CHECK(ly::resolve_plain("<<") == t::merge);
    CHECK(ly::resolve_plain("=") == t::value);
}

TEST_CASE("yaml: small values are written as yaml.dump writes them") {
    CHECK(dumped({{"b", 1}, {"a", {1, 2}}}) == "a:\n- 1\n- 2\nb: 1\n");
    CHECK(dumped("text") == "text\n...\n");
    CHECK(dumped("yes") == "'yes'\n");
    CHECK(dumped(ls::json::array()) == "[]\n");
    CHECK(dumped({{"x", ls::json::object()}}) == "x: {}\n");
    CHECK(dumped({{"k", "line\nbreak"}}) == "k: 'line\n\n  break'\n");
    CHECK(dumped({{"k", 1e16}, {"n", std::nan("")}}) == "k: 1.0e+16\nn: .nan\n");
    CHECK(dumped({{"k", "caf\u00e9"}}) == "k: \"caf\\xE9\"\n");
    CHECK(dumped({{"k", "caf\u00e9"}}, {{"allow_unicode", true}}) == "k: caf\u00e9\n");
    CHECK(dumped({{"", 1}}) == "? ''\n: 1\n");
}

TEST_CASE("yaml: what we write equals yaml.dump's bytes and yaml.safe_load reads it back") {
    if (!have_pyyaml()) {
        std::cout << lazyscribe_test::python_skip_marker << " yaml test skipped: /usr/bin/python3 with PyYAML is absent\n";
        return;
    }
    const ls::json values = corpus();
    const ls::json variants = ls::json::array({ls::json::object(), {{"allow_unicode", true}}, {{"indent", 4}, {"width", 40}},
                                               {{"width", 20}, {"allow_unicode", true}}, {{"indent", 3}}});
    // Python dumps each value with each kwargs; we compare its text with ours.
    const std::string python_yaml = python(R"(
values = json.loads(src)
kwargs = [{}, {"allow_unicode": True}, {"indent": 4, "width": 40}, {"width": 20, "allow_unicode": True}, {"indent": 3}]
json.dump([[yaml.dump(v, **k) for k in kwargs] for v in values], dst)
)",
                                           text_of(values));
    const auto expected = ls::json::parse(python_yaml);
    REQUIRE(expected.size() == values.size());
    std::size_t compared = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        for (std::size_t k = 0; k < variants.size(); ++k) {
            const std::string ours = dumped(values[i], variants[k]);
            INFO("value " << i << " " << text_of(values[i]).substr(0, 200) << " kwargs " << variants[k].dump());
            CHECK(ours == expected[i][k].get<std::string>());
            if (!yaml_11_break_raw(values[i], variants[k])) CHECK(same(loaded(ours), values[i]));
            ++compared;
        }
    }
    CHECK(compared == values.size() * variants.size());
    // And PyYAML's safe_load of our text gives the value itself.
    ls::json texts = ls::json::array();
    for (const auto& v : values) texts.push_back(dumped(v));
    const std::string back = python("json.dump([yaml.safe_load(t) for t in json.loads(src)], dst)\n", texts.dump());
    const auto reloaded = ls::detail::pyjson::parse<ls::json>(back, "python");
    REQUIRE(reloaded.size() == values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        INFO("value " << i);
        CHECK(same(reloaded[i], values[i]));
    }
}

TEST_CASE("yaml: YAML 1.1 as yaml.safe_load reads it") {
    const std::string document = R"(# hand-written, in every style PyYAML reads
bools: [yes, No, on, OFF, true, False]
ints: [0, -12, +7, 012, 0b1_0, 0x_fF, 1_000, 1:30, 190:20:30]
floats: [1.5, -1., .5, 1.0e+5, 1:30.5, .inf, -.Inf, 6.8523015e+5, 1.0e+400, -1.0e-400]
nulls: [~, null, Null, NULL, ]
strings: [y, n, 1e5, "12", '13', !!str 14, 'it''s', "tab\tnew\nline\u00e9", café]
tagged: [!!int "15", !!float "1", !!bool "yes", !!bool YeS, !!null ""]
when: 2001-12-14
folded: >
  one
  two

  three
literal: |
  keep
   this
base: &base {a: 1, b: 2}
derived:
  <<: *base
  b: 3
multi:
  <<: [{x: 1}, {x: 2, y: 2}]
twice:
  <<: *base
  <<: {a: 9}
=: eq
shared: [*base, *base]
? complex key
: value
)";
    const ls::json expected = {
        {"bools", {true, false, true, false, true, false}},
        {"ints", {0, -12, 7, 10, 2, 255, 1000, 90, 685230}},
        {"floats", {1.5, -1.0, 0.5, 100000.0, 90.5, HUGE_VAL, -HUGE_VAL, 685230.15, HUGE_VAL, -0.0}},
        {"nulls", {nullptr, nullptr, nullptr, nullptr}},
        {"strings", {"y", "n", "1e5", "12", "13", "14", "it's", "tab\tnew\nline\u00e9", "caf\u00e9"}},
        {"tagged", {15, 1.0, true, true, nullptr}},
        {"when", "2001-12-14"},
        {"folded", "one two\nthree\n"},
        {"literal", "keep\n this\n"},
        {"base", {{"a", 1}, {"b", 2}}},
        {"derived", {{"a", 1}, {"b", 3}}},
        {"multi", {{"x", 1}, {"y", 2}}},
        {"twice", {{"a", 9}, {"b", 2}}},  // the later merge wins, as in PyYAML's flatten_mapping
        {"=", "eq"},
        {"shared", {{{"a", 1}, {"b", 2}}, {{"a", 1}, {"b", 2}}}},
        {"complex key", "value"}};
    CHECK(loaded(document) == expected);
    CHECK(loaded("") == nullptr);
    CHECK(loaded("# only a comment\n") == nullptr);
    CHECK(loaded("--- 5\n...\n") == 5);
    CHECK(loaded("123456789012345678901234567890") == ls::big_integer("123456789012345678901234567890"));
    CHECK(loaded("0x1_0000_0000_0000_0000") == ls::big_integer("18446744073709551616"));
    const std::string widest = "1" + repeat("0", 4299);  // Python's 4300 digits, no conversion needed
    CHECK(loaded(widest) == ls::big_integer(widest));
    if (have_pyyaml()) {  // the same document, read by PyYAML (the timestamp made text, as here)
        const std::string python_json = python(R"(
import datetime
v = yaml.safe_load(src)
v["when"] = v["when"].isoformat()
json.dump(v, dst)
)",
                                               document);
        CHECK(ls::detail::pyjson::parse<ls::json>(python_json, "python") == expected);
    }
}

TEST_CASE("yaml: what has no JSON counterpart or is not YAML is format_error naming the place") {
    const auto refused = [](const std::string& text, const std::string& part) {
        INFO(text);
        CHECK_THROWS_WITH(loaded(text), Catch::Contains(part));
        CHECK_THROWS_AS(loaded(text), ls::format_error);
    };
    refused("a: [1, 2", "not valid YAML");
    refused("a: 1\n b: 2\n", "line 2");
    refused("1: one\n", "the key '1' is not a string");
    refused("a:\n  null: x\n", "line 2 column 3");
    refused("? [a]\n: 1\n", "the key a collection");
    refused("x: !!binary aGVsbG8=\n", "tag 'tag:yaml.org,2002:binary'");
    refused("x: !!python/object:os.system {}\n", "tag 'tag:yaml.org,2002:python/object:os.system'");
    refused("--- 1\n--- 2\n", "holds 2 YAML documents");
    refused(" ,", "makes no progress");  // yaml-cpp's LoadAll would loop forever; PyYAML refuses it too
    refused("x: =\n", "'=' has a YAML type");
    refused("x: !!int abc\n", "'abc' is not an integer");
    refused("<<: 5\n", "merge key");
    refused("x: !!bool 1\n", "'1' is not a bool");
    refused("x: caf\xe9\n", "not UTF-8 (byte 6: 0xe9)");
    refused("x: a\x01" "b\n", "unacceptable character #x0001");
    // Aliases copying a 100 kB string a thousand times: 100 MB of text from a 100 kB file.
    const std::string big = "s: &s " + repeat("x", 100'000) + "\na: &a [" + repeat("*s, ", 9) + "*s]\nb: &b [" +
                            repeat("*a, ", 9) + "*a]\nc: [" + repeat("*b, ", 9) + "*b]\n";
    refused(big, "MiB of text once aliases are expanded");
    refused("x: " + repeat("7", 20000) + "\n", "20000 characters is more than Python converts");
    refused("x: !!int 1:777\n", "'1:777' is not an integer");
    refused(repeat("[", 1100) + repeat("]", 1100), "not valid YAML");  // yaml-cpp's own depth limit
    refused("base: &b\n  <<: *b\n", "nesting deeper than 512 levels");  // found by fuzz_handlers
    refused("a: &a [*a]\n", "nesting deeper than 512 levels");
    // An alias bomb: each level doubles, 2^30 nodes once expanded.
    std::string bomb = "a0: &a0 [x, x]\n";
    for (int i = 1; i <= 30; ++i)
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
                std::to_string(i - 1) + "]\n";
    refused(bomb, "more than 10000000 nodes");
    std::istringstream in("a: 1");
    CHECK_THROWS_AS(ls::yaml_handler::read<ls::json>(in, {{"Loader", "FullLoader"}}), ls::format_error);
    CHECK_THROWS_WITH(ls::yaml_handler::check_write_kwargs({{"default_flow_style", true}}), Catch::Contains("default_flow_style"));
    CHECK_THROWS_WITH(ls::yaml_handler::check_write_kwargs({{"indent", "4"}}), Catch::Contains("'indent' must be an integer"));
    CHECK_THROWS_AS(dumped(std::string("\xff")), ls::format_error);
}

TEST_CASE("yaml: Python lazyscribe with lazyscribe-yaml loads our artifacts and we load its own") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    using project_t = ls::basic_project<ls::builtin_handlers::with<ls::yaml_handler>>;
    const ls::json config = {{"lr", 0.01}, {"layers", {64, 32}}, {"name", "resnet"}, {"note", "yes"}, {"when", "2001-12-14"}};
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("ours", [&](auto& e) {
            e.template log_artifact<"yaml">("config", config);
            e.template log_artifact<"yaml">("wide", config, {.kwargs = {{"indent", 4}, {"sort_keys", false}}});
        });
        p.save();
    }
    const std::string out = lazyscribe_test::python_ok(R"(
import json, yaml
from lazyscribe import Project
p = Project("p.json", mode="a")
e = p["ours"]
print(json.dumps(e.load_artifact("config"), sort_keys=True))
print(json.dumps(e.load_artifact("wide"), sort_keys=True))
with p.log("theirs") as t:
    t.log_artifact("params", {"depth": 3, "flags": [True, None], "ratio": 0.5, "text": "on"}, handler="yaml")
    t.log_artifact("wrapped", {"k": "word " * 40}, handler="yaml", width=30)
p.save()
)",
                                                       dir);
    const std::string config_text = R"({"layers": [64, 32], "lr": 0.01, "name": "resnet", "note": "yes", "when": "2001-12-14"})";
    CHECK(out.starts_with(config_text + "\n" + config_text + "\n"));
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["theirs"].load_artifact<ls::json>("params") ==
          ls::json{{"depth", 3}, {"flags", {true, nullptr}}, {"ratio", 0.5}, {"text", "on"}});
    std::string words;
    for (int i = 0; i < 40; ++i) words += "word ";
    CHECK(back["theirs"].load_artifact<ls::json>("wrapped") == ls::json{{"k", words}});
    CHECK(back["ours"].load_artifact<ls::json>("wide") == config);
}
