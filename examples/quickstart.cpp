// Quickstart: log an experiment with metrics, parameters, tags, a test and artifacts; save;
// read it back. The files are the ones Python lazyscribe reads and writes.
#include <lazyscribe/handlers/cereal.hpp>  // the cereal handler is opt-in
#include <lazyscribe/lazyscribe.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace ls = lazyscribe;
// The built-in handlers (json) and cereal. A program that logs only JSON uses ls::project.
using handlers = ls::with_cereal;

// Any C++ type can be an artifact: give it to_json for "json", or serialize for "cereal".
struct model {
    std::vector<double> weights;
    std::string activation;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(weights, activation);
    }
};

int main() {
    ls::basic_project<handlers> project("quickstart-output/project.json", ls::mode::write, "quickstart");
    {
        auto exp = project.log("Gradient boosting");  // joins the project when this scope ends
        exp.log_metric("auroc", 0.87);
        exp.log_metric("loss_curve", std::vector<double>{0.9, 0.5, 0.31});
        exp.log_parameter("algorithm", "lightgbm");
        exp.log_parameter("max_depth", 6);
        exp.tag("baseline", "v1");
        exp.log_artifact<"json">("features", std::vector<std::string>{"age", "income"});
        exp.log_artifact<"cereal">("model", model{{0.5, -1.25}, "relu"});
        // exp.log_artifact<"csv">(...) would not compile: no handler "csv" is registered.
        {
            auto test = exp.log_test("Holdout 2024", "customers who joined in 2024");
            test.log_metric("auroc", 0.84);
            test.log_artifact<"json">("confusion", std::vector<std::vector<int>>{{50, 3}, {4, 43}});
        }
    }
    project.save();  // artifacts first, then the project file, each written atomically

    const ls::basic_project<handlers> reader("quickstart-output/project.json", ls::mode::read_only);
    const auto& exp = reader["gradient-boosting"];  // by slug or short slug; the latest wins
    const auto features = exp.load_artifact<std::vector<std::string>>("features");
    const auto restored = exp.load_artifact<model>("model");
    const auto confusion = exp.test("Holdout 2024").load_artifact<ls::json>("confusion");

    std::cout << "experiment " << exp.slug() << " in " << exp.path() << "\n"
              << "  auroc " << exp.metric("auroc") << ", features " << ls::json(features) << "\n"
              << "  model activation " << restored.activation << ", holdout confusion " << confusion << "\n"
              << "project file:\n"
              << reader.to_text() << "\n";
    return features.size() == 2 && restored.weights.size() == 2 ? 0 : 1;
}
