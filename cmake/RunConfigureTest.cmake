# Configures lazyscribe afresh in BINARY_DIR with the given options, and checks the outcome:
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DOPTIONS=o1@@o2 -DEXPECT_FAILURE=ON|OFF
#         [-DEXPECT=re1@@re2] -P RunConfigureTest.cmake
# Every regex in EXPECT must match the configure output.
string(REPLACE "@@" ";" OPTIONS "${OPTIONS}")
string(REPLACE "@@" ";" EXPECT "${EXPECT}")
file(REMOVE_RECURSE "${BINARY_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} ${OPTIONS}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT_FAILURE AND result EQUAL 0)
    message(FATAL_ERROR "configuring with ${OPTIONS} succeeded, but must fail:\n${out}")
elseif(NOT EXPECT_FAILURE AND NOT result EQUAL 0)
    message(FATAL_ERROR "configuring with ${OPTIONS} failed:\n${out}")
endif()
foreach(expected IN LISTS EXPECT)
    if(NOT out MATCHES "${expected}")
        message(FATAL_ERROR "the configure output lacks '${expected}':\n${out}")
    endif()
endforeach()
