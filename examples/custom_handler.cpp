// The C++ version of lazyscribe's guide "Write a custom artifact handler":
// a TextArtifact handler, made visible both ways, then used to log and load an artifact.
// docs/custom-handler.md walks through it step by step.
#include <lazyscribe/lazyscribe.hpp>

#include <iostream>
#include <iterator>
#include <string>

namespace ls = lazyscribe;

// Step 1-3: the handler. An alias stored in project files, a file suffix, the file mode,
// and static write/read on standard streams. Writer/reader kwargs arrive as JSON.
struct TextArtifact {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;

    static void write(const std::string& value, std::ostream& out, const ls::json& /*kwargs*/) { out << value; }

    static std::string read(std::istream& in, const ls::json& /*kwargs*/) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

// Step 4: the compiler checks the handler where it is defined.
static_assert(ls::ArtifactHandler<TextArtifact>);
static_assert(ls::WritableBy<TextArtifact, std::string> && ls::ReadableAs<TextArtifact, std::string>);
static_assert(!ls::WritableBy<TextArtifact, int>);

// Step 5, route one ("entry points" in Python): a package ships its handlers as a list...
namespace my_package {
using handlers = ls::handler_list<TextArtifact>;
}
// ...and a program appends the package's list to the built-ins.
using from_package = ls::builtin_handlers::with<my_package::handlers>;

int main() {
    // Step 5, route two ("subclass scanning" in Python): declare the list right where you log.
    using handlers = ls::builtin_handlers::with<TextArtifact>;
    static_assert(std::is_same_v<handlers, from_package>);
    static_assert(std::is_same_v<handlers::handler_t<"text">, TextArtifact>);
    static_assert(my_package::handlers::contains("text"));

    // Step 6: log, save, load. Nothing is written before save().
    ls::basic_artifact_set<handlers> artifacts("custom-handler-example");
    artifacts.log_artifact<"text">("notes", std::string("hello from C++"));
    artifacts.save();

    ls::basic_artifact_set<handlers> reloaded =
        ls::basic_artifact_set<handlers>::from_json(artifacts.to_json(), "custom-handler-example", "example");
    const auto notes = reloaded.load_artifact<std::string>("notes");
    std::cout << "notes: " << notes << "\nmetadata: " << reloaded.to_json().dump() << "\n";
    return notes == "hello from C++" ? 0 : 1;
}
