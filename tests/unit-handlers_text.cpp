// The text handler (handlers/text.hpp), the guide's TextArtifact made a header: strings both
// ways, newlines as Python's text mode has them (a file from Windows reads with "\n"), the
// alias still free for a handler of one's own, and Python lazyscribe with the guide's own
// Python TextArtifact loading ours and writing what we load.
#include "python_oracle.hpp"
#include "support.hpp"

#include <lazyscribe/handlers/text.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace ls = lazyscribe;

namespace {
using project_t = ls::basic_project<ls::builtin_handlers::with<ls::text_handler>>;

// The Python side of docs/custom-handler.md: lazyscribe finds it by subclass scanning.
constexpr const char* python_text_artifact = R"(
from attrs import define
from typing import ClassVar
from lazyscribe.artifacts.base import Artifact
from lazyscribe._utils import utcnow
from slugify import slugify

@define(auto_attribs=True)
class TextArtifact(Artifact):
    alias: ClassVar[str] = "text"
    suffix: ClassVar[str] = "txt"
    binary: ClassVar[bool] = False
    output_only: ClassVar[bool] = False

    @classmethod
    def construct(cls, name, value=None, fname=None, created_at=None, expiry=None, writer_kwargs=None,
                  version=0, dirty=True, **kwargs):
        created_at = created_at or utcnow()
        return cls(name=name, value=value,
                   fname=fname or f"{slugify(name)}-{slugify(created_at.strftime('%Y%m%d%H%M%S'))}.{cls.suffix}",
                   created_at=created_at, expiry=expiry, writer_kwargs=writer_kwargs or {}, version=version,
                   dirty=dirty)

    @classmethod
    def read(cls, buf, **kwargs):
        return buf.read()

    @classmethod
    def write(cls, obj, buf, **kwargs):
        buf.write(obj)
)";
}  // namespace

TEST_CASE("text: strings go through a project unchanged and Windows newlines read as Python reads them") {
    lazyscribe_test::temp_dir dir;
    const std::string notes = "line one\nline two\ttabbed \xc3\xa9\n\nend";
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("run", [&](auto& e) {
            e.template log_artifact<"text">("notes", notes);
            e.template log_artifact<"text">("literal", "from a literal");
            e.template log_artifact<"text">("windows", std::string("a\r\nb\rc\n"));
        });
        p.save();
    }
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["run"].load_artifact<std::string>("notes") == notes);
    CHECK(back["run"].load_artifact<std::string>("literal") == "from a literal");
    // Written as given; read as Python's text mode reads it (universal newlines).
    CHECK(back["run"].load_artifact<std::string>("windows") == "a\nb\nc\n");
    const auto& windows = back["run"].artifacts().at("windows");
    CHECK(lazyscribe_test::read_file(back["run"].path() / windows.fname()) == "a\r\nb\rc\n");
    CHECK(windows.fname().ends_with(".txt"));
    CHECK_THROWS_AS(ls::text_handler::check_write_kwargs({{"encoding", "latin-1"}}), ls::format_error);
}

TEST_CASE("text: the alias stays free for a handler of one's own") {
    STATIC_REQUIRE(!ls::builtin_handlers::contains("text"));
    // The tests' own copy of the guide's handler (support.hpp) takes the alias as a user's would.
    using mine = ls::builtin_handlers::with<lazyscribe_test::text_handler>;
    STATIC_REQUIRE(std::is_same_v<mine::handler_t<"text">, lazyscribe_test::text_handler>);
    STATIC_REQUIRE(ls::builtin_handlers::with<ls::text_handler>::contains("text"));
}

TEST_CASE("text: Python lazyscribe with the guide's TextArtifact loads ours and we load its own") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    lazyscribe_test::temp_dir dir;
    {
        project_t p(dir / "p.json", ls::mode::write, "cpp");
        p.log("ours", [&](auto& e) {
            e.template log_artifact<"text">("notes", std::string("caf\xc3\xa9\nsecond line"));
            e.template log_artifact<"text">("crlf", std::string("a\r\nb"));
        });
        p.save();
    }
    const std::string out = lazyscribe_test::python_ok(std::string(python_text_artifact) + R"(
from lazyscribe import Project
p = Project("p.json", mode="a")
print(repr(p["ours"].load_artifact("notes")), repr(p["ours"].load_artifact("crlf")))
with p.log("theirs") as t:
    t.log_artifact("readme", "written by Python\nwith \u00e9 and\r\na Windows line", handler="text")
p.save()
)",
                                                       dir);
    CHECK(out.starts_with("'café\\nsecond line' 'a\\nb'"));  // Python's text mode translates too
    const project_t back(dir / "p.json", ls::mode::read_only);
    CHECK(back["theirs"].load_artifact<std::string>("readme") == "written by Python\nwith \xc3\xa9 and\na Windows line");
}
