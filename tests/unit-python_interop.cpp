// Files exchanged with the real Python lazyscribe 2.2.1 (tests/python_oracle.hpp): what it
// writes we read, what we write it reads, and equal content gives equal bytes.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

TEST_CASE("python interop: a project each side writes, the other reads") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
from lazyscribe import Project
p = Project("py.json", mode="w", author="py")
with p.log("From Python") as exp:
    exp.log_metric("auroc", 0.5)
    exp.log_parameter("optimizer", "adam")
p.save()
)",
              dir.path());
    const ls::project from_python(dir / "py.json", ls::mode::read_only);
    const auto& e = from_python["from-python"];
    CHECK(e.metrics().at("auroc").get<double>() == 0.5);
    CHECK(e.parameters().at("optimizer").get<std::string>() == "adam");
    CHECK(e.author() == "py");

    {
        ls::project ours(dir / "ours.json", ls::mode::write, "cpp");
        {
            auto exp = ours.log("From C++");
            exp.log_metric("auroc", 0.25);
        }
        ours.save();
    }
    const auto out = python_ok(R"(
from lazyscribe import Project
p = Project("ours.json", mode="r")
print(p["from-c"].metrics["auroc"], p["from-c"].author)
)",
                               dir.path());
    CHECK(out == "0.25 cpp\n");
}
