// A handler without `suffix`.
#include <lazyscribe/lazyscribe.hpp>

#include <string>

struct handler_without_suffix {
    static constexpr std::string_view alias = "text";
#ifndef LAZYSCRIBE_COMPILE_FAIL
    static constexpr std::string_view suffix = "txt";
#endif
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream& in, const lazyscribe::json&) {
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
};

using handlers = lazyscribe::builtin_handlers::with<handler_without_suffix>;
static_assert(handlers::contains("text"));

int main() {}
