// Quickstart: log artifacts lazily, save them, read them back through the alias stored in
// their metadata.
#include <lazyscribe/lazyscribe.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace ls = lazyscribe;

// Any C++ type: give it to_json for the "json" handler or serialize for "cereal".
struct model {
    std::vector<double> weights;
    std::string activation;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(weights, activation);
    }
};

int main() {
    ls::basic_artifact_set<ls::builtin_handlers> artifacts("quickstart-output");
    artifacts.log_artifact<"json">("features", std::vector<std::string>{"age", "income"});
    artifacts.log_artifact<"json">("config", ls::json{{"lr", 0.1}, {"layers", {64, 32}}}, {.kwargs = {{"indent", 2}}});
    artifacts.log_artifact<"cereal">("model", model{{0.5, -1.25}, "relu"});
    // artifacts.log_artifact<"csv">(...)  would not compile: no handler "csv" is registered.

    artifacts.save();  // files are written now, each atomically
    std::cout << ls::json(artifacts.to_json()).dump(2) << "\n";

    const auto features = artifacts.load_artifact<std::vector<std::string>>("features");
    const auto restored = artifacts.load_artifact<model>("model");
    std::cout << "features[0] = " << features.at(0) << ", model activation = " << restored.activation << "\n";
    return features.size() == 2 && restored.weights.size() == 2 ? 0 : 1;
}
