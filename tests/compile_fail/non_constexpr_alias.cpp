// A handler whose alias is not a constant expression, used the way a program uses its
// handlers: the one message names `alias`, and nothing that uses the list adds errors after it.
#include <lazyscribe/lazyscribe.hpp>

#include <iterator>
#include <string>

struct handler_with_runtime_alias {
#ifdef LAZYSCRIBE_COMPILE_FAIL
    static inline std::string_view alias = "text";
#else
    static constexpr std::string_view alias = "text";
#endif
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

using handlers = lazyscribe::builtin_handlers::with<handler_with_runtime_alias>;
static_assert(handlers::size == 2 && handlers::contains("text"));
static_assert(std::is_same_v<handlers::handler_t<"json">, lazyscribe::json_handler>);

int main() {
    lazyscribe::basic_project<handlers> project("does-not-exist/project.json", lazyscribe::mode::write);
    {
        auto experiment = project.log("x");
        experiment.log_artifact<"text">("notes", std::string("hello"));
    }
    project.save();
    (void)project["x"].load_artifact<std::string>("notes");
}
