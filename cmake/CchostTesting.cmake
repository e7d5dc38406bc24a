# cchost_add_gtest(NAME SOURCES ... LIBS ...): a GoogleTest binary whose tests ctest discovers.
# Tests read genuine vectors from $CCHOST_VECTORS (scripts/test.sh sets it).
function(cchost_add_gtest name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  cchost_target_warnings(${name})
  target_link_libraries(${name} PRIVATE GTest::gtest GTest::gtest_main ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    CCHOST_SOURCE_DIR="${PROJECT_SOURCE_DIR}" CCHOST_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
