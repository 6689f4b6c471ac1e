// A live run with a handler list that has no json handler: its histories and run record are
// json artifacts, and the message says so.
#include <lazyscribe/live.hpp>

#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>

struct text_handler {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

int main() {
#ifdef LAZYSCRIBE_COMPILE_FAIL
    using handlers = lazyscribe::handler_list<text_handler>;
#else
    using handlers = lazyscribe::handler_list<lazyscribe::json_handler, text_handler>;
#endif
    lazyscribe::basic_project<handlers> project("out/project.json", lazyscribe::mode::write);
    auto run = project.log("x", lazyscribe::live);
    run.log_metric("loss", 0.5, lazyscribe::step{0});
}
