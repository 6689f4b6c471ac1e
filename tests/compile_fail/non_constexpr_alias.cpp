// A handler whose alias is not a constant expression.
#include <lazyscribe/lazyscribe.hpp>

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
static_assert(handlers::size == 3);

int main() {}
