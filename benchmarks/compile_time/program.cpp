// The program of issue 11's compile-time goal: open a project, log one experiment with one
// metric, save, print the project. benchmarks/compile_time.sh times it against twin.cpp.
#include <lazyscribe/project.hpp>

#include <iostream>

int main() {
    lazyscribe::project project("compile-time-output/project.json");
    {
        auto experiment = project.log("My experiment");
        experiment.log_metric("auroc", 0.87);
    }
    project.save();
    std::cout << project.to_text() << "\n";
}
