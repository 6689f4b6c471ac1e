# Tests of the documentation's snippet extractor (tests/snippets/extract.cpp):
#   cmake -DEXTRACT=<extractor> -DROOT=<source root> -DPAGE=<page.md> -DOUT=<file> -DMODE=<mode>
#         [-DEXPECTED=<file>] [-DCOMPILER=... -DFLAGS=f1@@f2] [-DEXPECT=re1@@re2] -P RunSnippetTest.cmake
# MODE golden:   the extracted unit equals EXPECTED, byte for byte.
# MODE rejected: the extractor fails, with every EXPECT regex in its message.
# MODE drifted:  the extracted unit does not compile, and the diagnostic matches every EXPECT
#                regex (which name the page and line, through #line).
string(REPLACE "@@" ";" FLAGS "${FLAGS}")
string(REPLACE "@@" ";" EXPECT "${EXPECT}")
file(REMOVE "${OUT}")
execute_process(COMMAND ${EXTRACT} ${OUT} ${ROOT} ${PAGE}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(MODE STREQUAL "rejected")
    if(result EQUAL 0)
        message(FATAL_ERROR "the extractor accepted ${PAGE}, but must refuse it:\n${out}")
    endif()
else()
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "the extractor failed on ${PAGE}:\n${out}")
    endif()
    if(MODE STREQUAL "golden")
        file(READ "${OUT}" actual)
        file(READ "${EXPECTED}" expected)
        if(NOT actual STREQUAL expected)
            message(FATAL_ERROR "${OUT} differs from ${EXPECTED}:\n${actual}")
        endif()
        return()
    endif()
    execute_process(COMMAND ${COMPILER} ${FLAGS} ${OUT}
                    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(result EQUAL 0)
        message(FATAL_ERROR "the snippets of ${PAGE} compiled, but must not")
    endif()
endif()
foreach(expected IN LISTS EXPECT)
    if(NOT out MATCHES "${expected}")
        message(FATAL_ERROR "the output lacks '${expected}':\n${out}")
    endif()
endforeach()
