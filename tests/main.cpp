// The one Catch2 main, compiled once into an object library shared by every test binary.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
