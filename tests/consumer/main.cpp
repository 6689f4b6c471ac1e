#include <lazyscribe/lazyscribe.hpp>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <vector>

int main() {
    int unused_on_purpose = 0;  // a warning in the consumer's code must not fail its build

    using handlers = lazyscribe::builtin_handlers;
    static_assert(handlers::contains("json") && !handlers::contains("cereal"));  // cereal is opt-in
    std::ostringstream out;
    handlers::handler_t<"json">::write(std::vector<int>{1, 2}, out, lazyscribe::json::object());
    if (out.str() != "[1, 2]") {
        std::puts(out.str().c_str());
        return 1;
    }
    // A project through the library: linked from the compiled library (lazyscribe::lazyscribe,
    // whose headers declare the built-in list's classes extern) or instantiated here
    // (lazyscribe::header_only).
    const auto file = std::filesystem::temp_directory_path() / "lazyscribe-consumer" / "project.json";
    {
        lazyscribe::project project(file, lazyscribe::mode::write, "consumer");
        project.log("Consumer", [](lazyscribe::experiment& e) { e.log_metric("ok", 1); });
        project.save();
    }
    const lazyscribe::project reader(file, lazyscribe::mode::read_only);
    if (reader.size() != 1 || reader["consumer"].metric("ok") != 1) {
        std::puts(reader.to_text().c_str());
        return 1;
    }
    std::filesystem::remove_all(file.parent_path());
    std::puts("consumer ok");
    return 0;
}
