// A type that is not a handler at all in a handler list.
#include <lazyscribe/lazyscribe.hpp>

#include <vector>

#ifdef LAZYSCRIBE_COMPILE_FAIL
using handlers = lazyscribe::builtin_handlers::with<std::vector<int>>;
#else
using handlers = lazyscribe::builtin_handlers::with<>;
#endif
static_assert(handlers::size >= 1);

int main() {}
