// log_artifact<"cereal"> with the built-in list: cereal is opt-in, and the message says how.
#include <lazyscribe/handlers/cereal.hpp>
#include <lazyscribe/project.hpp>

int main() {
#ifdef LAZYSCRIBE_COMPILE_FAIL
    lazyscribe::project project("out/project.json", lazyscribe::mode::write);
#else
    lazyscribe::basic_project<lazyscribe::with_cereal> project("out/project.json", lazyscribe::mode::write);
#endif
    auto experiment = project.log("x");
    (void)experiment.log_artifact<"cereal">("model", 1.5);
}
