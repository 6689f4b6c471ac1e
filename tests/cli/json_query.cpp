// Test helper: reads JSON from standard input with nlohmann's strict parser (so NaN, Infinity
// or trailing garbage fail) and prints the value at each JSON pointer given as an argument,
// one per line: strings as they are, other values as compact JSON; "#/pointer" prints the
// number of elements of an array or object. Exit code 1 on invalid JSON or a missing pointer.

#include <exception>
#include <iostream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        std::cerr << "json_query: not strict JSON: " << e.what() << '\n';
        return 1;
    }
    for (int i = 1; i < argc; ++i) {
        std::string expr = argv[i];
        const bool size = !expr.empty() && expr[0] == '#';
        if (size) expr.erase(0, 1);
        try {
            const auto& v = doc.at(nlohmann::json::json_pointer(expr));
            if (size) {
                std::cout << v.size() << '\n';
            } else if (v.is_string()) {
                std::cout << v.get<std::string>() << '\n';
            } else {
                std::cout << v.dump() << '\n';
            }
        } catch (const std::exception& e) {
            std::cerr << "json_query: " << expr << ": " << e.what() << '\n';
            return 1;
        }
    }
    return 0;
}
