// A handler without `read` (and not output_only), used the way a program uses its handlers:
// the one message names `read`, and nothing that uses the list adds errors after it.
#include <lazyscribe/lazyscribe.hpp>

#include <iterator>
#include <string>

struct handler_without_read {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
#ifndef LAZYSCRIBE_COMPILE_FAIL
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
#endif
};

using handlers = lazyscribe::builtin_handlers::with<handler_without_read>;

int main() {
    lazyscribe::basic_project<handlers> project("does-not-exist/project.json", lazyscribe::mode::write);
    {
        auto experiment = project.log("x");
        experiment.log_artifact<"text">("notes", std::string("hello"));
    }
    project.save();
    (void)project["x"].load_artifact<std::string>("notes");
    (void)project["x"].load_artifact<std::string, "text">("notes");
}
