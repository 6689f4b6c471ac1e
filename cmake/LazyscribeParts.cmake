# The optional parts of the build and the one package each needs. A part finds its package
# only when it is on, so configuring the library alone needs Boost, nlohmann_json and cereal
# and nothing else:
#   tests       LAZYSCRIBE_BUILD_TESTS       Catch2 2.13 (v2)
#   benchmarks  LAZYSCRIBE_BUILD_BENCHMARKS  Google Benchmark
#   tools       LAZYSCRIBE_BUILD_TOOLS       CLI11
# A part that is on only by default (top-level project, option not given) is turned off, with
# a message, when its package is missing, so that `cmake -S . -B build` then `cmake --install`
# works on a machine with the library's dependencies alone. A part asked for explicitly
# (-DLAZYSCRIBE_BUILD_TESTS=ON) requires its package, so CI cannot lose its tests silently.

# lazyscribe_part(<option> <description> <default> <package> [find_package arguments...])
macro(lazyscribe_part option description default package)
    set(_lazyscribe_explicit FALSE)
    if(DEFINED CACHE{${option}})
        set(_lazyscribe_explicit TRUE)
    endif()
    option(${option} "${description}" ${default})
    if(${option})
        if(_lazyscribe_explicit)
            find_package(${package} ${ARGN} REQUIRED)
        else()
            find_package(${package} ${ARGN} QUIET)
            if(NOT ${package}_FOUND)
                message(STATUS "lazyscribe: ${package} not found, so ${option} is OFF "
                               "(install it, or pass -D${option}=ON to require it)")
                set(${option} OFF CACHE BOOL "${description}" FORCE)
            endif()
        endif()
    endif()
endmacro()
