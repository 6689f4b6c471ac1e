// Naming a handler from an alias that is not in the list.
#include <lazyscribe/lazyscribe.hpp>
#include <lazyscribe/handlers/cereal.hpp>

#ifdef LAZYSCRIBE_COMPILE_FAIL
using handler = lazyscribe::builtin_handlers::handler_t<"csv">;
#else
using handler = lazyscribe::with_cereal::handler_t<"cereal">;
#endif
static_assert(handler::binary);

int main() {}
