// Experiments reached through a project's const API cannot be changed.
#include <lazyscribe/lazyscribe.hpp>

int main() {
    lazyscribe::project project("does-not-exist/project.json", lazyscribe::mode::read_only);
    if (project.contains("x")) {
#ifdef LAZYSCRIBE_COMPILE_FAIL
        project["x"].log_metric("auroc", 0.5);
#else
        (void)project["x"].metrics();
#endif
    }
}
