// The pickle codec (handlers/pickle.hpp) against Python's own pickle module: what
// Python pickles in protocols 2 to 5 reads here as the same value, what we write Python loads
// as the same value, and bytes equal to pickle.dumps(value) (protocol 4) where Python's object
// identities do not matter (no string twice). Opcodes that would run code are refused.
#include "support.hpp"

#include <lazyscribe/handlers/pickle.hpp>

#include <catch2/catch.hpp>

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ls = lazyscribe;
namespace pk = lazyscribe::detail::pickle;
using namespace std::string_literals;

namespace {

ls::json load(const std::string& bytes) {
    std::istringstream in(bytes);
    return pk::reader(in).load();
}

bool have_python() { return std::system("/usr/bin/python3 -c 'import pickle' >/dev/null 2>&1") == 0; }

// Runs a Python program with `input` on a file; returns its output file's bytes.
std::string python(const std::string& program, const std::string& input) {
    lazyscribe_test::temp_dir dir;
    const auto in = dir / "in";
    const auto out = dir / "out";
    const auto script = dir / "p.py";
    lazyscribe_test::write_file(in, input);
    lazyscribe_test::write_file(script, "import sys, json, pickle\nsrc = open(sys.argv[1], 'rb').read()\n"
                                        "dst = open(sys.argv[2], 'wb')\n" +
                                            program);
    const std::string command =
        "/usr/bin/python3 '" + script.string() + "' '" + in.string() + "' '" + out.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    return lazyscribe_test::read_file(out);
}

// Python's json text of a value, big integers included.
std::string text_of(const ls::json& value) { return ls::detail::pyjson::dump(value, {}); }
ls::json values() {
    return ls::detail::pyjson::parse<ls::json>(R"([
    null, true, false, 0, 1, 255, 256, 65535, 65536, -1, -129, 2147483647, 2147483648, -2147483648,
    -2147483649, 9223372036854775807, 18446744073709551615, 123456789012345678901234567890,
    -123456789012345678901234567890, 0.0, -0.0, 1.5, 1e300, -2.5e-300, "", "a", "ü→𝄞",
    [], [1, [2, [3]]], {}, {"k": [1, {"x": null}]}
])",
                                               "values");
}

}  // namespace

TEST_CASE("pickle: what Python pickles in protocols 2 to 5 reads as the same value") {
    if (!have_python()) {
        std::cout << "LAZYSCRIBE-SKIP: no /usr/bin/python3 with pickle\n";
        return;
    }
    for (int protocol = 2; protocol <= 5; ++protocol) {
        INFO("protocol " << protocol);
        for (const auto& value : values()) {
            INFO(text_of(value));
            const auto bytes = python("dst.write(pickle.dumps(json.loads(src), protocol=" + std::to_string(protocol) +
                                          "))\n",
                                      text_of(value));
            CHECK(load(bytes) == value);
        }
        // Tuples read as lists; a list shared twice reads twice, filled.
        const auto shared = python("a = [1, 2]\ndst.write(pickle.dumps({'t': (1, 'x'), 'pair': [a, a], "
                                   "'big': list(range(2500))}, protocol=" +
                                       std::to_string(protocol) + "))\n",
                                   "");
        const auto read = load(shared);
        CHECK(read["t"] == ls::json::array({1, "x"}));
        CHECK(read["pair"] == ls::json::parse("[[1, 2], [1, 2]]"));
        CHECK(read["big"].size() == 2500);
        CHECK(read["big"][2499] == 2499);
    }
}

TEST_CASE("pickle: what we write Python loads as the same value, and as pickle.dumps's bytes") {
    if (!have_python()) {
        std::cout << "LAZYSCRIBE-SKIP: no /usr/bin/python3 with pickle\n";
        return;
    }
    for (const auto& value : values()) {
        INFO(text_of(value));
        const auto ours = pk::writer().dump(value);
        CHECK(python("dst.write(json.dumps(pickle.loads(src) == json.loads(" + ls::json(text_of(value)).dump() +
                         ")).encode())\n",
                     ours) == "true");
        CHECK(ours == python("dst.write(pickle.dumps(json.loads(src)))\n", text_of(value)));
        CHECK(load(ours) == value);
    }
    // Past a frame (64 KiB) and past one batch (1,000 items), and a string written outside frames.
    const ls::json large = {{"values", std::vector<int>(30'000, 70'000)}, {"text", std::string(100'000, 'z')}};
    const auto ours = pk::writer().dump(large);
    CHECK(ours == python("dst.write(pickle.dumps(json.loads(src)))\n", text_of(large)));
    CHECK(load(ours) == large);
}

TEST_CASE("pickle: arrays named by the tuples kwarg are written as Python's tuples, byte for byte") {
    const ls::json value = ls::json::parse(R"({"shape": [2, 3], "nested": [[1], [], ["a", "b", "c", "d"]], "list": [[1, 2]],
                                              "many": [1, 2, 3, 4, 5], "we~ird/key": [0]})");
    const ls::json tuples = {"/shape", "/nested", "/nested/0", "/nested/1", "/nested/2", "/many", "/list/0", "/we~0ird~1key"};
    std::ostringstream out;
    ls::pickle_handler::write(value, out, {{"tuples", tuples}});
    CHECK(load(out.str()) == value);  // tuples read back as lists here
    std::ostringstream root;
    ls::pickle_handler::write(ls::json{1, "x"}, root, {{"tuples", {""}}});
    CHECK_THROWS_WITH(ls::pickle_handler::write(value, out, {{"tuples", {"/missing"}}}), Catch::Contains("'/missing', which is not an array"));
    CHECK_THROWS_WITH(ls::pickle_handler::check_write_kwargs({{"tuples", {"shape"}}}), Catch::Contains("not a JSON pointer"));
    CHECK_THROWS_AS(ls::pickle_handler::check_write_kwargs({{"tuples", "/shape"}}), ls::format_error);
    if (!have_python()) {
        std::cout << "LAZYSCRIBE-SKIP: no /usr/bin/python3 with pickle\n";
        return;
    }
    CHECK(out.str() == python(R"(
v = json.loads(src)
v["shape"] = tuple(v["shape"])
v["nested"] = tuple(tuple(x) for x in v["nested"])
v["many"] = tuple(v["many"])
v["list"][0] = tuple(v["list"][0])
v["we~ird/key"] = tuple(v["we~ird/key"])
dst.write(pickle.dumps(v))
)",
                              value.dump()));
    CHECK(root.str() == python("dst.write(pickle.dumps(tuple(json.loads(src))))\n", R"([1, "x"])"));
}

TEST_CASE("pickle: opcodes that would run code, and broken pickles, are format_error naming them") {
    // pickle.dumps(os.system) in protocol 4 (a GLOBAL by STACK_GLOBAL), and a REDUCE in protocol 2.
    const auto stack_global = "\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94"
                              "\x93\x94."s;
    CHECK_THROWS_WITH(load(stack_global), Catch::Contains("posix.system") && Catch::Contains("nothing is ever executed"));
    const auto reduce = "\x80\x02\x63posix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."s;
    CHECK_THROWS_WITH(load(reduce), Catch::Contains("a reference to posix.system"));
    CHECK_THROWS_WITH(load("\x80\x04\x8f\x94."s), Catch::Contains("set"));
    CHECK_THROWS_WITH(load("\x80\x04\x8c\x05" "ab"s), Catch::Contains("ends inside SHORT_BINUNICODE"));
    CHECK_THROWS_WITH(load("\x80\x04\x58\xff\xff\xff\x7f"s), Catch::Contains("ends inside"));
    CHECK_THROWS_WITH(load("\x80\x06N."), Catch::Contains("protocol 6"));
    CHECK_THROWS_WITH(load("\x80\x04h\x05."), Catch::Contains("unset memo entry 5"));
    CHECK_THROWS_WITH(load("\x80\x04NN."), Catch::Contains("STOP with a bad stack"));
    CHECK_THROWS_WITH(load("\x80\x04}K\x01K\x02s."), Catch::Contains("key that is not a str"));
    // A list that contains itself: l = []; l.append(l)
    CHECK_THROWS_WITH(load("\x80\x04]\x94h\x00" "a."s), Catch::Contains("contains itself"));
}

namespace {

template <class T>
void check_array(const std::string& bytes, const ls::json& x) {
    std::istringstream in(bytes);
    const auto array = pk::reader(in).load_array<T>();
    CHECK(ls::json(array.shape) == x["shape"]);
    REQUIRE(array.values.size() == x["values"].size());
    for (std::size_t i = 0; i < array.values.size(); ++i) {
        if constexpr (ls::detail::is_complex_v<T>) {
            CHECK(array.values[i].real() == x["values"][i][0].get<double>());
            CHECK(array.values[i].imag() == x["values"][i][1].get<double>());
        } else {
            CHECK(array.values[i] == x["values"][i].get<T>());
        }
    }
}

}  // namespace

// tests/data/pickle: real pickles Python 3.11 and NumPy 1.24 wrote (make_corpus.py there).
TEST_CASE("pickle: every file of the corpus reads as Python and NumPy wrote it, or is refused") {
    const auto folder = lazyscribe_test::fixtures().parent_path() / "pickle";
    const auto expected = ls::detail::pyjson::parse<ls::json>(lazyscribe_test::read_file(folder / "expected.json"),
                                                            "expected.json");
    std::size_t arrays = 0;
    for (const auto& [file, x] : expected["files"].items()) {
        INFO(file);
        const auto bytes = lazyscribe_test::read_file(folder / file);
        const auto kind = x["kind"].get<std::string>();
        if (kind == "value" || kind == "scalar") {
            CHECK(load(bytes) == x["value"]);
        } else if (kind == "refused") {
            CHECK_THROWS_AS(load(bytes), ls::format_error);
        } else {
            ++arrays;
            const auto dtype = x["dtype"].get<std::string>().substr(1);
            if (dtype == "f8") check_array<double>(bytes, x);
            else if (dtype == "f4") check_array<float>(bytes, x);
            else if (dtype == "i4") check_array<std::int32_t>(bytes, x);
            else if (dtype == "i8") check_array<std::int64_t>(bytes, x);
            else if (dtype == "u1") check_array<std::uint8_t>(bytes, x);
            else if (dtype == "b1") check_array<bool>(bytes, x);
            else if (dtype == "c16") check_array<std::complex<double>>(bytes, x);
            else FAIL("no check for dtype " << dtype);
            CHECK_THROWS_WITH(load(bytes), Catch::Contains("lazyscribe::ndarray"));
            std::istringstream in(bytes);
            if (dtype != "i2") CHECK_THROWS_WITH(pk::reader(in).load_array<std::int16_t>(), Catch::Contains("not the requested 'i2'"));
        }
    }
    CHECK(arrays == 9 * 4);
}

#include "python_oracle.hpp"

// The handler in a project, both ways with the real Python lazyscribe 2.2.1.
TEST_CASE("pickle: Python lazyscribe loads our pickle artifacts, and we load its own, arrays included") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    using project_t = ls::basic_project<ls::builtin_handlers::with<ls::pickle_handler>>;
    const ls::json config = {{"lr", 0.01}, {"layers", {64, 32}}, {"name", "resnet"}, {"big", ls::big_integer("123456789012345678901234567890")}};
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("ours", [&](auto& e) {
            e.template log_artifact<"pickle">("config", config, {.kwargs = {{"python_version", "3.11"}}});
            e.template log_artifact<"pickle">("other", ls::json{1, 2}, {.kwargs = {{"python_version", "3.9"}}});
        });
        p.save();
    }
    const std::string out = lazyscribe_test::python_ok(R"(
import json, pickle, numpy as np
from lazyscribe import Project
p = Project("p.json", mode="a")
e = p["ours"]
print(json.dumps(e.load_artifact("config"), sort_keys=True))
try:
    e.load_artifact("other")
    print("loaded 3.9")
except Exception as x:
    print(type(x).__name__)
with p.log("theirs") as t:
    t.log_artifact("weights", np.arange(6, dtype="<f4").reshape(2, 3), handler="pickle")
    t.log_artifact("metrics", {"auc": np.float64(0.9), "epochs": (1, 2)}, handler="pickle")
p.save()
)",
                                                       dir);
    CHECK(out.starts_with(R"({"big": 123456789012345678901234567890, "layers": [64, 32], "lr": 0.01, "name": "resnet"})"));
    CHECK(out.find("ArtifactLoadError") != std::string::npos);  // python_version 3.9 refused by Python's validation
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["theirs"].load_artifact<ls::ndarray<float>>("weights") == ls::ndarray<float>({2, 3}, {0, 1, 2, 3, 4, 5}));
    CHECK(back["theirs"].load_artifact<ls::json>("metrics") == ls::json{{"auc", 0.9}, {"epochs", {1, 2}}});
    CHECK(back["ours"].load_artifact<ls::json>("other") == ls::json{1, 2});  // C++ reads whichever Python
    CHECK(back["theirs"].artifacts().at("weights").to_json()["python_version"] == "3.11");
}
