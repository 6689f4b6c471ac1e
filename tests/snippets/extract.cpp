// Extracts every ```cpp block of the given Markdown pages into one C++ translation unit, which
// the test build compiles with -Werror (tests/CMakeLists.txt), so that a snippet that drifts
// from the API fails CI. nlohmann/json compiles its documentation's examples the same way.
//
//   extract_snippets <output.cpp> <source root> <page.md>...
//
// Rules (docs/README.md, "Code in these pages"):
// - Every block gets a namespace of its own, so that two pages may both define `struct model`
//   or `int main()` (a `main` inside a namespace is an ordinary function).
// - `<!-- snippet: continues -->` on the line before a fence puts the block in the previous
//   block's namespace: a page that builds a handler step by step.
// - A block with neither `main(` nor only declarations at column 0 is a fragment (statements):
//   it becomes the body of a function.
// - `#include` lines move to the top of the unit, which includes <lazyscribe/lazyscribe.hpp> and
//   defines `namespace ls = lazyscribe;` for fragments.
// - `<!-- snippet: global -->` compiles a block at global scope, for one that specialises a
//   lazyscribe template (impossible inside another namespace); it must not define `main`.
// - `<!-- snippet: skip REASON -->` leaves a block out; the reason is required.
// - `<!-- snippet: needs MACRO -->` compiles a block, and its includes, only where the build
//   defines MACRO: an optional part's page (LAZYSCRIBE_WITH_YAML when yaml-cpp was found).
// - A `main` that falls off its end gets the `return 0;` that only the global `main` has implicitly.
// - `#line` directives make the compiler report errors at the page's own line.
// Pages are processed in sorted order, so the output depends only on their content.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct snippet {
    std::string page;        // as written in #line: relative to the source root
    std::size_t first_line;  // 1-based line of the first code line
    std::vector<std::string> lines;
    bool continues = false;
    bool global = false;  // at namespace scope of its own: it specialises a lazyscribe template
    std::string needs;    // a macro the build defines when the optional part the block uses is on
};

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

bool starts_with_word(std::string_view line, std::string_view word) {
    return line.starts_with(word) && (line.size() == word.size() || line[word.size()] == ' ' ||
                                      line[word.size()] == '<' || line[word.size()] == '(');
}

// A line at column 0 that can only appear at namespace scope or is neutral there.
bool declaration_line(std::string_view line) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '}') return true;
    if (line.starts_with("//") || line.starts_with("/*")) return true;
    if (line.starts_with("public:") || line.starts_with("protected:") || line.starts_with("private:")) return true;
    for (std::string_view word : {"struct", "class", "namespace", "using", "template", "static_assert", "inline",
                                  "constexpr", "static", "enum", "typedef", "extern", "union", "int main"}) {
        if (starts_with_word(line, word)) return true;
    }
    return false;
}

bool is_fragment(const snippet& s) {
    bool has_main = false;
    bool only_declarations = true;
    for (const auto& line : s.lines) {
        if (line.find("main(") != std::string::npos) has_main = true;
        if (!declaration_line(line)) only_declarations = false;
    }
    return !has_main && !only_declarations;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    std::cerr << where << ": " << what << "\n";
    std::exit(1);
}

// Reads one page; appends its blocks to `out`.
void read_page(const std::filesystem::path& file, const std::string& name, std::vector<snippet>& out) {
    std::ifstream in(file);
    if (!in) fail(name, "cannot open the page");
    std::string line;
    std::string marker;  // the last non-blank line before the current one
    std::size_t number = 0;
    bool open = false;  // inside a cpp block, which is out.back()
    bool skipping = false;
    bool in_other_fence = false;
    std::size_t fence_line = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string text = trim(line);
        if (open || skipping) {
            if (text == "```") {
                open = false;
                skipping = false;
            } else if (open) {
                out.back().lines.push_back(line);
            }
            continue;
        }
        if (in_other_fence) {
            if (text == "```") in_other_fence = false;
            continue;
        }
        if (text.starts_with("```")) {
            fence_line = number;
            if (text == "```cpp" || text == "```c++") {
                const std::string where = name + ":" + std::to_string(number);
                bool continues = false;
                bool global = false;
                std::string needs;
                if (marker.starts_with("<!-- snippet:")) {
                    const std::string directive = trim(marker.substr(13, marker.size() - 13 - 3));
                    if (!marker.ends_with("-->")) fail(where, "unterminated snippet marker: " + marker);
                    if (directive == "continues") {
                        continues = true;
                    } else if (directive == "global") {
                        global = true;
                    } else if (directive.starts_with("needs ")) {
                        needs = trim(directive.substr(6));
                    } else if (directive.starts_with("skip")) {
                        if (trim(directive.substr(4)).empty()) {
                            fail(where, "'<!-- snippet: skip -->' needs a reason: <!-- snippet: skip REASON -->");
                        }
                        skipping = true;
                        marker.clear();
                        continue;
                    } else {
                        fail(where, "unknown snippet marker '" + directive + "' (continues, global, needs MACRO, skip REASON)");
                    }
                }
                out.push_back(snippet{name, number + 1, {}, continues, global, needs});
                open = true;
            } else {
                in_other_fence = true;
            }
            marker.clear();
            continue;
        }
        if (!text.empty()) marker = text;
    }
    if (open || skipping || in_other_fence) {
        fail(name + ":" + std::to_string(fence_line), "code block never closed");
    }
}

std::string quoted(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: extract_snippets <output.cpp> <source root> <page.md>...\n";
        return 2;
    }
    const std::filesystem::path output = argv[1];
    const std::filesystem::path root = argv[2];
    std::vector<std::filesystem::path> pages(argv + 3, argv + argc);
    std::sort(pages.begin(), pages.end());

    std::vector<snippet> snippets;
    for (const auto& page : pages) {
        read_page(page, std::filesystem::proximate(page, root).generic_string(), snippets);
    }

    std::ostringstream body;
    std::vector<std::pair<std::string, std::string>> includes;  // the line, and the macro it needs
    std::set<std::string> seen{"#include <lazyscribe/lazyscribe.hpp>"};
    std::size_t group = 0;
    std::size_t fragment = 0;
    std::string previous_page;
    for (const auto& s : snippets) {
        if (s.continues && s.page != previous_page) fail(s.page, "the first block of a page cannot continue");
        if (!s.continues) ++group;
        previous_page = s.page;
        const bool wrap = !s.global && is_fragment(s);
        if (s.global && s.continues) fail(s.page, "a global block cannot continue another");
        if (!s.needs.empty()) body << "#if defined(" << s.needs << ")\n";
        if (!s.global) body << "namespace snippet_" << group << " {";
        if (wrap) body << " void fragment_" << ++fragment << "() {";
        body << "\n#line " << s.first_line << " " << quoted(s.page) << "\n";
        bool in_main = false;
        for (const auto& line : s.lines) {
            const std::string text = trim(line);
            if (line.starts_with("int main(")) in_main = true;
            if (in_main && line.starts_with("int main(") && line.ends_with("}")) {  // int main() {}
                body << line.substr(0, line.size() - 1) << " return 0; }\n";
                in_main = false;
            } else if (in_main && line.starts_with("}")) {
                // Outside the global namespace `main` is an ordinary function: it needs the
                // `return 0;` that the real one has implicitly (after a return it is dead code).
                body << "return 0; " << line << "\n";
                in_main = false;
            } else if (text.starts_with("#include")) {
                const std::string include = trim(text.substr(0, text.find("//")));
                if (seen.insert(include).second) includes.emplace_back(include, s.needs);
                body << "\n";  // keeps the line numbers
            } else {
                body << line << "\n";
            }
        }
        if (!s.global) body << (wrap ? "}}\n" : "}\n");
        if (!s.needs.empty()) body << "#endif\n";
    }

    std::ostringstream unit;
    unit << "// Generated by tests/snippets/extract.cpp from the C++ blocks of the documentation: do not edit.\n"
         << "#include <lazyscribe/lazyscribe.hpp>\n";
    for (const auto& [include, needs] : includes) {
        if (needs.empty()) {
            unit << include << "\n";
        } else {
            unit << "#if defined(" << needs << ")\n" << include << "\n#endif\n";
        }
    }
    unit << "namespace ls = lazyscribe;\n" << body.str();

    // Written only when it changes, so that the build does not recompile an unchanged unit.
    const std::string text = unit.str();
    {
        std::ifstream old(output, std::ios::binary);
        std::ostringstream current;
        current << old.rdbuf();
        if (old && current.str() == text) return 0;
    }
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) fail(output.string(), "cannot write");
    std::cout << "extract_snippets: " << snippets.size() << " blocks from " << pages.size() << " pages\n";
    return 0;
}
