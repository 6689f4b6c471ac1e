// Artifacts exchanged with the real Python lazyscribe 2.2.1 (tests/python_oracle.hpp): a
// custom Python handler's `"version": null`, an fname with `..` that stays in the project,
// and text handlers read with Python's universal newlines.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using project_t = ls::basic_project<lazyscribe_test::test_handlers>;

namespace {

// A custom text handler as lazyscribe's guide writes one: its construct defaults version to
// None, so Python stores "version": null. Defining the subclass registers it (Python looks
// handlers up among Artifact's subclasses).
const std::string python_text_handler = R"(
from typing import ClassVar
from attrs import define
from slugify import slugify
from lazyscribe._utils import utcnow
from lazyscribe.artifacts.base import Artifact

@define(auto_attribs=True)
class TextArtifact(Artifact):
    alias: ClassVar[str] = "text"
    suffix: ClassVar[str] = "txt"
    binary: ClassVar[bool] = False
    output_only: ClassVar[bool] = False

    @classmethod
    def construct(cls, name, value=None, fname=None, created_at=None, expiry=None, writer_kwargs=None,
                  version=None, dirty=True, **kwargs):
        created_at = created_at or utcnow()
        return cls(name=name, value=value, writer_kwargs=writer_kwargs or {},
                   fname=fname or f"{slugify(name)}-{created_at.strftime('%Y%m%d%H%M%S')}.{cls.suffix}",
                   created_at=created_at, expiry=expiry, version=version, dirty=dirty)

    @classmethod
    def read(cls, buf, **kwargs):
        return buf.read()

    @classmethod
    def write(cls, obj, buf, **kwargs):
        buf.write(obj)
)";

}  // namespace

TEST_CASE("artifact interop: a custom Python handler's \"version\": null loads and is written back unchanged",
          "[artifact][interop]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(python_text_handler + R"(
from lazyscribe import Project
p = Project("project.json", mode="w", author="py")
with p.log("A") as e:
    e.log_artifact("notes", "experiment notes", handler="text")
    with e.log_test("T") as t:
        t.log_artifact("tnotes", "test notes", handler="text")
p.save()
)",
              dir.path());
    const auto file = dir / "project.json";
    const std::string written = read_file(file);
    REQUIRE(written.find("\"version\": null") != std::string::npos);

    {
        const project_t p(file, ls::mode::read_only);
        const auto& e = p["a"];
        CHECK(e.artifacts().at("notes").version_is_null());
        CHECK(e.load_artifact<std::string>("notes") == "experiment notes");
        CHECK(e.tests()[0].artifacts().at("tnotes").version_is_null());
        CHECK(e.tests()[0].load_artifact<std::string>("tnotes") == "test notes");
    }
    project_t(file, ls::mode::edit).save();  // edit mode rewrites the whole file
    CHECK(read_file(file) == written);

    // A save that adds an artifact keeps the null versions, and Python reads the result.
    {
        project_t p(file, ls::mode::edit);
        p.edit("a").log_artifact<"json">("added", ls::json{{"k", 1}});
        p.save();
    }
    const auto out = python_ok(python_text_handler + R"(
from lazyscribe import Project
p = Project("project.json", mode="r")
e = p["a"]
print(e.load_artifact("notes"), "|", e.tests[0].load_artifact("tnotes"), "|", e.load_artifact("added"))
print([a.version for a in e.artifacts], [a.version for a in e.tests[0].artifacts])
)",
                               dir.path());
    CHECK(out == "experiment notes | test notes | {'k': 1}\n[None, 0] [None]\n");
}

TEST_CASE("artifact interop: an fname with .. that stays inside the project is shared as Python shares it",
          "[artifact][interop]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
from lazyscribe import Project
p = Project("project.json", mode="w", author="py")
for name in ("A", "B"):
    with p.log(name) as e:
        e.log_artifact("common", {"shared": True}, handler="json", fname="../shared/common.json")
p.save()
)",
              dir.path());
    REQUIRE(std::filesystem::exists(dir / "shared/common.json"));
    const auto file = dir / "project.json";
    const std::string written = read_file(file);
    {
        const project_t p(file, ls::mode::read_only);
        CHECK(p["a"].load_artifact<ls::json>("common") == ls::json{{"shared", true}});
        CHECK(p["b"].load_artifact<ls::json>("common") == ls::json{{"shared", true}});
    }
    project_t(file, ls::mode::edit).save();
    CHECK(read_file(file) == written);

    // Ours: an experiment logs into the shared folder; Python reads it.
    {
        project_t p(file, ls::mode::append, "cpp");
        {
            auto e = p.log("C");
            e.log_artifact<"json">("common", ls::json{{"from", "cpp"}}, {.fname = "../shared/ours.json"});
        }
        p.save();
    }
    CHECK(read_file(dir / "shared/ours.json") == "{\"from\": \"cpp\"}");
    const auto out = python_ok(R"(
from lazyscribe import Project
p = Project("project.json", mode="r")
print(p["c"].load_artifact("common"), p["a"].load_artifact("common"))
)",
                               dir.path());
    CHECK(out == "{'from': 'cpp'} {'shared': True}\n");
}

TEST_CASE("artifact interop: a test's fname may climb out of the test and its experiment, as in Python",
          "[artifact][interop]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
from lazyscribe import Project
p = Project("project.json", mode="w", author="py")
with p.log("A") as e:
    with e.log_test("Holdout") as t:
        t.log_artifact("common", {"shared": True}, handler="json", fname="../../shared/common.json")
p.save()
)",
              dir.path());
    REQUIRE(std::filesystem::exists(dir / "shared/common.json"));
    const auto file = dir / "project.json";
    const std::string written = read_file(file);
    {
        const project_t p(file, ls::mode::read_only);
        CHECK(p["a"].test("Holdout").load_artifact<ls::json>("common") == ls::json{{"shared", true}});
    }
    project_t(file, ls::mode::edit).save();
    CHECK(read_file(file) == written);
}

TEST_CASE("artifact interop: a text handler reads \\r\\n and \\r as \\n, as Python's text mode does",
          "[artifact][interop]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    const std::string text = "a\r\nb\rc\n\r\r\nend\r";
    // Python writes a text handler's value as it is on POSIX: the bytes stay "\r\n" and "\r".
    python_ok(python_text_handler + R"(
from lazyscribe import Project
p = Project("project.json", mode="w", author="py")
with p.log("A") as e:
    e.log_artifact("notes", "a\r\nb\rc\n\r\r\nend\r", handler="text", fname="notes.txt")
p.save()
)",
              dir.path());
    const auto on_disk = read_file(dir / "a-20250102030405/notes.txt");
    CHECK(on_disk == text);
    const auto python_reads = python_ok(python_text_handler + R"(
from lazyscribe import Project
print(repr(Project("project.json", mode="r")["a"].load_artifact("notes")))
)",
                                        dir.path());
    CHECK(python_reads == "'a\\nb\\nc\\n\\n\\nend\\n'\n");

    const project_t p(dir / "project.json", ls::mode::read_only);
    CHECK(p["a"].load_artifact<std::string>("notes") == "a\nb\nc\n\n\nend\n");

    // What we write for a text handler, Python reads with the same translation.
    {
        project_t ours(dir / "ours.json", ls::mode::write, "cpp");
        {
            auto e = ours.log("Ours");
            e.log_artifact<"text">("notes", text, {.fname = "notes.txt"});
        }
        ours.save();
    }
    CHECK(read_file(project_t(dir / "ours.json", ls::mode::read_only)["ours"].path() / "notes.txt") == text);
    const auto python_reads_ours = python_ok(python_text_handler + R"(
from lazyscribe import Project
print(repr(Project("ours.json", mode="r")["ours"].load_artifact("notes")))
)",
                                             dir.path());
    CHECK(python_reads_ours == "'a\\nb\\nc\\n\\n\\nend\\n'\n");
}
