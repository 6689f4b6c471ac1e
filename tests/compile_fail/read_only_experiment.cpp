// Experiments and tests reached through a project's const API cannot be changed: every mutator says so,
// pointing to mode::edit and project.edit(key), and says nothing else.
#include <lazyscribe/lazyscribe.hpp>

#include <vector>

int main() {
    const lazyscribe::project project("does-not-exist/project.json", lazyscribe::mode::read_only);
    if (project.contains("x")) {
#ifdef LAZYSCRIBE_COMPILE_FAIL
        const auto& e = project["x"];
        e.log_metric("auroc", 0.5);
        e.log_metric("loss", std::vector<double>{0.5, 0.25});
        e.log_parameter("depth", 3);
        e.log_artifact<"json">("features", 1);
        e.tag("baseline", "v1");
        e.tag({"baseline"}, true);
        e.log_test("holdout", [](auto& test) { test.log_metric("auroc", 0.5); });
        e.add_dependency(project["x"]);
        e.remove_metric("auroc");
        e.rename_parameter("depth", "max_depth");
        e.remove_tag("baseline");
        (void)e.edit_test("holdout");
        e.remove_dependency("upstream");
        const auto& t = e.test("holdout");  // a test of a const experiment is const too
        t.log_metric("auroc", 0.5);
        t.remove_artifact("roc");
#else
        (void)project["x"].metrics();
#endif
    }
}
