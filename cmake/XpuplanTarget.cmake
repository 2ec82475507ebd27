# Common compile settings for every xpuplan target.
function(xpuplan_settings target)
  # -Wno-missing-field-initializers: GCC 12 warns whenever a designated
  # initializer leaves members at their defaults, which is how the conventions
  # build plain structs ({.name = "x", .upper = 1}).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
                                           -Wno-missing-field-initializers)
  if(XPUPLAN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(XPUPLAN_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(XPUPLAN_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_definitions(${target} PRIVATE _GLIBCXX_ASSERTIONS)
  endif()
endfunction()

# xpuplan_module(NAME SOURCES ... DEPS ...): one library per module folder.
function(xpuplan_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PUBLIC_LIBS" ${ARGN})
  add_library(xpuplan_${name} STATIC ${M_SOURCES})
  target_include_directories(xpuplan_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(xpuplan_${name} PUBLIC ${M_DEPS} ${M_PUBLIC_LIBS})
  xpuplan_settings(xpuplan_${name})
endfunction()

# xpuplan_test(NAME SOURCES ... DEPS ...): one GoogleTest binary per module.
function(xpuplan_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} xpuplan_testing GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE XPUPLAN_DATA_DIR="${XPUPLAN_DATA_DIR}"
                                             XPUPLAN_TEST_DIR="${PROJECT_SOURCE_DIR}/tests")
  xpuplan_settings(${name})
  add_test(NAME ${name} COMMAND ${name})
endfunction()
