// One round trip, run for every handler lazyscribe-cpp ships (as cereal runs one body for
// every archive): a value logged into a project, saved, read back in C++ from a reopened
// project and straight through the handler, and loaded by Python lazyscribe, where Python
// has a handler for the alias (its own, a plugin's, or the few lines a colleague would write).
#include "python_oracle.hpp"
#include "support.hpp"

#include <lazyscribe/handlers/cereal.hpp>
#include <lazyscribe/handlers/csv.hpp>
#include <lazyscribe/handlers/npy.hpp>
#include <lazyscribe/handlers/onnx.hpp>
#include <lazyscribe/handlers/pickle.hpp>
#include <lazyscribe/handlers/text.hpp>
#if defined(LAZYSCRIBE_WITH_YAML)
#include <lazyscribe/handlers/yaml.hpp>
#endif

#include <catch2/catch.hpp>

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ls = lazyscribe;

namespace {

// What each handler's test logs, and what Python prints of it once loaded (`v`), or nullptr
// where no Python handler exists.
template <class H>
struct sample;

const ls::json config = {{"lr", 0.01}, {"layers", {64, 32}}, {"name", "r\xc3\xa9sum\xc3\xa9"}, {"on", true}, {"none", nullptr}};
constexpr const char* config_shown = R"({"layers": [64, 32], "lr": 0.01, "name": "r\u00e9sum\u00e9", "none": null, "on": true})";

template <>
struct sample<ls::json_handler> {
    static ls::json value() { return config; }
    static constexpr const char* python_show = "json.dumps(v, sort_keys=True)";
    static constexpr const char* python_expected = config_shown;
};

template <>
struct sample<ls::pickle_handler> {
    static ls::json value() { return config; }
    static constexpr const char* python_show = "json.dumps(v, sort_keys=True)";
    static constexpr const char* python_expected = config_shown;
};

#if defined(LAZYSCRIBE_WITH_YAML)
template <>
struct sample<ls::yaml_handler> {
    static ls::json value() { return config; }
    static constexpr const char* python_show = "json.dumps(v, sort_keys=True)";
    static constexpr const char* python_expected = config_shown;
};
#endif

template <>
struct sample<ls::cereal_handler> {
    static std::map<std::string, std::vector<double>> value() { return {{"loss", {0.5, 0.25}}, {"acc", {0.9}}}; }
    static constexpr const char* python_show = nullptr;  // cereal's files are C++'s alone
};

template <>
struct sample<ls::npy_handler> {
    static ls::ndarray<float> value() { return ls::ndarray<float>({2, 3}, {0.5F, 1, 2, 3, 4, -5.25F}); }
    static constexpr const char* python_show = "str(v.dtype) + ' ' + str(v.shape) + ' ' + json.dumps(v.tolist())";
    static constexpr const char* python_expected = "float32 (2, 3) [[0.5, 1.0, 2.0], [3.0, 4.0, -5.25]]";
};

template <>
struct sample<ls::onnx_handler> {
    // A ModelProto by hand: ir_version 8, producer "cpp", graph "g", opset ("", 17).
    static ls::onnx_model value() {
        using namespace std::string_literals;
        return ls::onnx_model("\x08\x08\x12\x03"s + "cpp" + "\x3a\x03\x12\x01g"s + "\x42\x02\x10\x11"s);
    }
    static constexpr const char* python_show = "v.producer_name + ' ' + v.graph.name + ' ' + str(v.opset_import[0].version)";
    static constexpr const char* python_expected = "cpp g 17";
};

template <>
struct sample<ls::text_handler> {
    static std::string value() { return "first line\nsecond, with caf\xc3\xa9"; }
    static constexpr const char* python_show = "repr(v)";
    static constexpr const char* python_expected = "'first line\\nsecond, with café'";
};

template <>
struct sample<ls::csv_handler> {
    static ls::table value() {
        ls::table t;
        t.add_column("epoch", std::vector<std::int64_t>{1, 2})
            .add_column("loss", std::vector<std::optional<double>>{0.5, std::nullopt})
            .add_column("best", std::vector<bool>{false, true})
            .add_column("note", {"warm-up", "caf\xc3\xa9, \"done\""});
        return t;
    }
    static constexpr const char* python_show = "json.dumps(v)";
    static constexpr const char* python_expected =
        R"([["epoch", "loss", "best", "note"], ["1", "0.5", "false", "warm-up"], ["2", "", "true", "caf\u00e9, \"done\""]])";
};

using every_handler = std::tuple<ls::json_handler, ls::cereal_handler, ls::npy_handler, ls::pickle_handler,
                                 ls::onnx_handler, ls::text_handler, ls::csv_handler
#if defined(LAZYSCRIBE_WITH_YAML)
                                 ,
                                 ls::yaml_handler
#endif
                                 >;

// Handlers a Python colleague writes for aliases no installed package provides (found by
// lazyscribe's subclass scanning): the guide's text handler, .npy through NumPy, and csv
// through Python's csv module where lazyscribe-arrow (pyarrow) is not installed.
constexpr const char* python_handlers = R"(
import json
from typing import ClassVar
from attrs import define
from lazyscribe.artifacts.base import Artifact
from lazyscribe._utils import utcnow
from slugify import slugify

def _construct(cls, name, value=None, fname=None, created_at=None, expiry=None, writer_kwargs=None,
               version=0, dirty=True, **kwargs):
    created_at = created_at or utcnow()
    return cls(name=name, value=value,
               fname=fname or f"{slugify(name)}-{slugify(created_at.strftime('%Y%m%d%H%M%S'))}.{cls.suffix}",
               created_at=created_at, expiry=expiry, writer_kwargs=writer_kwargs or {}, version=version, dirty=dirty)

@define(auto_attribs=True)
class TextArtifact(Artifact):
    alias: ClassVar[str] = "text"
    suffix: ClassVar[str] = "txt"
    binary: ClassVar[bool] = False
    output_only: ClassVar[bool] = False
    construct = classmethod(_construct)
    @classmethod
    def read(cls, buf, **kwargs):
        return buf.read()
    @classmethod
    def write(cls, obj, buf, **kwargs):
        buf.write(obj)

@define(auto_attribs=True)
class CSVArtifact(Artifact):  # lazyscribe-arrow's alias and suffix, read with the csv module
    alias: ClassVar[str] = "csv"
    suffix: ClassVar[str] = "csv"
    binary: ClassVar[bool] = False
    output_only: ClassVar[bool] = False
    construct = classmethod(_construct)
    @classmethod
    def read(cls, buf, **kwargs):
        import csv
        return list(csv.reader(buf))
    @classmethod
    def write(cls, obj, buf, **kwargs):
        import csv
        csv.writer(buf).writerows(obj)

@define(auto_attribs=True)
class NpyArtifact(Artifact):
    alias: ClassVar[str] = "npy"
    suffix: ClassVar[str] = "npy"
    binary: ClassVar[bool] = True
    output_only: ClassVar[bool] = False
    construct = classmethod(_construct)
    @classmethod
    def read(cls, buf, **kwargs):
        import numpy
        return numpy.load(buf, allow_pickle=False)
    @classmethod
    def write(cls, obj, buf, **kwargs):
        import numpy
        numpy.save(buf, obj, allow_pickle=False)
)";

}  // namespace

TEMPLATE_LIST_TEST_CASE("every handler: a value through a project, back in C++ and in Python", "[handlers]", every_handler) {
    using H = TestType;
    using S = sample<H>;
    using handlers = std::conditional_t<ls::builtin_handlers::contains(H::alias), ls::builtin_handlers,
                                        ls::builtin_handlers::with<H>>;
    using project_t = ls::basic_project<handlers>;
    const auto value = S::value();
    using value_t = std::remove_cv_t<decltype(value)>;
    INFO("handler " << H::alias);

    // Straight through the handler, in the stream mode the library opens its files in.
    {
        std::ostringstream out(H::binary ? std::ios::binary : std::ios::out);
        H::write(value, out, ls::json::object());
        std::istringstream in(out.str(), H::binary ? std::ios::binary : std::ios::in);
        CHECK(ls::read_with<value_t, H>(in, ls::json::object()) == value);
    }

    lazyscribe_test::temp_dir dir;
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        constexpr ls::fixed_string<H::alias.size()> alias(H::alias);
        p.log("run", [&](auto& e) { e.template log_artifact<alias>("thing", value); });
        p.save();
    }
    const project_t back(dir / "p.json", ls::mode::read_only);
    const auto& stored = back["run"].artifacts().at("thing");
    CHECK(stored.to_json()["handler"] == std::string(H::alias));
    CHECK(stored.fname().ends_with("." + std::string(H::suffix)));
    CHECK(std::filesystem::is_regular_file(back["run"].path() / stored.fname()));
    CHECK(back["run"].template load_artifact<value_t>("thing") == value);

    if constexpr (S::python_show != nullptr) {
        LAZYSCRIBE_REQUIRE_PYTHON();
        const std::string out = lazyscribe_test::python_ok(std::string(python_handlers) + R"(
from lazyscribe import Project
v = Project("p.json", mode="r")["run"].load_artifact("thing")
print()" + S::python_show + R"()
)",
                                                           dir);
        CHECK(out == std::string(S::python_expected) + "\n");
    }
}
